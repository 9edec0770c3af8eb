"""Officers' pages and sheet: who sees what, and no figure under min_n anywhere.

Data (all in November 2026, quarter 4, element C answered alike on C1–C3):
  A1 (commune A): 40 responses, 30 answered 5 and 10 answered 2 → raw 30/40 = 75,00 %
  A2 (commune A): 10 responses, all 5 → raw 100,00 %, under 30: no adjusted figure
  B1 (commune B): 35 responses, all 4
"""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Officer, User
from survey.services import officers
from tests.admin.conftest import csrf_from, login  # noqa: F401  (fixture)
from tests.api.conftest import bearer
from tests.officers.conftest import PHONE


def _results(client, officer_id: int, query: str = "?nam=2026&quy=4"):
    return client.get(f"/admin/cong-chuc/{officer_id}/ket-qua{query}")


def test_officer_sees_own_page_and_nobody_elses(client, staffed, login):  # noqa: F811
    login("congchuc.a1")
    assert client.get("/admin/cong-chuc").headers["Location"].endswith(f"/admin/cong-chuc/{staffed.ids['A1']}/ket-qua")
    page = _results(client, staffed.ids["A1"]).get_data(as_text=True)
    assert "Kết quả của tôi" in page and "Quý 4/2026" in page
    assert "75,00 %" in page  # raw: 30 of 40, hand-counted
    comments = page[page.index("Ý kiến của người dân") :]
    assert PHONE not in page and "Nguyễn Thị Lan" not in comments and "[đã ẩn]" in comments  # masked
    assert "hướng dẫn tận tình" in comments
    assert client.get(f"/admin/cong-chuc/{staffed.ids['A1']}/ap-phich.pdf").data[:4] == b"%PDF"  # own placard
    for other in ("A2", "B1"):
        assert _results(client, staffed.ids[other]).status_code == 404
        assert client.get(f"/admin/cong-chuc/{staffed.ids[other]}/ap-phich.pdf").status_code == 404
    assert client.get("/admin/cong-chuc/bang-danh-gia-2026.xlsx?don_vi=T-A").status_code == 404


def test_leader_of_b_does_not_see_officers_of_a(client, staffed, login):  # noqa: F811
    login("lanhdao.b")
    listing = client.get("/admin/cong-chuc").get_data(as_text=True)
    assert "CB-B1" in listing and "CB-A1" not in listing and "Nguyễn Thị Lan" not in listing
    assert _results(client, staffed.ids["A1"]).status_code == 404
    assert client.get("/admin/cong-chuc/bang-danh-gia-2026.xlsx?don_vi=T-A").status_code == 404
    assert _results(client, staffed.ids["B1"]).status_code == 200


def test_small_sample_shows_no_figure_on_the_page(client, staffed, login):  # noqa: F811
    login("lanhdao.a")
    page = _results(client, staffed.ids["A2"]).get_data(as_text=True)
    assert "chưa đủ 30 phiếu nên không tính chỉ số" in page
    table = page[page.index("<table") : page.index("</table>")]
    assert "100,00 %" in table  # the raw share, labelled raw
    assert table.count("Chưa đủ phiếu") == 4 and not re.search(r"\d+,\d\d % – ", table)
    full = _results(client, staffed.ids["A1"]).get_data(as_text=True)
    assert re.search(r"\d+,\d\d % – \d+,\d\d %", full)  # A1 (40 responses) has its interval


def test_annual_sheet_xlsx_and_docx(client, staffed, login):  # noqa: F811
    login("lanhdao.a")
    response = client.get("/admin/cong-chuc/bang-danh-gia-2026.xlsx?don_vi=T-A")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = {r[0]: r for r in book["Công chức"].iter_rows(values_only=True) if r[0] in ("CB-A1", "CB-A2")}
    assert rows["CB-A1"][1] == "Nguyễn Thị Lan" and rows["CB-A1"][2] == 40
    assert rows["CB-A1"][3] == pytest.approx(0.75)  # raw 30/40, stored as a number
    assert isinstance(rows["CB-A1"][4], float) and rows["CB-A1"][5] < rows["CB-A1"][4] < rows["CB-A1"][6]
    assert rows["CB-A2"][2] == 10 and rows["CB-A2"][4:7] == (None, None, None)
    assert "Chưa đủ 30 phiếu" in rows["CB-A2"][7]
    assert not any("CB-B1" in str(c) for r in book["Công chức"].iter_rows(values_only=True) for c in r)
    word = client.get("/admin/cong-chuc/bang-danh-gia-2026.docx?don_vi=T-A")
    document = docx.Document(io.BytesIO(word.data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Nguyễn Thị Lan" in cells and "75,00 %" in cells and "Trần Văn Hùng" in cells
    text = "\n".join(p.text for p in document.paragraphs)
    assert "91/2025/QH15" in text


def test_admin_manages_records_but_sees_no_results(client, staffed, login):  # noqa: F811
    login("quantri")
    token = csrf_from(client, "/admin/cong-chuc")
    sent = client.post("/admin/cong-chuc", data={"csrf_token": token, "code": "CB-A3", "name": "Phạm Văn Nam",
                                                 "unit": "T-A", "counter": "T-A-Q1"})  # fmt: skip
    assert sent.status_code == 302
    again = client.post("/admin/cong-chuc", data={"csrf_token": token, "code": "cb-a3", "name": "X", "unit": "T-A"},
                        follow_redirects=True)  # fmt: skip
    assert "Mã công chức CB-A3 đã có." in again.get_data(as_text=True)
    assert _results(client, staffed.ids["A1"]).status_code == 404
    assert client.get(f"/admin/cong-chuc/{staffed.ids['A1']}/ap-phich.pdf").data[:4] == b"%PDF"


def test_no_officer_figures_in_the_api_or_routine_exports(app, client, staffed, login, make_key):  # noqa: F811
    response = client.get("/api/v1/indices?unit=T-A&period=2026-11&by=officer", headers=bearer(make_key(staffed.a)))
    assert response.status_code == 422
    login("lanhdao.a")
    export = client.get("/admin/xuat/comments.csv?month=2026-11").get_data(as_text=True)
    assert "CB-A1" not in export and "officer" not in export  # no officer column in the routine export


def test_officer_account_must_belong_to_the_unit(app, staffed):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "lanhdao.b"))
        with pytest.raises(Exception, match="đúng đơn vị"):
            officers.link_account(user, db.session.get(Officer, staffed.ids["A1"]))
