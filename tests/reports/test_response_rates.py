"""Response rates in the monthly and quarterly reports: the dashboard's strings, a table by field, the weighted
SIPAS beside the method's, one line when no dossier count is known (expected values: tests/rates_data.py)."""

from __future__ import annotations

import re
import unicodedata

import openpyxl
import pytest
from docx import Document

from survey.extensions import db as _db
from survey.services.users import create_user
from tests.admin.conftest import PASSWORD
from tests.rates_data import add_month

RATE = "50 phiếu trên 450 hồ sơ đã trả kết quả (11,11 %)"


@pytest.fixture
def commune(app, db, make_unit, make_counter, runner, reports_dir):
    district = make_unit(code="H-BSON", name="UBND huyện Bình Sơn", kind="district", field_codes=("HT", "DD", "XD"))
    unit = make_unit(code="X-BSON", name="UBND xã Bình Sơn", parent_id=district.id, field_codes=("HT", "DD", "XD"))
    add_month(app, unit, make_counter(unit=unit, code="X-BSON-Q1"))
    for args in (["monthly", "--month", "2026-10"], ["monthly", "--month", "2026-09"],
                 ["quarterly", "--quarter", "2026-Q4", "--unit", "H-BSON"]):  # fmt: skip
        result = runner.invoke(args=["reports", *args])
        assert result.exit_code == 0, result.output
    return unit


def docx_text(path) -> str:
    document = Document(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return unicodedata.normalize("NFC", "\n".join(parts))


def test_monthly_report_shows_the_rate_by_field_and_the_weighted_sipas(app, client, commune, reports_dir):
    text = docx_text(reports_dir / "2026-10" / "X-BSON.docx")
    assert f"Tỷ lệ phản hồi trong tháng 10/2026: {RATE}." in text
    assert "Lĩnh vực có hồ sơ nhưng chưa có phiếu nào: Xây dựng." in text
    # by hand: received | returned | late | answers | rate
    assert "Hộ tịch | 120 | 100 | 5 | 40 | 40,00 % | " in text
    assert "Đất đai | 320 | 300 | 30 | 10 | 3,33 % | " in text
    assert "Xây dựng | 60 | 50 | 0 | 0 | 0,00 % | Có hồ sơ nhưng chưa có phiếu nào" in text
    assert "Tổng cộng | 500 | 450 | 35 | 50 | 11,11 % | " in text
    assert re.search(r"Chỉ số có trọng số theo số hồ sơ: 25,00 %, .* chỉ số SIPAS tính theo phương pháp \(80,00 %\)",
                     text)  # fmt: skip

    book = openpyxl.load_workbook(reports_dir / "2026-10" / "X-BSON.xlsx")
    sheet = book["Tỷ lệ phản hồi"]
    rows = {r[0].value: r for r in sheet.iter_rows() if r[0].value in ("Hộ tịch", "Đất đai", "Xây dựng", "Tổng cộng")}
    assert [c.value for c in rows["Đất đai"][1:5]] == [320, 300, 30, 10]
    rate = rows["Tổng cộng"][5]
    assert rate.data_type == "n" and rate.value == pytest.approx(0.1111) and "%" in rate.number_format
    assert rows["Xây dựng"][6].value == "Có hồ sơ nhưng chưa có phiếu nào"

    # the same strings as the dashboard
    with app.app_context():
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        _db.session.commit()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": token})
    html = client.get("/admin/?period=month&month=2026-10&unit=X-BSON").get_data(as_text=True)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert RATE in page and "Xây dựng" in page and "25,00 %" in page and "80,00 %" in page


def test_quarterly_summary_and_a_month_without_dossier_counts(commune, reports_dir):
    quarter = docx_text(reports_dir / "2026-Q4" / "H-BSON.docx")
    assert f"Tỷ lệ phản hồi trong quý IV/2026: {RATE}." in quarter
    assert "Chỉ số có trọng số theo số hồ sơ: 25,00 %" in quarter
    september = docx_text(reports_dir / "2026-09" / "X-BSON.docx")
    assert "Chưa có số liệu hồ sơ trong tháng 09/2026 nên chưa tính được tỷ lệ phản hồi." in september
    assert "Tỷ lệ phản hồi theo lĩnh vực" not in september
    assert "Tỷ lệ phản hồi" not in openpyxl.load_workbook(reports_dir / "2026-09" / "X-BSON.xlsx").sheetnames
