"""The account and counter pages in Chromium at phone and desk width: nothing wider than the screen, no serious axe
violation, and a locked account unlocked and its password reset with the mouse alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import User
from tests.admin.conftest import browser_login
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser

SIZES = {"phone": (360, 740), "desk": (1366, 768)}
#: set to a folder to keep a screenshot of each page (to look at them)
SHOTS = os.environ.get("SIPAS_SCREENSHOTS")


def _check(page, name: str, size: str, axe_source: str) -> None:
    widths = page.evaluate(
        "() => [...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right)"
        ".reduce((a, b) => Math.max(a, b), 0)"
    )
    assert widths <= page.viewport_size["width"] + 1, f"{name} at {size}: content {widths}px wide"
    assert axe_violations(page, axe_source) == [], name
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{size}.png", full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_account_and_counter_pages_fit_the_screen(browser, live_server, world, axe_source, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    browser_login(page, live_server, "quantri", to_dashboard=False)
    counter, officer = world["counter_a"], world["officer_a"]
    pages = {
        "counters": "/admin/quay", "counter": f"/admin/quay/{counter}", "revoke": f"/admin/quay/{counter}/thu-hoi",
        "users": "/admin/nguoi-dung", "user": f"/admin/nguoi-dung/{officer}",
        "reset": f"/admin/nguoi-dung/{officer}/dat-lai-mat-khau", "password": "/admin/mat-khau",
        "units": "/admin/don-vi-quan-ly", "fields": "/admin/linh-vuc-quan-ly",
    }  # fmt: skip
    for name, path in pages.items():
        page.goto(live_server + path)
        _check(page, name, size, axe_source)
    page.goto(f"{live_server}/admin/nguoi-dung/{officer}/dat-lai-mat-khau")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    page.wait_for_load_state()
    _check(page, "temporary-password", size, axe_source)
    page.goto(f"{live_server}/admin/nhat-ky")
    _check(page, "audit", size, axe_source)
    context.close()


def test_unlock_and_reset_without_the_shell(browser, live_server, world, app):
    with app.app_context():  # locked after wrong passwords, as the login leaves it
        from datetime import timedelta

        from survey.models.types import utcnow

        user = db.session.get(User, world["officer_a"])
        user.locked_until = utcnow() + timedelta(minutes=15)
        db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    officer = context.new_page()
    browser_login(officer, live_server, "canbo.chauo", to_dashboard=False)
    assert "/admin/login" in officer.url  # refused while locked

    admin_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    admin = admin_context.new_page()
    browser_login(admin, live_server, "quantri", to_dashboard=False)
    admin.goto(f"{live_server}/admin/nguoi-dung")
    admin.get_by_role("link", name="canbo.chauo").click()
    admin.get_by_role("button", name="Mở khoá").click()
    assert "Đã mở khoá tài khoản canbo.chauo" in admin.content()
    browser_login(officer, live_server, "canbo.chauo", to_dashboard=False)
    assert officer.url.endswith("/admin/")

    admin.get_by_role("link", name="Đặt lại mật khẩu…").click()
    admin.get_by_role("button", name="Đặt lại mật khẩu").click()
    temporary = admin.get_by_label("Mật khẩu tạm").input_value()
    officer.goto(f"{live_server}/admin/phan-anh")
    assert "/admin/login" in officer.url  # the reset ended the officer's session
    browser_login(officer, live_server, "canbo.chauo", temporary, to_dashboard=False)
    assert officer.url.endswith("/admin/mat-khau")
    officer.get_by_label("Mật khẩu hiện tại").fill(temporary)
    officer.get_by_label("Mật khẩu mới (ít nhất 10 ký tự, khó đoán)").fill("ba-con-meo-trèo-cây-cau-2026")
    officer.get_by_label("Nhập lại mật khẩu mới").fill("ba-con-meo-trèo-cây-cau-2026")
    officer.get_by_role("button", name="Đổi mật khẩu").click()
    officer.wait_for_load_state()
    assert officer.url.endswith("/admin/") and "Đã đổi mật khẩu" in officer.content()
    with app.app_context():
        assert not db.session.scalar(select(User.must_change_password).where(User.id == world["officer_a"]))
    context.close()
    admin_context.close()
