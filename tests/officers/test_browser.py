"""An officer's own page in a real browser: phone and desk widths, keyboard, axe-core."""

from __future__ import annotations

import os

import pytest

from tests.admin.conftest import browser_login
from tests.conftest import axe_violations, menu_link

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.mark.parametrize("width,height", [(360, 740), (1366, 768)])
def test_officer_page_reads_at_phone_and_desk_width(browser, live_server, staffed, axe_source, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    try:
        browser_login(page, live_server, "congchuc.a1")
        menu_link(page, "Kết quả của tôi").click()
        page.get_by_role("link", name="Quý 4").click()
        assert "Quý 4/2026" in page.locator("main").inner_text()
        assert page.locator("table.data").get_by_text("75,00 %").count() == 4  # raw 30/40: C1, C2, C3 and overall
        assert axe_violations(page, axe_source) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0  # the table scrolls inside its own region, not the page
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/officer-{width}.png", full_page=True)
    finally:
        context.close()
