"""Blueprint for the office: dashboard, feedback, management. Everything needs a login."""

from flask import Blueprint, request
from flask_login import current_user, login_required

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


from survey.admin import auth, dashboard, exports, feedback, manage, review  # noqa: E402,F401
