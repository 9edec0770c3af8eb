"""Accounts without the shell: change one's password, an admin's reset, unlock, deactivate — each ends sessions."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, User
from tests.admin.conftest import PASSWORD, csrf_from

NEW_PASSWORD = "ba-con-meo-trèo-cây-cau-2026"


def _client_logged_in(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/admin/login", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def _user(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def _is_logged_out(client) -> bool:
    answer = client.get("/admin/")
    return answer.status_code == 302 and "/admin/login" in answer.headers["Location"]


def test_admin_resets_a_password_to_a_temporary_one_that_must_be_changed(app, world):
    officer = _client_logged_in(app, "canbo.chauo")
    admin = _client_logged_in(app, "quantri")
    before = _user(app, "canbo.chauo")

    # the confirmation page says what stops working and changes nothing
    confirm = admin.get(f"/admin/nguoi-dung/{before.id}/dat-lai-mat-khau")
    assert confirm.status_code == 200 and "Mật khẩu hiện tại của tài khoản này sẽ không dùng được nữa" in confirm.text
    assert _user(app, "canbo.chauo").password_hash == before.password_hash and not _is_logged_out(officer)

    shown = admin.post(f"/admin/nguoi-dung/{before.id}/dat-lai-mat-khau",
                       data={"csrf_token": csrf_from(admin, f"/admin/nguoi-dung/{before.id}")})  # fmt: skip
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'readonly value="([a-z2-9-]{19})"', shown.text).group(1)
    assert temporary not in (admin.get(f"/admin/nguoi-dung/{before.id}").text)  # shown once
    assert _is_logged_out(officer)  # the old cookie gets the login page
    assert _user(app, "canbo.chauo").must_change_password

    # the officer logs in with it and can open nothing but the password page
    fresh = _client_logged_in(app, "canbo.chauo", temporary)
    held = fresh.get("/admin/phan-anh")
    assert held.status_code == 302 and held.headers["Location"].endswith("/admin/mat-khau")
    token = csrf_from(fresh, "/admin/mat-khau")
    weak = fresh.post("/admin/mat-khau", data={"csrf_token": token, "current": temporary, "new": "1234567890",
                                               "repeated": "1234567890"}, follow_redirects=True)  # fmt: skip
    assert "Mật khẩu quá dễ đoán" in weak.text and _user(app, "canbo.chauo").must_change_password
    done = fresh.post("/admin/mat-khau", data={"csrf_token": token, "current": temporary, "new": NEW_PASSWORD,
                                               "repeated": NEW_PASSWORD}, follow_redirects=True)  # fmt: skip
    assert "Đã đổi mật khẩu" in done.text
    assert fresh.get("/admin/phan-anh").status_code == 200  # this browser goes on
    assert not _user(app, "canbo.chauo").must_change_password
    _client_logged_in(app, "canbo.chauo", NEW_PASSWORD)


def test_changing_ones_own_password_ends_the_other_sessions(app, world):
    other_browser = _client_logged_in(app, "vanphong")
    client = _client_logged_in(app, "vanphong")
    token = csrf_from(client, "/admin/mat-khau")
    wrong = client.post("/admin/mat-khau", data={"csrf_token": token, "current": "sai-mat-khau-roi",
                                                 "new": NEW_PASSWORD, "repeated": NEW_PASSWORD}, follow_redirects=True)  # fmt: skip
    assert "Mật khẩu hiện tại không đúng" in wrong.text and not _is_logged_out(other_browser)
    differ = client.post("/admin/mat-khau", data={"csrf_token": token, "current": PASSWORD,
                                                  "new": NEW_PASSWORD, "repeated": NEW_PASSWORD + "x"},
                         follow_redirects=True)  # fmt: skip
    assert "Hai lần nhập mật khẩu mới không giống nhau" in differ.text
    client.post("/admin/mat-khau", data={"csrf_token": token, "current": PASSWORD, "new": NEW_PASSWORD,
                                         "repeated": NEW_PASSWORD})  # fmt: skip
    assert _is_logged_out(other_browser) and not _is_logged_out(client)


def test_a_locked_account_is_unlocked_by_an_admin(app, world):
    stranger = app.test_client()  # never logged in as canbo.chauo: its wrong passwords count
    for _ in range(5):
        page = stranger.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        stranger.post(
            "/admin/login", data={"username": "canbo.chauo", "password": "doan-bua-thoi", "csrf_token": token}
        )
    page = stranger.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = stranger.post("/admin/login", data={"username": "canbo.chauo", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 401  # locked: even the right password is refused

    admin = _client_logged_in(app, "quantri")
    officer = _user(app, "canbo.chauo")
    listing = admin.get("/admin/nguoi-dung").text
    assert "Bị khoá tạm" in listing
    page = admin.get(f"/admin/nguoi-dung/{officer.id}").text
    assert "bị khoá tạm do nhập sai mật khẩu" in page
    unlocked = admin.post(f"/admin/nguoi-dung/{officer.id}/mo-khoa",
                          data={"csrf_token": csrf_from(admin, f"/admin/nguoi-dung/{officer.id}")},
                          follow_redirects=True)  # fmt: skip
    assert "Đã mở khoá tài khoản canbo.chauo" in unlocked.text
    after = _user(app, "canbo.chauo")
    assert after.locked_until is None and after.session_version > officer.session_version
    _client_logged_in(app, "canbo.chauo")
    again = admin.post(f"/admin/nguoi-dung/{officer.id}/mo-khoa",
                       data={"csrf_token": csrf_from(admin, f"/admin/nguoi-dung/{officer.id}")},
                       follow_redirects=True)  # fmt: skip
    assert "không bị khoá" in again.text


def test_deactivate_instead_of_delete_and_reactivate(app, world):
    officer_browser = _client_logged_in(app, "canbo.chauo")
    admin = _client_logged_in(app, "quantri")
    officer_id = world["officer_a"]
    confirm = admin.get(f"/admin/nguoi-dung/{officer_id}/ngung")
    assert "Tài khoản không bị xoá" in confirm.text and _user(app, "canbo.chauo").is_active
    token = csrf_from(admin, f"/admin/nguoi-dung/{officer_id}")
    admin.post(f"/admin/nguoi-dung/{officer_id}/ngung", data={"csrf_token": token})
    assert not _user(app, "canbo.chauo").is_active and _is_logged_out(officer_browser)
    assert "Ngừng hoạt động" in admin.get("/admin/nguoi-dung").text
    admin.post(f"/admin/nguoi-dung/{officer_id}/kich-hoat", data={"csrf_token": token})
    assert _user(app, "canbo.chauo").is_active and _is_logged_out(officer_browser)  # not revived
    _client_logged_in(app, "canbo.chauo")
    # an admin cannot stop their own account
    me = _user(app, "quantri")
    refused = admin.post(f"/admin/nguoi-dung/{me.id}/ngung", data={"csrf_token": token}, follow_redirects=True)
    assert "Không thể tự ngừng tài khoản của mình" in refused.text and _user(app, "quantri").is_active


def test_an_account_made_by_an_admin_must_change_its_password(app, world):
    admin = _client_logged_in(app, "quantri")
    token = csrf_from(admin, "/admin/nguoi-dung")
    admin.post("/admin/nguoi-dung", data={"csrf_token": token, "username": "canbo.moi", "display_name":
               "Nguyễn Thị Hoà", "role": "reviewer", "password": "tam-thoi-cho-hoa-9"})  # fmt: skip
    new = _client_logged_in(app, "canbo.moi", "tam-thoi-cho-hoa-9")
    assert new.get("/admin/").headers["Location"].endswith("/admin/mat-khau")


def test_every_account_action_is_in_the_audit_log(app, world):
    admin = _client_logged_in(app, "quantri")
    officer_id = world["officer_a"]
    token = csrf_from(admin, f"/admin/nguoi-dung/{officer_id}")
    admin.post(f"/admin/nguoi-dung/{officer_id}/dat-lai-mat-khau", data={"csrf_token": token})
    admin.post(f"/admin/nguoi-dung/{officer_id}/ngung", data={"csrf_token": token})
    with app.app_context():
        summaries = [e.summary for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        actors = {e.actor.username for e in db.session.scalars(select(AuditEntry))}
    assert summaries == [
        "Đặt lại mật khẩu cho tài khoản canbo.chauo (mật khẩu tạm, phải đổi khi đăng nhập)",
        "Ngừng hoạt động tài khoản canbo.chauo",
    ]
    assert actors == {"quantri"}
    page = admin.get("/admin/nhat-ky").text
    assert "Ngừng hoạt động tài khoản canbo.chauo" in page and "Quản trị" in page
    with app.app_context():
        at = db.session.scalar(select(AuditEntry.at).order_by(AuditEntry.id.desc()))
    expected = (at.astimezone(UTC) + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")  # Vietnam: UTC+7, no summer time
    assert f"<td>{expected}</td>" in page
