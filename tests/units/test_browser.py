"""The merger page in a real browser, phone-sized and desk-sized: an admin merges two communes by keyboard and
mouse; axe finds no serious problem; the fields are large enough to touch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import UnitSuccession
from tests.admin.conftest import browser_login
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(360, 740), (1366, 768)])
def test_an_admin_records_a_merger_in_the_browser(app, browser, live_server, world, axe_source, tmp_path, width,
                                                   height):  # fmt: skip
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    browser_login(page, live_server, "quantri")
    page.goto(f"{live_server}/admin/don-vi/sap-nhap")
    assert axe_violations(page, axe_source) == []
    name = page.get_by_label("Tên đơn vị mới")
    assert name.bounding_box()["height"] >= 44 and name.bounding_box()["width"] <= width
    page.screenshot(path=str(tmp_path / f"merger-{width}.png"), full_page=True)
    old = page.get_by_label("UBND thị trấn Châu Ổ (X-CHAUO) — UBND huyện Bình Sơn")
    assert old.bounding_box()["height"] >= 24  # in a 44 px line
    old.check()
    page.get_by_label("Ngày đơn vị mới bắt đầu hoạt động").fill("2025-07-01")
    page.get_by_label("Mã đơn vị mới", exact=False).fill("X-BS")
    name.fill("Xã Bình Sơn")
    page.get_by_role("button", name="Ghi nhận sáp nhập").click()
    page.wait_for_url(f"{live_server}/admin/don-vi/ke-thua")
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(tmp_path / f"successions-{width}.png"), full_page=True)
    page.get_by_role("link", name="Sửa: UBND thị trấn Châu Ổ → Xã Bình Sơn").click()
    assert axe_violations(page, axe_source) == []
    share = page.get_by_label("Tỷ lệ chuyển sang", exact=False)
    assert share.bounding_box()["height"] >= 44
    page.screenshot(path=str(tmp_path / f"succession-{width}.png"), full_page=True)
    context.close()
    with app.app_context():
        row = _db.session.scalar(select(UnitSuccession))
        assert (row.predecessor.code, row.successor.name, row.kind) == ("X-CHAUO", "Xã Bình Sơn", "rename")
