"""What every admin action shares: who may act, the form's errors, and the one commit-or-roll-back.

:func:`act` is the only place an office page commits a change: it checks the form (with its
CSRF token), runs the action (a call into a service that flushes), then commits once and
flashes what was done, or, when the service refused (a DomainError), rolls back and flashes
why. Nothing is half-saved, and a refused action changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user
from wtforms.validators import Regexp

from survey.extensions import db
from survey.forms import Form
from survey.services.errors import DomainError
from survey.services.users import visible_unit_ids

CODE = Regexp(r"^[A-Za-z0-9_.-]{1,32}$", message="Mã chỉ gồm chữ không dấu, số, dấu gạch (tối đa 32 ký tự).")


def admin_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def visible(stmt, column):
    """``stmt`` kept to the units the current account may see (``column`` is the row's unit id)."""
    allowed = visible_unit_ids(current_user)
    return stmt if allowed is None else stmt.where(column.in_(allowed))


def flash_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


def act(action: Callable[[], object], back: str, *, form: Form | None = None, done: str | None = None,
        again: Callable[[], object] | None = None):  # fmt: skip
    """Run one admin action and answer the browser.

    ``form`` (a plain :class:`Form` when the action has no fields: its CSRF token) is checked
    first; its errors are flashed and nothing runs. ``action`` calls the services and returns
    the message to flash (then the browser goes to ``done``, or ``back``) or a Response to
    send as it is (a page shown once, a file), sent only after the commit succeeded. A refusal
    goes back to ``back``, or shows ``again()`` (the page with what was typed, kept).
    """
    form = form if form is not None else Form()
    if not form.validate_on_submit():
        flash_errors(form)
        return again() if again is not None else redirect(back)
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return again() if again is not None else redirect(back)
    db.session.commit()
    if result is None or isinstance(result, str):
        flash(result or "Đã lưu.", "info")
        return redirect(done or back)
    return result


@dataclass(frozen=True)
class Confirmation:
    """The page before a change that makes something stop working: what, in plain words."""

    title: str
    #: what stops working (and what does not), one sentence each
    consequences: tuple[str, ...]
    #: the label of the one button that makes the change
    button: str


def confirmed(confirmation: Confirmation, subject: str, action: Callable[[], object], back: str):
    """GET: the confirmation page (nothing changes, ever); POST (its form): the change, through :func:`act`."""
    if request.method == "GET":
        return render_template("admin/confirm.html", title=confirmation.title, subject=subject,
                               consequences=confirmation.consequences, button=confirmation.button,
                               action=request.path, back=back)  # fmt: skip
    return act(action, back)
