"""Login and logout.

Nobody can lock an officer out of the browser they use: a browser where an account
logged in before carries a signed "known browser" cookie for that account (a keyed hash
of the name, nothing else), and its attempts neither count toward the account's lock nor
meet it or the per-name limit; the per-address limit still applies. A stranger's five
wrong passwords lock the account only for browsers it has never been used from.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from survey.admin import bp
from survey.extensions import db, limiter
from survey.forms import Form
from survey.services import privacy
from survey.services.users import LoginRefused, authenticate, end_sessions


class LoginForm(Form):
    username = StringField("Tên đăng nhập", validators=[InputRequired("Xin nhập tên đăng nhập."), Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[InputRequired("Xin nhập mật khẩu."), Length(max=200)])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, so the login page cannot send someone elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _refused(response) -> bool:
    """Only refused attempts count against the login limits; a success never locks anyone out."""
    return response.status_code == 401


def _typed_name() -> str:
    name = request.form.get("username", "") if request.method == "POST" else ""
    return name.strip().lower()[:64]


def _login_name_key() -> str:
    # The name as typed, hashed: an unknown name is limited exactly like a real one.
    return "login-name:" + privacy.keyed_hash("login-name", _typed_name())


#: the cookie of a browser an account logged in from before, and for how long it counts
KNOWN_BROWSER_COOKIE = "sipas_known"
KNOWN_BROWSER_DAYS = 90


def _known_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt="sipas-known-browser")


def _name_mark(name: str) -> str:
    return privacy.keyed_hash("known-browser", name)


def known_browser() -> bool:
    """Whether this browser logged in before as the name typed (a valid, unexpired cookie for it)."""
    raw = request.cookies.get(KNOWN_BROWSER_COOKIE)
    if not raw or request.method != "POST":
        return False
    try:
        marks = _known_serializer().loads(raw, max_age=KNOWN_BROWSER_DAYS * 24 * 3600)
    except BadSignature:
        return False
    return isinstance(marks, list) and _name_mark(_typed_name()) in marks


def _remember_browser(response, name: str):
    try:
        marks = _known_serializer().loads(request.cookies.get(KNOWN_BROWSER_COOKIE, ""))
    except BadSignature:
        marks = []
    marks = [m for m in marks if isinstance(m, str) and m != _name_mark(name)][-4:] + [_name_mark(name)]
    response.set_cookie(KNOWN_BROWSER_COOKIE, _known_serializer().dumps(marks), max_age=KNOWN_BROWSER_DAYS * 24 * 3600,
                        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
                        path=url_for("admin.login"))  # fmt: skip
    return response


def _address_key() -> str:
    from survey.public.clients import client_address_key

    return "login-" + client_address_key()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=_address_key,
               methods=["POST"], deduct_when=_refused)  # fmt: skip
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_NAME"], key_func=_login_name_key,
               methods=["POST"], deduct_when=_refused, exempt_when=known_browser)  # fmt: skip
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.overview"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, known_browser=known_browser())
        except LoginRefused as exc:
            db.session.commit()  # keep the failed-attempt count
            form.password.errors.append(str(exc))
            return render_template("admin/login.html", form=form), 401
        db.session.commit()
        login_user(user, remember=form.remember.data)
        target = redirect(_safe_next(request.args.get("next")) or url_for("admin.overview"))
        return _remember_browser(make_response(target), user.username)
    return render_template("admin/login.html", form=form), 200 if request.method == "GET" else 400


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user)  # a copy of the session or remember cookie stops working too
        db.session.commit()
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("admin.login"))
