"""Error pages in Vietnamese; the session is rolled back before any error page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_wtf.csrf import CSRFError

from survey.extensions import db

bp = Blueprint("errors", __name__)


@bp.before_app_request
def refuse_nul():
    """No text with a NUL byte reaches a query: PostgreSQL refuses it, and nobody types one."""
    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in v for v in values):
        abort(400)


@bp.app_errorhandler(404)
def not_found(_error):
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(CSRFError)
def csrf_error(_error):
    db.session.rollback()
    return render_template("errors/400.html", reason="csrf"), 400


@bp.app_errorhandler(400)
def bad_request(_error):
    db.session.rollback()
    return render_template("errors/400.html", reason=None), 400


@bp.app_errorhandler(413)
def too_large(_error):
    db.session.rollback()
    return render_template("errors/400.html", reason="too_large"), 413


@bp.app_errorhandler(500)
def internal_error(_error):
    db.session.rollback()
    return render_template("errors/500.html"), 500
