"""Error pages in Vietnamese; the session is rolled back before any error page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf.csrf import CSRFError

from survey.extensions import db

bp = Blueprint("errors", __name__)


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
