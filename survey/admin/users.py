"""Accounts: the list, one account's page (reset the password, unlock, deactivate), one's own password, the audit log.

A reset gives a temporary password, shown once on the page that answers the reset (never
in a flash message, which would travel in the session cookie) and changed by its owner at
the next login: the admin reads it out to the officer, who alone knows the password after.
Accounts are never deleted, only deactivated: feedback they handled keeps their name.
"""

from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from survey.admin import bp
from survey.admin.actions import Confirmation, act, admin_only, confirmed
from survey.extensions import db
from survey.figures.periods import VN
from survey.forms import Form, choices
from survey.models import Unit, User
from survey.models.users import ROLE_NAMES
from survey.services import audit, notify
from survey.services import users as user_service
from survey.services.text import by_name
from survey.services.units import unit_by_code

PASSWORD_LENGTH = Length(min=10, max=200, message="Mật khẩu phải có từ 10 đến 200 ký tự.")


class UserForm(Form):
    username = StringField("Tên đăng nhập", validators=[InputRequired("Xin nhập tên đăng nhập."), Length(max=64)])
    display_name = StringField("Họ tên cán bộ", validators=[InputRequired("Xin nhập họ tên."), Length(max=200)])
    role = SelectField("Vai trò", choices=choices(ROLE_NAMES.items()))
    unit = SelectField("Đơn vị (với cán bộ đơn vị)", validators=[Optional()])
    email = StringField("Thư điện tử nhận bản tin (không bắt buộc)", validators=[Optional(), Length(max=254)])
    password = PasswordField("Mật khẩu tạm (người dùng đổi khi đăng nhập lần đầu)",
                             validators=[InputRequired("Xin nhập mật khẩu."), PASSWORD_LENGTH])  # fmt: skip


class PasswordChangeForm(Form):
    current = PasswordField("Mật khẩu hiện tại", validators=[InputRequired("Xin nhập mật khẩu hiện tại."),
                                                             Length(max=200)])  # fmt: skip
    new = PasswordField("Mật khẩu mới (ít nhất 10 ký tự, khó đoán)",
                        validators=[InputRequired("Xin nhập mật khẩu mới."), PASSWORD_LENGTH])  # fmt: skip
    repeated = PasswordField("Nhập lại mật khẩu mới", validators=[InputRequired("Xin nhập lại mật khẩu mới."),
                                                                  Length(max=200)])  # fmt: skip


def _user_form() -> UserForm:
    form = UserForm()
    form.unit.choices = choices([("", "—")] + [(u.code, u.name) for u in by_name(db.session.scalars(select(Unit)))])
    return form


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _page(user: User) -> str:
    return url_for("admin.user_page", user_id=user.id)


@bp.get("/nguoi-dung")
@admin_only
def users():
    items = db.session.scalars(select(User).order_by(User.is_active.desc(), User.role, User.username)).all()
    return render_template("admin/users.html", users=items, form=_user_form(), roles=ROLE_NAMES,
                           locked=user_service.is_locked)  # fmt: skip


@bp.post("/nguoi-dung")
@admin_only
def user_create():
    form = _user_form()

    def create():
        unit = unit_by_code(form.unit.data) if form.unit.data else None
        user = user_service.create_user(form.username.data, form.password.data, form.role.data,
                                        form.display_name.data, unit, actor=current_user)  # fmt: skip
        notify.set_email(user, form.email.data)
        return f"Đã tạo tài khoản {user.username}. Người dùng phải đổi mật khẩu khi đăng nhập lần đầu."

    return act(create, url_for("admin.users"), form=form)


@bp.get("/nguoi-dung/<int:user_id>")
@admin_only
def user_page(user_id: int):
    user = _user_or_404(user_id)
    return render_template("admin/user.html", user=user, roles=ROLE_NAMES, locked=user_service.is_locked(user))


RESET = Confirmation("Đặt lại mật khẩu", (
    "Mật khẩu hiện tại của tài khoản này sẽ không dùng được nữa.",
    "Mọi phiên đăng nhập của tài khoản (trên mọi máy) kết thúc ngay.",
    "Trang sau hiện mật khẩu tạm một lần duy nhất: xin báo trực tiếp cho người dùng; họ phải đổi mật khẩu khi đăng nhập."),
    "Đặt lại mật khẩu")  # fmt: skip
DEACTIVATE = Confirmation("Ngừng hoạt động tài khoản", (
    "Tài khoản không đăng nhập được nữa; mọi phiên đăng nhập kết thúc ngay.",
    "Tài khoản không bị xoá: phản ánh đã xử lý vẫn ghi tên người này, và có thể cho hoạt động lại khi cần."),
    "Ngừng hoạt động")  # fmt: skip


def _subject(user: User) -> str:
    return f"{user.display_name} ({user.username})"


@bp.route("/nguoi-dung/<int:user_id>/dat-lai-mat-khau", methods=["GET", "POST"])
@admin_only
def user_reset(user_id: int):
    user = _user_or_404(user_id)

    def reset():
        password = user_service.reset_password(user, actor=current_user)
        return make_response(render_template("admin/temporary_password.html", user=user, password=password))

    return confirmed(RESET, _subject(user), reset, _page(user))


@bp.route("/nguoi-dung/<int:user_id>/ngung", methods=["GET", "POST"])
@admin_only
def user_deactivate(user_id: int):
    user = _user_or_404(user_id)

    def deactivate():
        user_service.set_active(user, False, actor=current_user)
        return f"Đã ngừng hoạt động tài khoản {user.username}."

    return confirmed(DEACTIVATE, _subject(user), deactivate, _page(user))


#: the changes that stop nothing (an unlock, a reactivation): their button acts at once
_AT_ONCE = {
    "mo-khoa": ("user_unlock", lambda user: user_service.unlock(user, actor=current_user),
                "Đã mở khoá tài khoản {name}: có thể đăng nhập lại ngay."),
    "kich-hoat": ("user_reactivate", lambda user: user_service.set_active(user, True, actor=current_user),
                  "Đã cho tài khoản {name} hoạt động lại."),
}  # fmt: skip


def _at_once_view(change, message: str):
    @admin_only
    def view(user_id: int):
        user = _user_or_404(user_id)

        def run() -> str:
            change(user)
            return message.format(name=user.username)

        return act(run, _page(user))

    return view


for _path, (_endpoint, _change, _message) in _AT_ONCE.items():
    bp.add_url_rule(f"/nguoi-dung/<int:user_id>/{_path}", _endpoint, _at_once_view(_change, _message),
                    methods=["POST"])  # fmt: skip


@bp.route("/mat-khau", methods=["GET", "POST"])
def password_change():
    """Every account changes its own password here; one set by someone else must be changed first."""
    form = PasswordChangeForm()
    if request.method == "GET":
        return render_template("admin/password.html", form=form)
    user = current_user._get_current_object()

    def change():
        user_service.change_own_password(user, form.current.data, form.new.data, form.repeated.data)
        login_user(user)  # this browser goes on under the new session version; every other session ended
        return "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."

    return act(change, url_for("admin.password_change"), form=form, done=url_for("admin.overview"))


@bp.get("/nhat-ky")
@admin_only
def audit_log():
    return render_template("admin/audit.html", entries=audit.latest(),
                           when=lambda at: at.astimezone(VN).strftime("%d/%m/%Y %H:%M"))  # fmt: skip
