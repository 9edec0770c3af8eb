"""`flask responses export` and `flask responses import`: the exchange CSV (method §5)."""

from __future__ import annotations

import csv
import unicodedata
from datetime import UTC, datetime

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from survey.services import trust
from survey.services.responses import Ballot, build_response

HEADER = ("response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,channel,"
          "A1,A2,A3,B1,B2,B3,B4,C1,C2,C3,D1,D2,D3,E1,E2,E3,comment")  # fmt: skip


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


def _add(app, unit, field_code, key, submitted_at, answers, comment=None, counter=None):
    from survey.models import Field

    with app.app_context():
        field_id = db.session.scalar(select(Field.id).where(Field.code == field_code))
        ballot = Ballot(key=key, profile="sipas-2024", unit_id=unit.id, field_id=field_id, answers=answers,
                        comment=comment, submitted_at=submitted_at, counter_id=counter.id if counter else None,
                        channel="paper", respondent={"sex": 1})  # fmt: skip
        db.session.add(build_response(ballot))
        db.session.commit()


def _read(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_export_import_round_trip(app, runner, tmp_path, make_unit, make_counter):
    unit = make_unit(code="XA-01", name="UBND xã Bình Thạnh")
    counter = make_counter(unit=unit, code="XA-01-Q1")
    items = {c: v for c, v in zip(["A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3",
                                   "E1", "E2", "E3"], [5, 4, 3, 2, 1, 0, 5, 4, 3, 2, 1, 0, 5, 4, None, 0], strict=True)}  # fmt: skip
    hostile = '=HYPERLINK("http://x","bấm") — Thủ tục nhanh gọn'
    _add(app, unit, "HT", "a" * 24, datetime(2026, 3, 31, 18, 30, tzinfo=UTC), {**items, "S0": 4, "X10": 3},
         comment=hostile, counter=counter)  # fmt: skip
    _add(app, unit, "DD", "b" * 24, datetime(2026, 4, 2, 2, 0, tzinfo=UTC), items, comment="Cán bộ nhiệt tình")

    out = tmp_path / "out.csv"
    result = runner.invoke(args=["responses", "export", "--out", str(out)])
    assert result.exit_code == 0 and "Đã xuất 2 phiếu" in result.output
    rows = _read(out)
    first = rows[0]
    assert first["submitted_at"] == "2026-04-01T01:30:00+07:00"  # Vietnam time, with its offset
    assert (first["unit_code"], first["counter_code"], first["field_code"], first["channel"]) == (
        "XA-01",
        "XA-01-Q1",
        "HT",
        "paper",
    )
    assert first["A1"] == "5" and first["B3"] == "0" and first["E2"] == "" and first["S0"] == "4"
    assert first["comment"] == "'" + hostile  # a spreadsheet shows it as text, never runs it
    assert rows[1]["comment"] == "Cán bộ nhiệt tình"

    # into an empty database with the same units: the same responses come back
    with app.app_context():
        db.session.execute(Response.__table__.delete())
        db.session.commit()
    result = runner.invoke(args=["responses", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 2 phiếu" in result.output
    with app.app_context():  # the digest the burst check compares, as a ballot from the form gets it
        for response in db.session.scalars(select(Response)):
            assert response.answer_digest == trust.answer_digest(response)
    again = tmp_path / "again.csv"
    runner.invoke(args=["responses", "export", "--out", str(again)])
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")

    # importing the same file twice is refused as a whole
    result = runner.invoke(args=["responses", "import", str(out)])
    assert result.exit_code == 1 and "đã được nhập trước đây" in result.output
    assert _count(app) == 2


def test_export_filters_by_vietnam_days_and_unit(app, runner, tmp_path, make_unit):
    district = make_unit(code="H-1", kind="district", name="UBND huyện Bình Sơn")
    commune = make_unit(code="X-1", parent_id=district.id)
    other = make_unit(code="X-2", name="UBND xã khác")
    items = {"A1": 4}
    _add(app, commune, "HT", "c" * 20, datetime(2026, 3, 31, 16, 59, tzinfo=UTC), items)  # 23:59 on 31/03 in VN
    _add(app, commune, "HT", "d" * 20, datetime(2026, 3, 31, 17, 0, tzinfo=UTC), items)  # 00:00 on 01/04 in VN
    _add(app, other, "HT", "e" * 20, datetime(2026, 4, 1, 3, 0, tzinfo=UTC), items)
    out = tmp_path / "april.csv"
    result = runner.invoke(args=["responses", "export", "--out", str(out), "--from", "2026-04-01", "--to",
                                 "2026-04-30", "--unit", "H-1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [r["response_id"] for r in _read(out)] == ["d" * 20]
    bad = runner.invoke(args=["responses", "export", "--out", str(out), "--from", "01/04/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def _write(path, *lines):
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


GOOD = '{id},2026-05-04T09:15:00+07:00,sipas-2024,XA-01,,HT,,paper,5,4,4,4,4,4,4,5,5,5,4,4,4,0,0,0,"{comment}"'


def test_import_paper_ballots_with_ballot_numbers(app, runner, tmp_path, make_unit):
    make_unit(code="XA-01")
    decomposed = unicodedata.normalize("NFD", "Phòng chờ chật, thiếu quạt")
    path = _write(tmp_path / "giay.csv", GOOD.format(id="1", comment=decomposed), GOOD.format(id="2", comment=""))
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = db.session.scalars(select(Response).order_by(Response.response_key)).all()
        assert [r.response_key for r in stored] == ["XA-01/1", "XA-01/2"]
        assert stored[0].comment == "Phòng chờ chật, thiếu quạt" and stored[1].comment is None
        assert stored[0].period_month == 202605 and stored[0].channel == "paper" and stored[0].answer("E1") == 0


def test_import_with_bad_rows_changes_nothing_and_lists_every_problem(app, runner, tmp_path, make_unit):
    make_unit(code="XA-01")
    path = _write(
        tmp_path / "loi.csv",
        GOOD.format(id="1", comment="tốt"),
        GOOD.format(id="2", comment="").replace(",5,4,4,4,", ",7,4,4,4,", 1),  # A1 = 7
        GOOD.format(id="3", comment="").replace("XA-01", "XA-99"),  # unknown unit
        GOOD.format(id="4", comment="").replace("2026-05-04T09:15:00+07:00", "04/05/2026"),  # not ISO
        GOOD.format(id="5", comment="").replace(",HT,", ",ZZ,"),  # unknown field
        GOOD.format(id="6", comment="").replace("sipas-2024", "sipas-1999"),
    )
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert "không dòng nào được nhập" in out
    assert "dòng 3, cột A1: giá trị 7 ngoài các giá trị cho phép" in out
    assert "dòng 5, cột submitted_at" in out
    assert "dòng 7, cột profile" in out
    assert _count(app) == 0
    # a file whose format is right but whose codes are unknown is refused too, naming them
    path = _write(tmp_path / "ma.csv", GOOD.format(id="1", comment=""),
                  GOOD.format(id="3", comment="").replace("XA-01", "XA-99"),
                  GOOD.format(id="5", comment="").replace(",HT,", ",ZZ,"))  # fmt: skip
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 1
    assert "dòng 3, cột unit_code: không có đơn vị mã 'XA-99'" in result.output
    assert "dòng 4, cột field_code: không có lĩnh vực mã 'ZZ'" in result.output
    assert _count(app) == 0


def test_import_names_the_spreadsheet_line_below_a_blank_row(app, runner, tmp_path, make_unit):
    make_unit(code="XA-01")
    # line 1 header, line 2 good, line 3 blank (skipped), line 4 unknown unit, line 5 empty cells only
    path = _write(tmp_path / "trong.csv", GOOD.format(id="1", comment=""), "",
                  GOOD.format(id="2", comment="").replace("XA-01", "XA-99"), "," * 24,
                  GOOD.format(id="3", comment="").replace(",HT,", ",ZZ,"))  # fmt: skip
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 1
    assert "dòng 4, cột unit_code: không có đơn vị mã 'XA-99'" in result.output
    assert "dòng 6, cột field_code: không có lĩnh vực mã 'ZZ'" in result.output
    assert "dòng 3," not in result.output
    assert _count(app) == 0


def test_import_refuses_missing_column_and_non_utf8(app, runner, tmp_path, make_unit):
    make_unit(code="XA-01")
    path = tmp_path / "thieu.csv"
    row = GOOD.format(id="1", comment="").replace(",5,5,5,", ",5,5,", 1)
    path.write_text(HEADER.replace(",C2", "") + "\n" + row + "\n", encoding="utf-8")
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 1 and "cột C2" in result.output, result.output
    path = tmp_path / "cp1258.csv"
    legacy = GOOD.format(id="1", comment="Tôi thấy tốt")  # saved by an old Windows program
    path.write_bytes((HEADER + "\n" + legacy).encode("cp1258", errors="replace"))
    result = runner.invoke(args=["responses", "import", str(path)])
    assert result.exit_code == 1 and "UTF-8" in result.output
    assert _count(app) == 0
