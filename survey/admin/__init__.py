"""Blueprint for the office: dashboard, feedback, management. Everything needs a login."""

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from survey.extensions import db
from survey.services.users import can_see_unit

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: endpoints reachable without an account
PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return login_required(lambda: None)()


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
    dashboard,
    exports,
    feedback,
    manage,
    officers,
    review,
    successions,
)
