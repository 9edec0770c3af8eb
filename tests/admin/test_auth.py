"""Login, throttling, sessions."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import User
from tests.admin.conftest import PASSWORD, csrf_from


def test_every_office_page_needs_a_login(client, world):
    for path in ("/admin/", "/admin/linh-vuc", "/admin/don-vi", "/admin/phan-anh", "/admin/quay", "/admin/bao-cao",
                 "/admin/nguoi-dung", "/admin/xuat/overview.csv", "/admin/phan-anh/1"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], path


def test_login_and_logout(client, world, login):
    response = login("vanphong")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    cookie = response.headers.get_all("Set-Cookie")[0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/admin/").status_code == 200
    # logout is a POST with the CSRF token, never a GET
    assert client.get("/admin/logout").status_code == 405
    token = csrf_from(client, "/admin/")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_wrong_password_is_refused_in_vietnamese_and_throttled(app, client, world, login):
    for _ in range(5):
        response = login("vanphong", "sai-mat-khau")
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    # locked now, even with the right password, and the page says nothing new: an unknown name
    # and a locked account get the one message a wrong password gets
    locked = login("vanphong")
    missing = login("khong-ton-tai")
    assert locked.status_code == missing.status_code == 401
    message = "Sau 5 lần sai liên tiếp, tài khoản bị tạm khoá 15 phút."
    assert message in locked.get_data(as_text=True) and message in missing.get_data(as_text=True)
    assert "tạm khoá do" not in locked.get_data(as_text=True)


def test_passwords_are_hashed_with_scrypt(app, world):
    with app.app_context():
        hashes = db.session.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("scrypt:") and PASSWORD not in h for h in hashes)


def test_login_next_cannot_leave_the_site(client, world):
    import re

    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(f"/admin/login?next={target}", data={"username": "vanphong", "password": PASSWORD,
                                                                      "csrf_token": token})  # fmt: skip
        assert response.headers["Location"].endswith("/admin/"), target
        client.post("/admin/logout", data={"csrf_token": csrf_from(client, "/admin/")})
        page = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_form_needs_csrf(client, world):
    assert client.post("/admin/login", data={"username": "vanphong", "password": PASSWORD}).status_code == 400


def test_users_create_command_hashes_and_refuses_duplicates(app, runner, world):
    result = runner.invoke(args=["users", "create", "--username", "Admin2", "--role", "admin"],
                           input="mot-mat-khau-dai\nmot-mat-khau-dai\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản admin2" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "admin2"))
        assert user.role == "admin" and user.password_hash.startswith("scrypt:")
    again = runner.invoke(args=["users", "create", "--username", "admin2", "--role", "admin", "--password", "x" * 12])
    assert again.exit_code != 0 and "đã có" in again.output
    short = runner.invoke(args=["users", "create", "--username", "b", "--role", "admin", "--password", "ngan"])
    assert short.exit_code != 0 and "ít nhất 10 ký tự" in short.output
    # ten characters, but a repeat: the probe's 1111111111 is refused, in Vietnamese
    weak = runner.invoke(args=["users", "create", "--username", "b", "--role", "admin", "--password", "1111111111"])
    assert weak.exit_code != 0 and "quá dễ đoán" in weak.output and "lặp lại" in weak.output
    officer = runner.invoke(
        args=["users", "create", "--username", "c", "--role", "unit_officer", "--password", "x" * 12]
    )
    assert officer.exit_code != 0 and "phải thuộc một đơn vị" in officer.output
