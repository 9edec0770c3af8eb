"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from survey.admin import bp
from survey.extensions import db
from survey.forms import Form
from survey.services.users import LoginRefused, authenticate


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


@bp.route("/login", methods=["GET", "POST"])
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
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("admin.login"))
