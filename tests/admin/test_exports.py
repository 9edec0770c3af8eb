"""The dashboard's exports say what they hold and open in columns in a Vietnamese-locale spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from urllib.parse import unquote

import openpyxl
import pytest

from survey.extensions import db as _db
from survey.models import Unit
from survey.services.users import create_user
from tests.admin.conftest import PASSWORD
from tests.rates_data import HOSTILE, add_month

FILTER = "period=month&month=2026-10&unit=X-BSON&field=HT&channel=qr"


@pytest.fixture
def commune(app, db, make_unit, make_counter):
    district = make_unit(code="H-BSON", name="UBND huyện Bình Sơn", kind="district", field_codes=("HT", "DD", "XD"))
    unit = make_unit(code="X-BSON", name="UBND xã Bình Sơn", parent_id=district.id, field_codes=("HT", "DD", "XD"))
    add_month(app, unit, make_counter(unit=unit, code="X-BSON-Q1"))
    with app.app_context():
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        create_user("canbo.bson", PASSWORD, "unit_officer", "Cán bộ", _db.session.get(Unit, unit.id))
        _db.session.commit()
    return unit


@pytest.fixture
def admin(commune, login):
    login("quantri")
    return commune


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _csv_tables(body: bytes) -> list[list[list[str]]]:
    """The CSV as a Vietnamese Excel reads it: ';' between cells; tables split at blank rows."""
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")[1:]), delimiter=";"))
    tables, current = [], []
    for row in rows:
        if row:
            current.append(row)
        else:
            tables.append(current)
            current = []
    return [*tables, current]


def _number(cell: str) -> float:
    """A CSV number read with a decimal comma."""
    assert re.fullmatch(r"-?\d+(,\d+)?", cell), cell
    return float(cell.replace(",", "."))


def _header_row(sheet) -> int:
    return int(sheet.freeze_panes[1:]) - 1


def test_file_names_and_titles_say_unit_field_channel_and_period(client, admin):
    response = client.get(f"/admin/xuat/overview.xlsx?{FILTER}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    stem = "sipas-tong-quan_xa-binh-son_ho-tich_quet-ma-qr_thang-10-2026"
    assert f'filename="{stem}.xlsx"' in disposition
    readable = unquote(disposition.split("filename*=UTF-8''")[1])
    assert readable == "SIPAS - Tổng quan - UBND xã Bình Sơn - Lĩnh vực Hộ tịch - Quét mã QR - Tháng 10-2026.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert sheet["A2"].value == "UBND xã Bình Sơn — Lĩnh vực Hộ tịch — Quét mã QR — Tháng 10/2026"
    assert book.properties.subject == sheet["A2"].value
    # the district with its communes: "Toàn …"
    response = client.get("/admin/xuat/fields.csv?period=month&month=2026-10&unit=H-BSON")
    assert 'filename="sipas-theo-linh-vuc_toan-huyen-binh-son_thang-10-2026.csv"' in response.headers[
        "Content-Disposition"]  # fmt: skip
    assert "Toàn huyện Bình Sơn" in unquote(response.headers["Content-Disposition"])


def test_csv_opens_in_columns_with_the_pages_figures(client, admin):
    page = _text(client.get("/admin/?period=month&month=2026-10&unit=X-BSON").get_data(as_text=True))
    tables = _csv_tables(client.get("/admin/xuat/overview.csv?period=month&month=2026-10&unit=X-BSON").data)
    index, *_ = tables
    # no title line: the header first
    assert index[0][:2] == ["Chỉ số", "Tỷ lệ hài lòng (%)"]
    sipas = next(r for r in index if r[0] == "Chỉ số hài lòng chung (SIPAS)")
    assert _number(sipas[1]) == 80.0  # every item 40/50 (tests/rates_data.py)
    assert "80,00 %" in page
    rates = next(t for t in tables if t[0][0] == "Lĩnh vực" and "Tỷ lệ phản hồi (%)" in t[0])
    head = rates[0]
    rows = {r[0]: r for r in rates[1:]}
    col = {name: head.index(name) for name in head}
    # worked out by hand: 40/100, 10/300, 0/50, 50/450
    for name, received, returned, late, answers, rate in (("Hộ tịch", 120, 100, 5, 40, 40.0),
                                                          ("Đất đai", 320, 300, 30, 10, 3.33),
                                                          ("Xây dựng", 60, 50, 0, 0, 0.0),
                                                          ("Tổng cộng", 500, 450, 35, 50, 11.11)):  # fmt: skip
        row = rows[name]
        assert [_number(row[col[c]]) for c in ("Hồ sơ tiếp nhận", "Hồ sơ đã trả kết quả", "Trong đó trả quá hạn",
                                               "Số phiếu", "Tỷ lệ phản hồi (%)")] == [received, returned, late,
                                                                                      answers, rate]  # fmt: skip
    assert rows["Xây dựng"][col["Ghi chú"]] == "Có hồ sơ nhưng chưa có phiếu nào"
    # the same rate the page shows
    assert "50 phiếu trên 450 hồ sơ đã trả kết quả (11,11 %)" in page
    weighted = next(t for t in tables if t[0][0] == "Chỉ số" and any("trọng số" in r[0] for r in t))
    values = {r[0]: _number(r[1]) for r in weighted[1:]}
    assert values == {"Chỉ số hài lòng chung (SIPAS)": 80.0, "Chỉ số có trọng số theo số hồ sơ": 25.0}
    assert "25,00 %" in page


def test_xlsx_types_sheets_and_frozen_header(client, admin):
    book = openpyxl.load_workbook(io.BytesIO(client.get("/admin/xuat/overview.xlsx?period=month&month=2026-10"
                                                        "&unit=X-BSON").data))  # fmt: skip
    assert book.sheetnames[0] == "Chỉ số hài lòng"
    assert "Tỷ lệ phản hồi" in book.sheetnames and all(len(n) <= 31 for n in book.sheetnames)
    sheet = book["Tỷ lệ phản hồi"]
    header = _header_row(sheet)
    assert sheet.freeze_panes == f"A{header + 1}"
    head = [c.value for c in sheet[header]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=header + 1)}
    rate = rows["Tổng cộng"][head.index("Tỷ lệ phản hồi")]
    assert isinstance(rate.value, float) and rate.value == pytest.approx(0.1111) and "%" in rate.number_format
    returned = rows["Hộ tịch"][head.index("Hồ sơ đã trả kết quả")]
    assert returned.data_type == "n" and returned.value == 100
    assert sheet.column_dimensions["A"].width >= 10
    index = book["Chỉ số hài lòng"]
    sipas = next(r for r in index.iter_rows(min_row=_header_row(index) + 1) if r[0].value.startswith("Chỉ số hài"))
    assert sipas[1].value == pytest.approx(0.8) and sipas[1].data_type == "n"
    # dates are dates: the comments with their time for the district office, their day for the commune's officer
    comments = openpyxl.load_workbook(io.BytesIO(client.get("/admin/xuat/comments.xlsx?period=month"
                                                            "&month=2026-10").data)).active  # fmt: skip
    first = comments.cell(_header_row(comments) + 1, 1)
    assert isinstance(first.value, datetime) and first.number_format == "dd/mm/yyyy hh:mm"
    assert (first.value.hour, first.value.minute) == (10, 0)  # 03:00 UTC is 10:00 in Vietnam


def test_officer_sees_days_as_dates(client, commune, login):
    login("canbo.bson")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/admin/xuat/comments.xlsx?month=2026-10").data)).active
    first = sheet.cell(_header_row(sheet) + 1, 1)
    assert first.is_date and first.value.date() >= date(2026, 10, 1) and first.number_format == "dd/mm/yyyy"
    assert (first.value.hour, first.value.minute) == (0, 0)


def test_formula_looking_comments_are_neutralised_in_both(client, admin):
    query = "period=month&month=2026-10&unit=X-BSON"
    cells = [c for t in _csv_tables(client.get(f"/admin/xuat/comments.csv?{query}").data) for r in t for c in r]
    assert "'" + HOSTILE[0] in cells and "Phục vụ tốt;'=1+2" in cells and "'-2+3" in cells
    for cell in cells:  # a ';' inside a cell may still be split by a careless reader: no piece starts a formula
        assert not any(piece.lstrip().startswith(("=", "+", "-", "@")) for piece in cell.split(";")), cell
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/admin/xuat/comments.xlsx?{query}").data))
    texts = [c for s in book for r in s.iter_rows() for c in r if isinstance(c.value, str)]
    assert "'" + HOSTILE[0] in [c.value for c in texts] and all(c.data_type == "s" for c in texts)


def test_no_dossier_counts_one_line(client, admin):
    tables = _csv_tables(client.get("/admin/xuat/overview.csv?period=month&month=2026-09&unit=X-BSON").data)
    assert tables[-1] == [["Tỷ lệ phản hồi"], ["Chưa có số liệu hồ sơ trong tháng 09/2026 nên chưa tính được tỷ lệ "
                                                 "phản hồi."]]  # fmt: skip
