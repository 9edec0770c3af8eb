"""Every office page reachable from the menus, in Chromium at a phone's and a desk's size (issue 12, items 1–2).

The crawl starts at the overview and follows the links of the main menu and of the dashboard's
screens (whatever they are when other pages are added), as an administrator and as a commune's
officer. On each page: nothing scrolls sideways, no internal code shows, chart text is at least
12 px, axe-core finds no serious or critical violation; on the overview the SIPAS figure is inside
the first screen.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.admin.conftest import browser_login
from tests.admin.test_overview import FORBIDDEN
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser

SIZES = [(360, 740), (1366, 768)]
#: the links a person finds in the menus: the main menu (a row, or one "Menu" on a phone) and the dashboard's screens
MENU_LINKS = "nav.top a[href], nav.views-row a[href], details.views-one a[href]"
#: the smallest rendered size of chart text: HTML text by its computed size, SVG text by its size on screen
CHART_TEXT_SIZES = """() => {
  const sizes = [];
  for (const chart of document.querySelectorAll('.chart')) {
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, el = node.parentElement;
      if (!node.textContent.trim() || el.closest('title')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || !el.getClientRects().length) continue;
      let size = parseFloat(style.fontSize);
      if (el instanceof SVGElement && el.getScreenCTM()) size *= Math.abs(el.getScreenCTM().d);
      sizes.push([size, node.textContent.trim().slice(0, 30)]);
    }
  }
  return sizes;
}"""


def _menu_pages(page, base: str) -> list[str]:
    seen: list[str] = []
    for href in page.eval_on_selector_all(MENU_LINKS, "els => els.map(e => e.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == base and parts.path.startswith("/admin") and href not in seen:
            seen.append(href)
    return seen


def _check_page(page, url: str, width: int, height: int, axe_source: str) -> list[str]:
    problems = []
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"{url}: status {response and response.status}"]
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate("""w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
                                .slice(0, 3).map(e => e.tagName + '.' + e.className)""", width)  # fmt: skip
        problems.append(f"{url}: scrolls sideways at {width} px ({scroll} px wide: {wide})")
    text = page.evaluate("document.body.textContent")
    if found := FORBIDDEN.search(text):
        problems.append(f"{url}: internal code {found.group(0)!r} at {width} px")
    small = [(size, t) for size, t in page.evaluate(CHART_TEXT_SIZES) if size < 12 - 0.01]
    if small:
        problems.append(f"{url}: chart text below 12 px at {width} px: {small[:3]}")
    if urlsplit(url).path == "/admin/":
        box = page.locator("#sipas-number").bounding_box()
        if box is None or box["y"] + box["height"] > height:
            problems.append(f"{url}: the SIPAS figure is not in the first screen at {width}×{height} ({box})")
    violations = axe_violations(page, axe_source)
    if violations:
        problems.append(f"{url}: axe at {width} px: {[(v['id'], v['impact'], len(v['nodes'])) for v in violations]}")
    return problems


@pytest.mark.parametrize("username", ["quantri", "canbo.chauo"])
def test_every_menu_page_fits_a_phone_and_a_desk(browser, live_server, world, axe_source, username):
    problems: list[str] = []
    crawled: dict[int, list[str]] = {}
    for width, height in SIZES:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                      is_mobile=width < 500, has_touch=width < 500)  # fmt: skip
        page = context.new_page()
        try:
            browser_login(page, live_server, username)
            page.goto(f"{live_server}/admin/?period=month&month=2026-10")
            crawled[width] = pages = _menu_pages(page, live_server)
            for url in pages:
                problems += _check_page(page, url, width, height, axe_source)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
    # the menus lead to the same pages at both sizes, and at least to the dashboard's screens and the reports
    assert sorted(crawled[360]) == sorted(crawled[1366])
    paths = {urlsplit(u).path for u in crawled[360]}
    assert {"/admin/", "/admin/don-vi", "/admin/xu-huong", "/admin/bao-cao", "/admin/phan-anh"} <= paths


def test_period_kind_switch_shows_only_its_boxes(browser, live_server, world):
    """With the script, changing the kind of period shows its boxes at once; without it, after "Xem"."""
    for script in (True, False):
        context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=script)
        page = context.new_page()
        try:
            browser_login(page, live_server, "vanphong")
            page.goto(f"{live_server}/admin/?period=month&month=2026-10")
            page.locator("details.filter-box > summary").click()
            page.get_by_label("Xem theo").select_option("quarter")
            if not script:
                page.get_by_role("button", name="Xem").click()
                assert "Quý IV/2026" in page.locator("h1").inner_text()  # the quarter of the month looked at
                page.locator("details.filter-box > summary").click()
            assert page.locator("#f-quarter-no").is_visible() and not page.locator("#f-month-no").is_visible()
            page.locator("#f-quarter-no").select_option(label="Quý III")
            page.locator("#f-quarter-year").select_option("2026")
            page.get_by_role("button", name="Xem").click()
            assert page.locator("h1").inner_text() == "Mức độ hài lòng — Tất cả đơn vị, Quý III/2026"
            assert not page.locator("p.flash.error").count()
        finally:
            context.close()
