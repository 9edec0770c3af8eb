"""The roster import (all or nothing, Vietnamese row errors) and officer_code in the exchange CSV."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

from openpyxl import Workbook
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Field, OfficerShift, Response
from survey.services.responses import Ballot, build_response


def _shifts(app) -> list[tuple[int, int, date]]:
    with app.app_context():
        return sorted((s.officer_id, s.counter_id, s.day) for s in db.session.scalars(select(OfficerShift)))


def test_roster_import_xlsx_then_again(app, runner, communes, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã công chức", "Mã quầy", "Ngày"])
    sheet.append(["CB-A1", "T-A-Q1", datetime(2026, 11, 2)])
    sheet.append(["cb-a2", "T-A-Q1", "03/11/2026"])
    sheet.append([None, None, None])  # a blank row is skipped
    sheet.append(["CB-B1", "T-B-Q1", "2026-11-03"])
    path = tmp_path / "lich-truc.xlsx"
    book.save(path)
    result = runner.invoke(args=["officers", "roster-import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 3 dòng lịch trực (0 dòng đã có từ trước)" in result.output
    ids, qa, qb = communes.ids, communes.qa.id, communes.qb.id
    assert _shifts(app) == sorted([(ids["A1"], qa, date(2026, 11, 2)), (ids["A2"], qa, date(2026, 11, 3)),
                                   (ids["B1"], qb, date(2026, 11, 3))])  # fmt: skip
    again = runner.invoke(args=["officers", "roster-import", str(path)])
    assert "Đã nhập 0 dòng lịch trực (3 dòng đã có từ trước)" in again.output
    assert len(_shifts(app)) == 3


def test_roster_import_refuses_the_whole_file(app, runner, communes, tmp_path):
    path = tmp_path / "lich.csv"
    path.write_text(
        "officer_code,counter_code,day\n"
        "CB-A1,T-A-Q1,02/11/2026\n"  # good, but not stored: another row is bad
        "CB-A1,T-B-Q1,02/11/2026\n"  # counter of another commune
        "CB-ZZ,T-A-Q1,02/11/2026\n"  # no such officer
        "CB-A2,T-A-Q1,31/02/2026\n"  # no such day
        "CB-A2,T-A-Q1,15/12/2025\n"  # before the officer started
        "CB-A1,T-A-Q1,2026-11-02\n",  # the first row again
        encoding="utf-8",
    )
    result = runner.invoke(args=["officers", "roster-import", str(path)])
    assert result.exit_code != 0
    out = result.output
    assert "không dòng nào được nhập (5 lỗi)" in out
    assert "dòng 3, cột counter_code: quầy T-B-Q1 không thuộc đơn vị của công chức CB-A1" in out
    assert "dòng 4, cột officer_code: không có công chức mã 'CB-ZZ'" in out
    assert "dòng 5, cột day: ngày '31/02/2026' không đúng dạng dd/mm/yyyy" in out
    assert "dòng 6, cột day: ngày 15/12/2025 công chức CB-A2 không còn hoặc chưa phục vụ" in out
    assert "dòng 7: trùng với dòng 2" in out
    assert _shifts(app) == []
    missing = tmp_path / "thieu.csv"
    missing.write_text("officer_code,day\nCB-A1,02/11/2026\n", encoding="utf-8")
    result = runner.invoke(args=["officers", "roster-import", str(missing)])
    assert "dòng 1: thiếu cột counter_code (mã quầy)" in result.output


def test_exchange_export_and_import_keep_officer_code(app, runner, communes, tmp_path):
    with app.app_context():
        field_id = db.session.scalar(select(Field.id).where(Field.code == "HT"))
        for key, officer in (("k" * 20, communes.ids["A1"]), ("m" * 20, None)):
            ballot = Ballot(key=key, profile="sipas-2024", unit_id=communes.a.id, field_id=field_id,
                            counter_id=communes.qa.id, answers={"C1": 5}, channel="qr",
                            submitted_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC), placard_officer_id=officer)  # fmt: skip
            db.session.add(build_response(ballot))
        db.session.commit()
    out = tmp_path / "out.csv"
    assert runner.invoke(args=["responses", "export", "--out", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["officer_code"] for r in rows] == ["CB-A1", ""]
    assert "Nguyễn Thị Lan" not in out.read_text(encoding="utf-8")  # the code, never the name
    with app.app_context():
        db.session.execute(Response.__table__.delete())
        db.session.commit()
    result = runner.invoke(args=["responses", "import", str(out)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = {r.response_key: (r.officer_id, r.officer_source) for r in db.session.scalars(select(Response))}
    assert stored == {"k" * 20: (communes.ids["A1"], "import"), "m" * 20: (None, None)}
    # an officer of commune B on a response of commune A: the file is refused
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            row["response_id"] = row["response_id"].replace("k", "n").replace("m", "p")
            row["officer_code"] = "CB-B1" if row["officer_code"] else ""
            writer.writerow(row)
    result = runner.invoke(args=["responses", "import", str(bad)])
    assert result.exit_code != 0 and "công chức CB-B1 không thuộc đơn vị T-A" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 2
