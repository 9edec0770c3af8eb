"""The dashboard's numbers are analysis/'s numbers, in Vietnamese formats."""

from __future__ import annotations

import io
import re

import openpyxl

from analysis.indices import sipas_table
from survey import queries
from survey.figures.fmt import percent


def _expected_sipas(app, unit_ids=None, month=202610) -> float:
    with app.app_context():
        scope = queries.Scope(start_month=month, end_month=month, unit_ids=unit_ids)
        t = sipas_table(queries.counts(scope), moments=queries.moments(scope))
    return float(t[t["level"] == "overall"]["index"].iloc[0])


def test_overview_shows_the_analysis_figure(app, client, world, login):
    login("vanphong")
    page = client.get("/admin/?period=month&month=2026-10").get_data(as_text=True)
    expected = percent(_expected_sipas(app))
    assert f'id="sipas-number">{expected}</p>' in page  # the headline
    assert re.search(r'Chỉ số hài lòng chung \(SIPAS\)</td>\s*<td data-label="Tỷ lệ hài lòng" class="num">'
                     + re.escape(expected), page)  # and the table under "Chi tiết cách tính"  # fmt: skip
    assert "Tháng 10/2026" in page and "," in expected and expected.endswith("%")


def test_officer_overview_is_their_commune(app, client, world, login):
    login("canbo.chauo")
    page = client.get("/admin/?month=2026-10").get_data(as_text=True)
    assert percent(_expected_sipas(app, unit_ids=(world["a"].id,))) in page


def test_by_field_flags_small_samples_and_sorts_lowest_first(client, world, login):
    login("vanphong")
    page = client.get("/admin/linh-vuc?month=2026-10").get_data(as_text=True)
    table = page[page.index('<table class="data') :]
    assert table.index("Đất đai") < table.index("Hộ tịch")  # DD (12 answers at level 3) is lower
    assert "Mẫu nhỏ (dưới 30 phiếu)" in page
    assert "<svg" in page  # the chart is drawn on the server; the one script is a static file (no inline script)
    assert re.findall(r"<script[^>]*>", page) == [
        re.search(r'<script src="/assets/admin\.\w+\.js" defer>', page).group(0)
    ]


def test_unit_ranking_and_change_against_previous_month(client, world, login):
    login("vanphong")
    page = client.get("/admin/don-vi?month=2026-10").get_data(as_text=True)
    table = page[page.index('<table class="data') :]
    assert table.index("UBND thị trấn Châu Ổ") < table.index("UBND xã Bình Chánh")
    overview = client.get("/admin/?unit=X-BCHANH&month=2026-10").get_data(as_text=True)
    assert "Thay đổi rõ rệt (so với kỳ trước)" in overview and ">Có<" in overview  # 30 at level 4 → 35 at level 2


def test_bad_filters_get_a_vietnamese_message_not_an_error(client, world, login):
    login("vanphong")
    for query in ("period=xyz", "month=2026-13", "period=quarter&quarter=Q9", "period=range&from=2026-09&to=2026-01",
                  "field=ZZZ", "channel=sms", "profile=sipas-1999"):  # fmt: skip
        response = client.get(f"/admin/?{query}")
        assert response.status_code == 200, query
        assert "không hợp lệ" in response.get_data(as_text=True), query


def test_xlsx_export_has_vietnamese_headers_and_numbers(client, world, login):
    login("vanphong")
    response = client.get("/admin/xuat/units.xlsx?month=2026-10")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = int(sheet.freeze_panes[1:]) - 1  # the header row is the one frozen above the table
    assert [c.value for c in sheet[header]][:3] == ["Hạng", "Đơn vị", "Tỷ lệ hài lòng"]
    assert sheet.cell(header + 1, 2).value == "UBND thị trấn Châu Ổ"
    assert isinstance(sheet.cell(header + 1, 3).value, float)
