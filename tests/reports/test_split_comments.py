"""A monthly report whose comments include those given at a former unit that was split says so under them.

The fixture (names and numbers are the test's): on 15/3/2026 UBND xã Bình Hiệp is split between a new
UBND xã Đông Sơn (60 %) and the existing UBND xã Vạn Tường (40 %), and UBND xã Bình Thanh is merged whole into
Đông Sơn. A comment given at Bình Hiệp before the split goes, whole, into the March reports of both successors;
a comment of the whole merge needs no such note, and a unit outside the change gets none.
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Unit
from survey.services import units as unit_service
from tests.reports.test_monthly import docx_text, pdf_text

SPLIT_DAY = date(2026, 3, 15)
NOTE = ("Ý kiến tại đơn vị cũ UBND xã Bình Hiệp (đã chia tách cho UBND xã Đông Sơn và UBND xã Vạn Tường) được "
        "đưa vào báo cáo của mỗi đơn vị nhận phần của UBND xã Bình Hiệp.")  # fmt: skip


@pytest.fixture
def split(app, make_unit, make_counter, add_responses):
    top = make_unit(code="H-BSN", name="UBND huyện Bình Sơn", kind="district")
    units = {code: make_unit(code=code, name=name, parent_id=top.id) for code, name in [
        ("X-BHIEP", "UBND xã Bình Hiệp"), ("X-BTHANHA", "UBND xã Bình Thanh"), ("X-DSON", "UBND xã Đông Sơn"),
        ("X-VTUONG", "UBND xã Vạn Tường"), ("X-BDUONG", "UBND xã Bình Dương")]}  # fmt: skip
    counters = {code: make_counter(unit=unit, code=f"{code}-Q1") for code, unit in units.items()}
    # the former units' ballots fall on 1–14 March (one a day), before the split
    add_responses(counters["X-BHIEP"], 2026, 3, 6, comments=["Cần thêm ghế ngồi"])
    add_responses(counters["X-BTHANHA"], 2026, 3, 4, comments=["Thủ tục nhanh"])
    add_responses(counters["X-DSON"], 2026, 3, 5, comments=["Phòng chờ mát"])
    add_responses(counters["X-VTUONG"], 2026, 3, 5, comments=["Cán bộ vui vẻ"])
    add_responses(counters["X-BDUONG"], 2026, 3, 5, comments=["Cần thêm chỗ để xe"])
    with app.app_context():
        db_units = {u.code: u for u in _db.session.scalars(select(Unit))}
        for code in ("X-BHIEP", "X-BTHANHA"):
            unit_service.close_unit(db_units[code], date(2026, 3, 14))
        db_units["X-DSON"].valid_from = SPLIT_DAY
        succeed = unit_service.record_succession
        succeed(db_units["X-BHIEP"], db_units["X-DSON"], SPLIT_DAY, "split", share=0.6)
        succeed(db_units["X-BHIEP"], db_units["X-VTUONG"], SPLIT_DAY, "split", share=0.4)
        succeed(db_units["X-BTHANHA"], db_units["X-DSON"], SPLIT_DAY, "merge")
        _db.session.commit()
    return units


def _run(runner, code):
    result = runner.invoke(args=["reports", "monthly", "--month", "2026-03", "--unit", code])
    assert result.exit_code == 0, result.output


def _sheet_notes(path):
    return [row[0] for row in load_workbook(path)["Ý kiến"].iter_rows(values_only=True) if row[0]]


def test_each_successor_of_a_split_unit_says_its_comments_are_there(app, runner, split, clock, reports_dir):
    for code in ("X-DSON", "X-VTUONG", "X-BDUONG"):
        _run(runner, code)
    folder = reports_dir / "2026-03"
    for code, own in (("X-DSON", "Phòng chờ mát"), ("X-VTUONG", "Cán bộ vui vẻ")):
        docx, pdf = docx_text(folder / f"{code}.docx"), pdf_text(folder / f"{code}.pdf")
        for text in (docx, pdf):
            assert "Cần thêm ghế ngồi" in text and own in text
            assert NOTE in text
            assert text.count("Ý kiến tại đơn vị cũ") == 1  # one note, never one for the whole merge
        # the note stands under the comments, before the signature
        assert docx.index("Cần thêm ghế ngồi") < docx.index(NOTE) < docx.index("Nơi nhận")
        assert NOTE in _sheet_notes(folder / f"{code}.xlsx")
    # Đông Sơn also holds the whole merge's comment, which needs no note
    assert "Thủ tục nhanh" in docx_text(folder / "X-DSON.docx")
    assert "Thủ tục nhanh" not in docx_text(folder / "X-VTUONG.docx")
    outside = docx_text(folder / "X-BDUONG.docx")
    assert "Cần thêm chỗ để xe" in outside and "Ý kiến tại đơn vị cũ" not in outside
    assert not any("đơn vị cũ" in str(note) for note in _sheet_notes(folder / "X-BDUONG.xlsx"))


def test_a_whole_run_reads_each_unit_as_a_run_for_it_alone(app, runner, split, clock, reports_dir):
    """Bình Hiệp and Bình Thanh existed until 14/3, so they get a March report of their own: their own ballots
    and comments (6 and 4 ballots, as given, not on the boundaries of 31/3, when they no longer exist). Made in one
    run with their successors, every report is what a run for that unit alone makes."""
    result = runner.invoke(args=["reports", "monthly", "--month", "2026-03"])
    assert result.exit_code == 0, result.output
    folder = reports_dir / "2026-03"
    together = {code: docx_text(folder / f"{code}.docx") for code in split}
    hiep = together["X-BHIEP"]
    assert "Tổng số phiếu hợp lệ: 6 phiếu" in hiep and "Cần thêm ghế ngồi" in hiep
    assert "Tổng số phiếu hợp lệ: 4 phiếu" in together["X-BTHANHA"]
    for code in split:
        _run(runner, code)
        alone = docx_text(folder / f"{code}.docx")
        assert alone == together[code], code


def test_a_quarterly_summary_lists_the_units_in_force_at_its_end(app, runner, split, clock, reports_dir):
    """On 31/3 Bình Hiệp and Bình Thanh no longer exist: their 10 ballots count for Đông Sơn and Vạn Tường, so the
    quarter's summary is of 3 units (Bình Dương, Đông Sơn, Vạn Tường) and all 25 ballots (6 + 4 + 5 + 5 + 5)."""
    result = runner.invoke(args=["reports", "quarterly", "--quarter", "2026-Q1"])
    assert result.exit_code == 0, result.output
    text = docx_text(reports_dir / "2026-Q1" / "H-BSN.docx")
    assert "tại 3 đơn vị có Trung tâm Phục vụ hành chính công" in text
    assert "Tổng số phiếu hợp lệ: 25 phiếu" in text
    assert "3 đơn vị có dưới 30 phiếu hợp lệ (UBND xã Bình Dương; UBND xã Đông Sơn; UBND xã Vạn Tường)" in text
    assert "Bình Hiệp" not in text and "Bình Thanh" not in text
