"""The admin page of API keys: admin only, the key shown once, revocation."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import ApiKey
from survey.services.users import create_user
from tests.admin.conftest import PASSWORD, csrf_from
from tests.api.conftest import assert_problem, bearer


def _login(client, username: str):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/admin/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def test_admin_creates_a_key_shown_once_and_revokes_it(app, client, district):
    with app.app_context():
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        db.session.commit()
    _login(client, "quantri")
    token = csrf_from(client, "/admin/khoa-api")
    page = client.post("/admin/khoa-api", data={"csrf_token": token, "name": "iGate <b>tỉnh</b>",
                                                "units": ["21040"], "scopes": ["receipts", "counts"]})  # fmt: skip
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    secret = re.search(r'value="(sipas_[^"]+)"', html).group(1)
    assert "iGate &lt;b&gt;tỉnh&lt;/b&gt;" in html  # escaped
    assert page.headers["Cache-Control"] == "no-store"
    # shown once: the list page afterwards has only its beginning
    listing = client.get("/admin/khoa-api").get_data(as_text=True)
    assert secret not in listing and secret[:14] in listing
    body = {"service_point": "21040-Q2", "field": "HT", "dossier": "HS-9"}
    assert client.post("/api/v1/receipts", json=body, headers=bearer(secret)).status_code == 201
    with app.app_context():
        key = db.session.scalar(select(ApiKey))
        assert ([u.code for u in key.units], key.scopes) == (["21040"], "receipts,counts")
        key_id = key.id
    revoked = client.post(f"/admin/khoa-api/{key_id}/thu-hoi", data={"csrf_token": token})
    assert revoked.status_code == 302
    assert_problem(client.post("/api/v1/receipts", json=body, headers=bearer(secret)), 401)


def test_only_admins_see_the_keys_and_forms_need_their_token(app, client, district):
    with app.app_context():
        create_user("vanphong", PASSWORD, "reviewer", "Văn phòng")
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        db.session.commit()
    _login(client, "vanphong")
    assert client.get("/admin/khoa-api").status_code == 403
    assert client.post("/admin/khoa-api", data={"name": "x", "scopes": ["read"]}).status_code in (400, 403)
    client.post("/admin/logout", data={"csrf_token": csrf_from(client, "/admin/")})
    _login(client, "quantri")
    assert client.post("/admin/khoa-api", data={"name": "x", "scopes": ["read"]}).status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.scalar(select(ApiKey)) is None


def test_a_key_needs_a_scope(app, client, district):
    with app.app_context():
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        db.session.commit()
    _login(client, "quantri")
    page = client.post("/admin/khoa-api", data={"csrf_token": csrf_from(client, "/admin/khoa-api"), "name": "iGate"})
    assert page.status_code == 422
    assert "Khoá phải có ít nhất một quyền." in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiKey)) is None
