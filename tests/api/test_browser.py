"""The API pages in a real browser: the docs page and the admin's key page, at phone and desk widths, with axe."""

from __future__ import annotations

import pytest

from survey.extensions import db
from survey.services.users import create_user
from tests.admin.conftest import PASSWORD, browser_login
from tests.conftest import axe_violations, menu_link

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height", [(360, 740), (1366, 768)])
def test_docs_and_key_page(app, browser, live_server, district, axe_source, width, height):
    with app.app_context():
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        db.session.commit()
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/api/docs")
        assert page.get_by_role("heading", name="POST /api/v1/receipts").is_visible()
        assert axe_violations(page, axe_source) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling of the page

        browser_login(page, live_server, "quantri")
        menu_link(page, "Khoá API").click()
        page.get_by_label("Tên hệ thống kết nối").fill("iGate tỉnh Quảng Ngãi")
        page.get_by_label("Đơn vị (cả đơn vị trực thuộc); không chọn: mọi đơn vị").select_option(
            label="UBND thị trấn Châu Ổ"
        )
        page.get_by_label("Gửi số hồ sơ").uncheck()
        page.get_by_role("button", name="Tạo khoá").click()
        secret = page.get_by_label("Khoá", exact=True).input_value()
        assert secret.startswith("sipas_")
        row = page.locator("table.data tbody tr").first
        assert "Cấp mã đánh giá theo hồ sơ; Đọc chỉ số" in row.inner_text()
        assert axe_violations(page, axe_source) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_role("button", name="Thu hồi").click()
        assert "Đã thu hồi khoá “iGate tỉnh Quảng Ngãi”" in page.locator("p.flash").inner_text()
        assert secret not in page.content()
    finally:
        context.close()
