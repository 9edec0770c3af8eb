"""`flask reports due` (the daily cron line) and the quarterly district summary."""

from __future__ import annotations

from sqlalchemy import delete, select

from survey.models import Report
from tests.reports.test_monthly import docx_text, pdf_text


def test_due_catches_up_every_ended_month_and_quarter_then_does_nothing(
    app, db, runner, make_unit, make_counter, add_responses, clock, reports_dir
):
    top = make_unit(code="H-BSN", name="UBND huyện Bình Sơn", kind="district")
    thanh = make_unit(code="X-BTHANH", name="UBND xã Bình Thạnh", parent_id=top.id)
    quiet = make_unit(code="X-BHIEP", name="UBND xã Bình Hiệp", parent_id=top.id)
    counter = make_counter(unit=thanh, code="X-BTHANH-Q1")
    make_counter(unit=quiet, code="X-BHIEP-Q1")  # no answers yet: no monthly report due
    add_responses(counter, 2026, 1, 5)
    add_responses(counter, 2026, 3, 35)

    first = runner.invoke(args=["reports", "due"])
    assert first.exit_code == 0, first.output
    assert "4 báo cáo, 12 tệp" in first.output
    made = sorted(p.relative_to(reports_dir).as_posix() for p in reports_dir.rglob("*.pdf"))
    assert made == ["2026-01/X-BTHANH.pdf", "2026-02/X-BTHANH.pdf", "2026-03/X-BTHANH.pdf", "2026-Q1/H-BSN.pdf"]
    with app.app_context():
        rows = {(r.unit_id, r.period) for r in db.session.scalars(select(Report))}
    assert rows == {(thanh.id, "2026-01"), (thanh.id, "2026-02"), (thanh.id, "2026-03"), (top.id, "2026-Q1")}

    assert "không có phiếu khảo sát hợp lệ nào" in docx_text(reports_dir / "2026-02" / "X-BTHANH.docx")
    summary = pdf_text(reports_dir / "2026-Q1" / "H-BSN.pdf")
    for wanted in (
        "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN",
        "quý I/2026",
        "UBND xã Bình Thạnh",
        "UBND xã Bình Hiệp",
        "40 phiếu",
    ):
        assert wanted in summary, wanted

    mtimes = {p: p.stat().st_mtime_ns for p in reports_dir.rglob("X-*")}
    with app.app_context():  # a row lost (say, a restore of an older database): recorded again, files kept
        db.session.execute(delete(Report).where(Report.period == "2026-01"))
        db.session.commit()
    second = runner.invoke(args=["reports", "due"])
    assert second.exit_code == 0, second.output
    assert "0 báo cáo, 0 tệp" in second.output and "ghi nhận 1 báo cáo có sẵn tệp" in second.output
    assert {p: p.stat().st_mtime_ns for p in reports_dir.rglob("X-*")} == mtimes
    with app.app_context():
        assert db.session.scalar(select(Report.path).where(Report.period == "2026-01")) == "2026-01"
    third = runner.invoke(args=["reports", "due"])
    assert "0 báo cáo, 0 tệp" in third.output and "ghi nhận" not in third.output


def test_quarterly_defaults_to_the_last_ended_quarter_of_the_top_unit(runner, district, clock, reports_dir):
    result = runner.invoke(args=["reports", "quarterly"])
    assert result.exit_code == 0, result.output
    assert "quý I/2026: UBND huyện Bình Sơn" in result.output
    text = docx_text(reports_dir / "2026-Q1" / "H-BSN.docx")
    for wanted in ("ỦY BAN NHÂN DÂN\nHUYỆN BÌNH SƠN", "quý I/2026", "Cảnh báo mẫu nhỏ", "UBND xã Bình Chánh",
                   "trung bình cộng (không trọng số) chỉ số của các đơn vị"):  # fmt: skip
        assert wanted in text, wanted
