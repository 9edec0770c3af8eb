"""``flask notify daily``: the one command a deployment schedules for e-mail (survey.services.notify)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from survey.extensions import db
from survey.models import User
from survey.services import notify
from survey.services.errors import DomainError

notify_group = AppGroup("notify", help="Thư điện tử gửi cán bộ: phản ánh, kiến nghị và cảnh báo.")


@notify_group.command("daily")
def notify_daily() -> None:
    """Gửi mỗi cán bộ có địa chỉ thư bản tin phản ánh mới, được giao, quá hạn và cảnh báo (chạy mỗi sáng)."""
    if not current_app.config["SMTP_HOST"]:
        raise click.ClickException("Chưa cấu hình máy chủ thư (SMTP_HOST): không gửi được thư.")
    try:
        result = notify.send_daily()
    except OSError as exc:  # smtplib's errors are OSErrors: refused, timed out, rejected
        raise click.ClickException(f"Không gửi được thư qua {current_app.config['SMTP_HOST']}: {exc}") from exc
    click.echo(f"Đã gửi {result.sent} thư; {result.skipped} cán bộ không có gì mới; "
               f"{result.alerts} đơn vị có mức hài lòng thấp hôm qua.")  # fmt: skip


@notify_group.command("set-email")
@click.argument("username")
@click.argument("email", required=False, default="")
def notify_set_email(username: str, email: str) -> None:
    """Đặt địa chỉ thư nhận bản tin cho một tài khoản (để trống: thôi gửi)."""
    user = db.session.scalar(db.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"Không có tài khoản {username}.")
    try:
        notify.set_email(user, email)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Tài khoản {user.username}: " + (f"gửi bản tin tới {user.email}." if user.email else "không gửi thư."))
