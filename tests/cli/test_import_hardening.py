"""The probe's import findings (issue 16): each refused, all listed in one pass, never a traceback."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from survey.services.errors import ImportRejected
from survey.services.importer import import_csv

HEADER = ("response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,channel,"
          "A1,A2,A3,B1,B2,B3,B4,C1,C2,C3,D1,D2,D3,E1,E2,E3,comment")  # fmt: skip
ANSWERS = ",".join(["4"] * 16)


def _row(response_id="p-0001", when="2026-03-31T08:30:00+07:00", unit="XA-01", field="HT", comment="", counter=""):
    return f"{response_id},{when},sipas-2024,{unit},{counter},{field},,paper,{ANSWERS},{comment}"


def _import(app, tmp_path, *rows):
    path = tmp_path / "in.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    with app.app_context():
        try:
            count = import_csv(path)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
        return count


def _problems(app, tmp_path, *rows) -> list[tuple]:
    with pytest.raises(ImportRejected) as caught:
        _import(app, tmp_path, *rows)
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0
    return caught.value.problems


@pytest.fixture
def unit(make_unit):
    return make_unit(code="XA-01", field_codes=("HT", "DD"))


def test_keys_that_coincide_after_prefixing_are_listed_not_an_integrity_error(app, tmp_path, unit):
    # "p-000000001" is short (11 < 16), so its key is "XA-01/p-000000001" (17 characters): the key
    # the long id of the next row is taken as, unchanged
    problems = _problems(app, tmp_path, _row("p-000000001"), _row("XA-01/p-000000001"))
    assert [(line, col) for line, col, _ in problems] == [(3, "response_id")], problems
    assert "trùng với dòng 2" in problems[0][2]


@pytest.mark.parametrize("when", ["0001-01-01T08:00:00+07:00", "1500-06-01T08:00:00+07:00", "2014-12-31T08:00:00+07:00",
                                  "2099-01-01T08:00:00+07:00"])  # fmt: skip
def test_dates_outside_the_window_are_refused(app, tmp_path, unit, when):
    problems = _problems(app, tmp_path, _row(when=when))
    assert [(line, col) for line, col, _ in problems] == [(2, "submitted_at")], problems


def test_an_over_long_comment_is_refused(app, tmp_path, unit):
    problems = _problems(app, tmp_path, _row(comment="ý" * 100_000))
    assert [(line, col) for line, col, _ in problems] == [(2, "comment")]
    assert "1000" in problems[0][2] or "1.000" in problems[0][2]


def test_a_comment_with_noncharacters_is_imported_clean(app, tmp_path, unit):
    assert _import(app, tmp_path, _row(comment="Tốt\uffff\u202e lắm")) == 1
    with app.app_context():
        assert db.session.scalar(select(Response.comment)) == "Tốt lắm"
        db.session.execute(Response.__table__.delete())
        db.session.commit()


def test_a_field_the_unit_does_not_handle_is_refused(app, tmp_path, unit, make_field):
    make_field("XD", "Xây dựng")
    problems = _problems(app, tmp_path, _row(field="XD"))
    assert [(line, col) for line, col, _ in problems] == [(2, "field_code")]
    assert "không thuộc" in problems[0][2] or "không xử lý" in problems[0][2]


@pytest.mark.parametrize("response_id", ["=HYPERLINK(1)", "+1", "-2", "@SUM(1)"])
def test_formula_response_ids_are_refused(app, tmp_path, unit, response_id):
    problems = _problems(app, tmp_path, _row(response_id))
    assert [(line, col) for line, col, _ in problems] == [(2, "response_id")]


def test_every_problem_in_one_pass(app, tmp_path, unit):
    # a format problem (an answer of 9) and a reference problem (an unknown unit) in one file
    bad_answer = _row("p-0002").replace(",4,4,4,", ",9,4,4,", 1)
    problems = _problems(app, tmp_path, _row("p-0001", unit="KHONG-CO"), bad_answer)
    where = {(line, col) for line, col, _ in problems}
    assert (2, "unit_code") in where and any(line == 3 for line, _ in where), problems


def test_answers_in_other_digits_are_refused(app, tmp_path, unit):
    problems = _problems(app, tmp_path, _row().replace(",4,4,4,", ",٣,4,4,", 1))
    assert [(line, col) for line, col, _ in problems] == [(2, "A1")]
