"""One small world whose figures are worked out by hand, read on the dashboard, in its CSV and XLSX
exports and in the signed report: the same digits everywhere.

The world (October 2026, questionnaire sipas-2024, every ballot answers all 16 items):

* X-MOT (UBND xã Một), 16 ballots, every item 5 except
  B1 = 2 on ballots 1–2, B3 = 1 on ballot 3, B2 = 3 on ballots 4–6;
  A1 is "không đánh giá" (0) on ballot 7 and blank on ballot 8 (out of the denominator).
* X-HAI (UBND xã Hai), 16 ballots, every item 4 except C1 = 3 on ballots 1–8.

By hand (satisfied = 4 or 5; index = satisfied / valid × 100; element = mean of its items;
SIPAS = mean of the five elements, rule mean_of_items):

X-MOT  B1 = 14/16 = 87,5; B2 = 13/16 = 81,25; B3 = 15/16 = 93,75; B4 = 100
       B = (87,5 + 81,25 + 93,75 + 100) / 4 = 362,5 / 4 = 90,625       → "90,63 %" (half-up;
           half-to-even would print 90,62)
       A1 = 14/14 = 100 (14 valid answers); A = C = D = E = 100
       SIPAS = (4 × 100 + 90,625) / 5 = 490,625 / 5 = 98,125           → "98,13 %" (half-even: 98,12)
X-HAI  C1 = 8/16 = 50; C = (50 + 100 + 100) / 3 = 83,333…              → "83,33 %"
       SIPAS = (4 × 100 + 83,333…) / 5 = 96,666…                        → "96,67 %"
Ranks among the two communes of the district (min_n set to 10; both have 16): X-MOT 1, X-HAI 2.

Complaints: the three ballots of X-MOT with an item at 2 or below (1, 2, 3) become feedback
items on 20/10/2026, due 27/10/2026; the first is answered on 22/10 (on time), the second on
30/10 (late), the third not at all (overdue). On time: 1 of 3 received = 33,333… → "33,33 %".
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from docx import Document
from sqlalchemy import select, update

from survey.extensions import db as _db
from survey.models import FeedbackItem, Field, Response
from survey.services import feedback
from survey.services.responses import Ballot, build_response
from survey.services.users import create_user

PASSWORD = "mat-khau-thu-nghiem"
ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")


def _ballots(unit, counter, field_id, base: int, changes) -> list[Ballot]:
    out = []
    for i in range(16):
        answers: dict[str, int | None] = dict.fromkeys(ITEMS, base)
        answers.update(changes.get(i + 1, {}))
        answers = {k: v for k, v in answers.items() if v is not None}
        stamp = datetime(2026, 10, 1 + i, 3, tzinfo=UTC)
        out.append(Ballot(key=f"oracle-{unit.code}-{i:03d}-xxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id,
                          field_id=field_id, counter_id=counter.id, answers=answers, submitted_at=stamp))  # fmt: skip
    return out


@pytest.fixture
def oracle(app, db, make_unit, make_counter, monkeypatch):
    monkeypatch.setitem(app.config, "FIGURES_MIN_N", 10)
    district = make_unit(code="H-ORACLE", name="UBND huyện Kiểm Tra", kind="district")
    one = make_unit(code="X-MOT", name="UBND xã Một", parent_id=district.id)
    two = make_unit(code="X-HAI", name="UBND xã Hai", parent_id=district.id)
    c1, c2 = make_counter(unit=one, code="X-MOT-Q1"), make_counter(unit=two, code="X-HAI-Q1")
    with app.app_context():
        ht = _db.session.scalar(select(Field.id).where(Field.code == "HT"))
        mot = {1: {"B1": 2}, 2: {"B1": 2}, 3: {"B3": 1}, 4: {"B2": 3}, 5: {"B2": 3}, 6: {"B2": 3},
               7: {"A1": 0}, 8: {"A1": None}}  # fmt: skip
        hai = {i: {"C1": 3} for i in range(1, 9)}
        for ballot in _ballots(one, c1, ht, 5, mot) + _ballots(two, c2, ht, 4, hai):
            _db.session.add(build_response(ballot))
        _db.session.flush()
        feedback.collect(now=datetime(2026, 10, 20, 2, tzinfo=UTC))
        items = _db.session.execute(
            select(FeedbackItem.id).join(Response, Response.id == FeedbackItem.response_id)
            .order_by(Response.submitted_at)
        ).scalars().all()  # fmt: skip
        assert len(items) == 3
        answered = {items[0]: datetime(2026, 10, 22, 2, tzinfo=UTC), items[1]: datetime(2026, 10, 30, 2, tzinfo=UTC)}
        for item_id, at in answered.items():
            _db.session.execute(update(FeedbackItem).where(FeedbackItem.id == item_id)
                                .values(status="answered", answered_at=at, answer_text="Đã trả lời"))  # fmt: skip
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        _db.session.commit()
    return {"one": one, "two": two}


def _login(client):
    import re

    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": token})


def _cells(page: str) -> list[list[str]]:
    """The data tables' cells, as text."""
    import re

    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)]
            for r in rows]  # fmt: skip


