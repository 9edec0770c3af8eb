"""Hostile comments come out inert in HTML, CSV and XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
from sqlalchemy import select

from survey.extensions import db
from survey.models import FeedbackItem, Response
from tests.admin.conftest import HOSTILE


def test_comments_page_escapes_html(client, world, login):
    login("vanphong")
    page = client.get("/admin/y-kien?month=2026-10").get_data(as_text=True)
    assert "<script>alert" not in page and '"><img src=x' not in page
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_feedback_page_escapes_html(app, client, world, login):
    login("vanphong")
    with app.app_context():
        item_id = db.session.scalar(select(FeedbackItem.id).join(Response).where(Response.comment == HOSTILE[1]))
    page = client.get(f"/admin/phan-anh/{item_id}").get_data(as_text=True)
    assert '"><img src=x' not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_csv_export_neutralises_formulas(client, world, login):
    login("vanphong")
    response = client.get("/admin/xuat/comments.csv?month=2026-10")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    cells = [c for row in rows for c in row]
    assert "'" + HOSTILE[2] in cells and HOSTILE[2] not in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_xlsx_export_neutralises_formulas(client, world, login):
    login("vanphong")
    response = client.get("/admin/xuat/comments.xlsx?month=2026-10")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.value == "'" + HOSTILE[2] for c in cells)
    assert all(c.data_type != "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)
