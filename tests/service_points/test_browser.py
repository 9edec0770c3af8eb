"""In Chromium, phone-sized and desk-sized: the admin records a merger from the menu (choosing by keyboard where an
old unit's new counter goes), follows the new unit to its service points and sees its new centre and intake points;
axe finds no serious problem on the new pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import ServicePoint, Unit
from tests.admin.conftest import browser_login
from tests.conftest import axe_violations, menu_link

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(360, 740), (1366, 768)])
def test_a_merger_in_the_browser_opens_the_new_centre(app, browser, live_server, world, axe_source, tmp_path, width,
                                                      height):  # fmt: skip
    shots = Path(os.environ.get("SIPAS_SHOTS", tmp_path))
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    browser_login(page, live_server, "quantri")
    menu_link(page, "Đơn vị").click()
    page.get_by_role("link", name="Sáp nhập, chia tách: quan hệ kế thừa giữa các đơn vị").click()
    page.get_by_role("link", name="Ghi nhận sáp nhập").click()
    page.get_by_label("UBND thị trấn Châu Ổ (X-CHAUO) — UBND huyện Bình Sơn").check()
    page.get_by_label("UBND xã Bình Chánh (X-BCHANH) — UBND huyện Bình Sơn").check()
    count = page.get_by_label("Số điểm tiếp nhận")
    assert count.input_value() == "1" and count.bounding_box()["height"] >= 44
    count.fill("2")
    page.get_by_label("Tên các điểm tiếp nhận", exact=False).fill("Điểm tiếp nhận Bình Chánh")
    page.get_by_label("Tạo quầy mới tại trung tâm", exact=False).check()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(shots / f"merger-{width}.png"), full_page=True)
    # the first step, by keyboard, before the day, code and name are typed (the browser must not hold it back
    # for the required fields): where each old unit's new counter goes, the defaults chosen, all typed kept
    step = page.get_by_role("button", name="Chọn nơi đặt quầy mới cho từng đơn vị cũ")
    assert step.bounding_box()["height"] >= 44
    step.focus()
    page.keyboard.press("Enter")
    places = page.get_by_role("group", name="Nơi đặt quầy mới của từng đơn vị cũ")
    places.wait_for()
    chauo = page.get_by_label("UBND thị trấn Châu Ổ: 1 quầy mới đặt tại")
    bchanh = page.get_by_label("UBND xã Bình Chánh: 1 quầy mới đặt tại")
    assert chauo.bounding_box()["height"] >= 44 and chauo.bounding_box()["width"] <= width
    assert chauo.locator("option:checked").inner_text() == "Trung tâm Phục vụ hành chính công"
    assert bchanh.locator("option:checked").inner_text() == "Điểm tiếp nhận Bình Chánh"
    assert page.get_by_label("Số điểm tiếp nhận").input_value() == "2"
    assert page.get_by_label("UBND xã Bình Chánh (X-BCHANH) — UBND huyện Bình Sơn").is_checked()
    page.get_by_label("Ngày đơn vị mới bắt đầu hoạt động").fill("01/07/2025")
    page.get_by_label("Mã đơn vị mới", exact=False).fill("X-BS")
    page.get_by_label("Tên đơn vị mới").fill("Xã Bình Sơn")
    page.get_by_label("Địa chỉ Trung tâm", exact=False).fill("Thôn Phú Lễ")
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(shots / f"merger-places-{width}.png"), full_page=True)
    bchanh.focus()
    page.keyboard.press("ArrowDown")  # the next place: Điểm tiếp nhận số 2
    assert bchanh.input_value() == "2"
    page.get_by_role("button", name="Ghi nhận sáp nhập").click()
    page.wait_for_url(f"{live_server}/admin/don-vi/ke-thua")
    assert "2 quầy của đơn vị cũ đã đóng" in page.content()

    page.get_by_role("link", name="Xã Bình Sơn").first.click()
    page.get_by_role("heading", name="Xã Bình Sơn: trung tâm và điểm tiếp nhận").wait_for()
    table = page.get_by_role("table")
    for name in ("Trung tâm Phục vụ hành chính công", "Điểm tiếp nhận Bình Chánh", "Điểm tiếp nhận số 2"):
        assert table.get_by_role("link", name=name).is_visible()
    assert "Thôn Phú Lễ" in table.inner_text() and "từ 01/07/2025" in table.inner_text()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(shots / f"service-points-{width}.png"), full_page=True)

    table.get_by_role("link", name="Điểm tiếp nhận số 2").click()
    page.get_by_label("Tên", exact=True).fill("Điểm tiếp nhận Châu Ổ")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Xã Bình Sơn: trung tâm và điểm tiếp nhận").wait_for()
    page.get_by_role("link", name="Điểm tiếp nhận Châu Ổ").click()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(shots / f"service-point-{width}.png"), full_page=True)
    page.get_by_role("link", name="← Trung tâm và điểm tiếp nhận của Xã Bình Sơn").click()
    page.get_by_role("link", name="← Trung tâm và điểm tiếp nhận của các đơn vị").click()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(shots / f"service-points-index-{width}.png"), full_page=True)
    menu_link(page, "Quầy, mã QR").click()
    page.get_by_role("link", name="X-BS-X-BCHANH-Q1").click()
    assert "Điểm phục vụ: Điểm tiếp nhận Châu Ổ" in page.locator("main").inner_text()  # renamed from "số 2"
    page.go_back()
    page.get_by_role("link", name="X-BS-X-CHAUO-Q1").click()
    assert "Điểm phục vụ: Trung tâm Phục vụ hành chính công xã Bình Sơn" in page.locator("main").inner_text()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(shots / f"counter-{width}.png"), full_page=True)
    context.close()
    with app.app_context():
        unit = _db.session.scalar(select(Unit).where(Unit.code == "X-BS"))
        names = _db.session.scalars(select(ServicePoint.name).where(ServicePoint.unit_id == unit.id)
                                    .order_by(ServicePoint.id))  # fmt: skip
        assert list(names) == [
            "Trung tâm Phục vụ hành chính công",
            "Điểm tiếp nhận Bình Chánh",
            "Điểm tiếp nhận Châu Ổ",
        ]