def _row(rows: list[list[str]], first: str) -> list[str]:
    return next(r for r in rows if r and first in r[0:2])


def _csv_rows(data: bytes) -> list[list[str]]:
    """As a Vietnamese-locale Excel reads it: ';' between cells; a percent is a number with a decimal comma."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _body(sheet):
    """The rows under the sheet's frozen header."""
    return sheet.iter_rows(min_row=int(sheet.freeze_panes[1:]))


def _xlsx_percent(value: float) -> str:
    """A stored fraction as the sheet shows it with its 0.00 % format (Vietnamese decimal comma)."""
    return f"{100 * value:.2f}".replace(".", ",") + " %"


def test_the_same_digits_on_the_dashboard_in_the_exports_and_in_the_report(app, client, runner, oracle, tmp_path):
    _login(client)
    month = "period=month&month=2026-10"

    # overview of X-MOT: SIPAS, element B, the complaints handled on time
    page = client.get(f"/admin/?{month}&unit=X-MOT").get_data(as_text=True)
    rows = _cells(page)
    assert _row(rows, "Chỉ số hài lòng chung (SIPAS)")[1] == "98,13 %"
    assert _row(rows, "B. Thủ tục hành chính")[1] == "90,63 %"
    assert _row(rows, "A. Tiếp cận dịch vụ")[1] == "100,00 %"
    assert _row(rows, "UBND xã Một")[1:5] == ["3", "2", "1", "33,33 %"]
    overview_csv = _csv_rows(client.get(f"/admin/xuat/overview.csv?{month}&unit=X-MOT").data)
    assert _row(overview_csv, "Chỉ số hài lòng chung (SIPAS)")[1] == "98,13"
    assert _row(overview_csv, "B. Thủ tục hành chính")[1] == "90,63"
    assert _row(overview_csv, "UBND xã Một")[4] == "33,33"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/admin/xuat/overview.xlsx?{month}&unit=X-MOT").data))
    values = {r[0].value: r for r in _body(sheet.worksheets[0])}
    assert _xlsx_percent(values["Chỉ số hài lòng chung (SIPAS)"][1].value) == "98,13 %"
    assert values["B. Thủ tục hành chính"][1].value == pytest.approx(0.9063)
    assert values["B. Thủ tục hành chính"][1].number_format == "0.00 %"
    complaints = next(_body(sheet.worksheets[1]))
    assert _xlsx_percent(complaints[4].value) == "33,33 %"

    # items of X-MOT: B2 = 81,25 %, A1 out of 14 valid answers = 100,00 %
    items = _cells(client.get(f"/admin/tieu-chi?{month}&unit=X-MOT").get_data(as_text=True))
    assert _row(items, "B2")[-1] == "81,25 %" and _row(items, "A1")[-1] == "100,00 %"
    items_csv = _csv_rows(client.get(f"/admin/xuat/items.csv?{month}&unit=X-MOT").data)
    assert _row(items_csv, "B2")[-1] == "81,25"

    # ranking of the district: X-MOT first, X-HAI second
    units = _cells(client.get(f"/admin/don-vi?{month}").get_data(as_text=True))
    assert _row(units, "UBND xã Một")[:3] == ["1", "UBND xã Một", "98,13 %"]
    assert _row(units, "UBND xã Hai")[:3] == ["2", "UBND xã Hai", "96,67 %"]
    units_csv = _csv_rows(client.get(f"/admin/xuat/units.csv?{month}").data)
    assert _row(units_csv, "UBND xã Hai")[:3] == ["2", "UBND xã Hai", "96,67"]
    ranked = openpyxl.load_workbook(io.BytesIO(client.get(f"/admin/xuat/units.xlsx?{month}").data)).active
    assert [(r[0].value, r[1].value, _xlsx_percent(r[2].value)) for r in _body(ranked)] == [
        (1, "UBND xã Một", "98,13 %"), (2, "UBND xã Hai", "96,67 %")]  # fmt: skip

    # the monthly report of X-MOT: the same strings in the DOCX, the same numbers in the XLSX annex
    result = runner.invoke(args=["reports", "monthly", "--month", "2026-10", "--unit", "X-MOT", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(tmp_path / "2026-10" / "X-MOT.docx").paragraphs)
    for table in Document(tmp_path / "2026-10" / "X-MOT.docx").tables:
        text += "\n" + "\n".join(cell.text for row in table.rows for cell in row.cells)
    for wanted in ("98,13 %", "90,63 %", "81,25 %", "xếp thứ 1/2", "đúng hạn 1 (33,33 %)"):
        assert wanted in text, wanted
    annex = openpyxl.load_workbook(tmp_path / "2026-10" / "X-MOT.xlsx")
    numbers = {_xlsx_percent(c.value) for s in annex for r in s.iter_rows() for c in r
               if isinstance(c.value, float) and c.number_format == "0.00 %"}  # fmt: skip
    assert {"98,13 %", "90,63 %", "81,25 %"} <= numbers
