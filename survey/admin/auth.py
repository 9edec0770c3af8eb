"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
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


def _login_name_key() -> str:
    # The name as typed, hashed: an unknown name is limited exactly like a real one.
    name = request.form.get("username", "") if request.method == "POST" else ""
    return "login-name:" + privacy.keyed_hash("login-name", name.strip().lower()[:64])


def _address_key() -> str:
    from survey.public.clients import client_address_key

    return "login-" + client_address_key()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=_address_key,
               methods=["POST"], deduct_when=_refused)  # fmt: skip
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_NAME"], key_func=_login_name_key,
               methods=["POST"], deduct_when=_refused)  # fmt: skip
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.overview"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except LoginRefused as exc:
            db.session.commit()  # keep the failed-attempt count
            form.password.errors.append(str(exc))
            return render_template("admin/login.html", form=form), 401
        db.session.commit()
        login_user(user, remember=form.remember.data)
        return redirect(_safe_next(request.args.get("next")) or url_for("admin.overview"))
    return render_template("admin/login.html", form=form), 200 if request.method == "GET" else 400


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user)  # a copy of the session or remember cookie stops working too
        db.session.commit()
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("admin.login"))
