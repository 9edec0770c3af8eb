"""The Văn phòng in a real browser: filter, compare chart and table, export, follow a complaint to its end."""

from __future__ import annotations

import re

import openpyxl
import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import FeedbackItem
from tests.admin.conftest import browser_login
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def _logout(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/admin/login")


def test_filter_chart_table_export(desk, live_server, world, axe_source, tmp_path):
    page = desk
    browser_login(page, live_server, "vanphong")
    assert axe_violations(page, axe_source) == []
    page.locator("#f-month-no").select_option("10")  # the filter box is open on a wide screen
    page.locator("#f-month-year").select_option("2026")
    page.get_by_label("Lĩnh vực", exact=True).select_option(label="Hộ tịch")
    page.get_by_role("button", name="Xem").click()
    page.locator("nav.views-row").get_by_role("link", name="Theo đơn vị").click()
    assert "field=HT" in page.url and "month=2026-10" in page.url  # filters kept in the URL

    table_values = page.locator("table.data").first.locator("tbody tr td:nth-child(3)").all_inner_texts()
    chart_values = [t.replace(" *", "") for t in page.locator(".bar-list .bar-value").all_inner_texts()]
    assert len(table_values) == 2 and chart_values == table_values
    assert axe_violations(page, axe_source) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng Excel (XLSX)").click()
    path = tmp_path / "units.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    first = int(sheet.freeze_panes[1:])  # the first row under the frozen header
    exported = [f"{100 * row[2].value:.2f}".replace(".", ",") + " %" for row in sheet.iter_rows(min_row=first)]
    assert exported == table_values
    names = [row[1].value for row in sheet.iter_rows(min_row=first)]
    assert names == page.locator("table.data").first.locator("tbody tr td:nth-child(2)").all_inner_texts()


def test_complaint_from_a_comment_to_closed(app, desk, live_server, world, axe_source):
    page = desk
    browser_login(page, live_server, "vanphong")
    page.get_by_role("link", name="Phản ánh, kiến nghị").click()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="xem ý kiến khác").click()
    assert axe_violations(page, axe_source) == []
    praise = page.locator("ol.inbox li", has_text="tận tình")
    praise.get_by_role("button", name=re.compile("thành phản ánh")).click()
    assert "tận tình" in page.locator("#y-kien").inner_text()
    page.get_by_label("Giao cho cán bộ").select_option(label="Cán bộ Châu Ổ — UBND thị trấn Châu Ổ")
    page.get_by_role("button", name="Giao xử lý").click()
    assert page.locator("#trang-thai").inner_text() == "Đã giao xử lý"
    item_url = page.url
    _logout(page)

    browser_login(page, live_server, "canbo.chauo")
    page.goto(item_url)
    page.get_by_label("Kết quả xử lý (cơ quan đã làm gì)").fill("Đã biểu dương cán bộ trong cuộc họp tuần.")
    page.get_by_role("button", name="Lưu kết quả xử lý").click()
    assert page.locator("#trang-thai").inner_text() == "Đã có kết quả xử lý"
    assert page.get_by_role("button", name="Đóng phản ánh").count() == 0
    _logout(page)

    browser_login(page, live_server, "vanphong")
    page.goto(item_url)
    page.get_by_role("button", name="Đóng phản ánh").click()
    assert page.locator("#trang-thai").inner_text() == "Đã đóng"
    trail = page.locator("#nhat-ky tbody tr td:nth-child(3)").all_inner_texts()
    assert trail == ["Chuyển ý kiến thành phản ánh", "Giao xử lý", "Ghi kết quả xử lý", "Đóng"]


@pytest.mark.parametrize("size", [(360, 740), (1366, 768)])
def test_inbox_at_phone_and_desk_width(app, browser, live_server, world, axe_source, size, tmp_path_factory):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    browser_login(page, live_server, "vanphong")
    for path in ("/admin/phan-anh", "/admin/phan-anh/y-kien"):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path  # no sideways scroll
        assert axe_violations(page, axe_source) == [], path
    page.goto(live_server + "/admin/phan-anh")
    shots = tmp_path_factory.getbasetemp() / "screens"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"hop-thu-{width}x{height}.png"))
    # pick two by their labels, give them to an officer at once
    page.get_by_label(re.compile(r"Chọn phản ánh số \d+")).first.check()
    page.get_by_label(re.compile(r"Chọn phản ánh số \d+")).nth(1).check()
    page.get_by_label("Việc").select_option(label="Giao cho cán bộ")
    page.get_by_label("Giao cho cán bộ").select_option(label="Cán bộ Bình Chánh — UBND xã Bình Chánh")
    page.get_by_role("button", name="Thực hiện").click()
    assert "Đã giao 2 phản ánh cho Cán bộ Bình Chánh." in page.locator(".flash").inner_text()
    with app.app_context():
        assigned = db.session.scalars(select(FeedbackItem.status).where(FeedbackItem.status == "assigned")).all()
    assert len(assigned) == 2
    page.screenshot(path=str(shots / f"hop-thu-sau-khi-giao-{width}x{height}.png"), full_page=False)
    context.close()
