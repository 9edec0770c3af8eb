"""The probe's account findings (issue 16): lockout under parallel attempts, limits, sessions that end, headers."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import User
from survey.services import users as user_service
from tests.admin.conftest import PASSWORD, csrf_from

LOGIN_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _login_client(app, address: str = "198.51.100.7"):
    """A browser at ``address`` with the login page open; returns it and its CSRF token."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = LOGIN_TOKEN.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    return client, token


def _count_checks(monkeypatch) -> list[str]:
    """Record each real password check against an account's hash (the real function runs)."""
    checked: list[str] = []
    real = user_service.check_password_hash
    stand_in = user_service._stand_in_hash()  # made once before the threads (a cache, not a lock)

    def counting(pwhash: str, password: str) -> bool:
        if pwhash != stand_in:
            checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(user_service, "check_password_hash", counting)
    return checked


def test_parallel_wrong_passwords_check_at_most_five_and_lock(app, world, monkeypatch):
    # The probe: 20 parallel wrong passwords got 20 checks and no lock (30 on PostgreSQL: 10).
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_NAME", "100/minute")  # the account lock alone, here
    checked = _count_checks(monkeypatch)
    browsers = [_login_client(app, f"198.51.100.{i}") for i in range(20)]
    start = threading.Barrier(len(browsers))
    statuses: list[int] = []

    def attempt(client, token):
        start.wait()
        response = client.post("/admin/login", data={"username": "quantri", "password": "sai-mat-khau-roi",
                                                      "csrf_token": token})  # fmt: skip
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=b) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [401] * 20
    # MAX_FAILED_LOGINS = 5: the first five attempts are checked, the other fifteen refused unchecked
    assert len(checked) == 5
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "quantri"))
        assert user.locked_until is not None
    # and the right password is refused while locked
    client, token = _login_client(app, "198.51.100.99")
    response = client.post("/admin/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401


def test_every_refusal_costs_one_password_check(app, world, monkeypatch):
    """Existing, missing and locked accounts take the same work (the probe timed 206, 469 and 12 ms)."""
    calls: list[str] = []
    real = user_service.check_password_hash
    monkeypatch.setattr(user_service, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    with app.app_context():
        for name in ("vanphong", "khong-ton-tai"):
            calls.clear()
            with pytest.raises(user_service.LoginRefused):
                user_service.authenticate(name, "sai-mat-khau")
            assert len(calls) == 1, name
        user = db.session.scalar(select(User).where(User.username == "vanphong"))
        user.locked_until = user_service.utcnow().replace(year=2100)
        db.session.commit()
        calls.clear()
        try:
            user_service.authenticate("vanphong", PASSWORD)
        except user_service.LoginRefused as exc:
            assert str(exc) == user_service.LOGIN_REFUSED
        assert len(calls) == 1
        db.session.rollback()


def test_login_limited_per_address_and_per_name_alike_for_unknown_names(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3/minute")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_NAME", "4/minute")
    client, token = _login_client(app, "203.0.113.50")
    codes = [client.post("/admin/login", data={"username": f"ten-{i}", "password": "x", "csrf_token": token}).status_code
             for i in range(4)]  # fmt: skip
    assert codes == [401, 401, 401, 429]
    # another address is not refused for that one's traffic
    other, other_token = _login_client(app, "203.0.113.51")
    assert other.post("/admin/login", data={"username": "vanphong", "password": PASSWORD,
                                            "csrf_token": other_token}).status_code == 302  # fmt: skip
    # per name: a real name and an unknown one are limited after the same count, from many addresses
    for name in ("canbo.chauo", "khong-co-ai"):
        seen = []
        for i in range(5):
            c, t = _login_client(app, f"192.0.2.{i + 10}")
            seen.append(c.post("/admin/login", data={"username": name, "password": "sai-mat-khau-a",
                                                     "csrf_token": t}).status_code)  # fmt: skip
        assert seen == [401, 401, 401, 401, 429], name


def _logged_in(app, username="vanphong", remember=False):
    client, token = _login_client(app)
    data = {"username": username, "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/admin/login", data=data)
    assert response.status_code == 302
    return client, response


def _cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def test_session_cookie_copied_before_logout_gets_the_login_page(app, world):
    client, _ = _logged_in(app)
    copied = _cookie(client, "session")
    client.post("/admin/logout", data={"csrf_token": csrf_from(client, "/admin/")})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_remember_cookie_is_short_secure_samesite_and_ends_at_logout(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    client, response = _logged_in(app, remember=True)
    header = next(h for h in response.headers.get_all("Set-Cookie") if h.startswith("remember_token="))
    assert "Secure" in header and "SameSite=Lax" in header and "HttpOnly" in header
    # two weeks (the probe found one year)
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    assert abs((expires - datetime.now(UTC)) - timedelta(days=14)) < timedelta(minutes=5)
    remember = re.match(r"remember_token=([^;]+)", header).group(1)
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", remember)
    assert only_remember.get("/admin/").status_code == 200  # it works before logout …
    client.post("/admin/logout", data={"csrf_token": csrf_from(client, "/admin/")})
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/admin/").status_code == 302  # … and not after


def test_deactivation_and_reactivation_do_not_revive_sessions(app, world, login):
    officer, _ = _logged_in(app, "canbo.chauo")
    admin, _ = _logged_in(app, "quantri")
    officer_id = world["officer_a"]
    for action in ("ngung", "kich-hoat"):  # deactivate, then reactivate
        assert admin.post(f"/admin/nguoi-dung/{officer_id}/{action}",
                          data={"csrf_token": csrf_from(admin, "/admin/nguoi-dung")}).status_code == 302  # fmt: skip
    assert officer.get("/admin/").status_code == 302


def test_password_reset_ends_sessions(app, world):
    client, _ = _logged_in(app, "canbo.chauo")
    with app.app_context():
        user = db.session.get(User, world["officer_a"])
        user_service.set_password(user, "mot-cau-mat-khau-moi-2026")
        db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_security_headers_on_every_kind_of_page(app, client, world, make_counter):
    counter = make_counter()
    for path in ("/", f"/s/{counter.token}", "/admin/login", "/khong-co-trang-nay"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here
    assert "max-age=" in client.get("/", base_url="https://khaosat.example.vn").headers["Strict-Transport-Security"]


def test_pages_carry_no_inline_script():
    from pathlib import Path

    import survey

    templates = Path(survey.__file__).parent / "templates"
    for page in templates.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), page
        assert not re.search(r"\son[a-z]+\s*=", html), page


def test_a_stranger_cannot_lock_an_officer_out_of_their_own_browser(app, world, monkeypatch):
    """The probe locked `quantri` (named in the README) for 15 minutes from anywhere."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_NAME", "6/15minutes")
    office, _ = _logged_in(app, "quantri")  # the officer's own browser, logged in before
    office.post("/admin/logout", data={"csrf_token": csrf_from(office, "/admin/")})
    for i in range(7):  # a stranger: five wrong passwords lock the account, then the per-name limit
        stranger, token = _login_client(app, f"203.0.113.{i + 100}")
        stranger.post("/admin/login", data={"username": "quantri", "password": "doan-bua-di", "csrf_token": token})
    fresh, token = _login_client(app, "198.51.100.200")
    assert fresh.post("/admin/login", data={"username": "quantri", "password": PASSWORD,
                                            "csrf_token": token}).status_code in (401, 429)  # fmt: skip
    token = LOGIN_TOKEN.search(office.get("/admin/login").get_data(as_text=True)).group(1)
    response = office.post("/admin/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302  # the officer's browser is let in
    with app.app_context():  # and the lock stays for everyone else
        assert db.session.scalar(select(User.locked_until).where(User.username == "quantri")) is not None
    # a known browser's wrong password is still refused, with the same message
    office.post("/admin/logout", data={"csrf_token": csrf_from(office, "/admin/")})
    token = LOGIN_TOKEN.search(office.get("/admin/login").get_data(as_text=True)).group(1)
    wrong = office.post("/admin/login", data={"username": "quantri", "password": "sai", "csrf_token": token})
    assert wrong.status_code == 401 and user_service.LOGIN_REFUSED in wrong.get_data(as_text=True)
