"""Blueprint for the office: dashboard, feedback, management. Everything needs a login."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from survey.extensions import db
from survey.services.users import can_see_unit

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: endpoints reachable without an account
PUBLIC_ENDPOINTS = {"admin.login"}
#: all an account may open while its password, set by someone else, waits to be changed
PASSWORD_CHANGE_ENDPOINTS = {"admin.password_change", "admin.logout"}


@bp.before_request
def require_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    refused = login_required(lambda: None)()
    if refused is not None:
        return refused
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        flash("Mật khẩu hiện tại là mật khẩu tạm do quản trị đặt: xin đổi mật khẩu trước khi tiếp tục.", "info")
        return redirect(url_for("admin.password_change"))
    return None


@bp.after_request
def no_store(response):
    # Pages with survey figures and complaints must not stay in a shared computer's cache.
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def visible_or_404(model, row_id: int):
    """The row of ``model`` (anything with a ``unit_id``) if the current account may see its unit; else 404.

    A row of no unit (``unit_id`` None, e.g. a district-wide report) is for those who see every unit.
    """
    row = db.session.get(model, row_id)
    if row is None or not can_see_unit(current_user, row.unit_id):
        abort(404)
    return row


from survey.admin import (  # noqa: E402,F401
    api_keys,
    auth,
    counters,
    dashboard,
    exports,
    feedback,
    fields,
    officers,
    reports,
    review,
    service_points,
    successions,
    units,
    users,
)
