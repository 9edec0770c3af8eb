"""Error pages in Vietnamese; the session is rolled back before any error page.

Every refusal the app gives (400, 403, 404, 405, 413, 422) is a Vietnamese page with
what to do next; an id that cannot exist (beyond the database's integer range) is a
404 decided by the URL converter, before any query.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from survey.extensions import db

bp = Blueprint("errors", __name__)

#: the largest id PostgreSQL's INTEGER column holds
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: 0 … 2³¹−1, so a longer number is "not found", never an overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def page_number(text: str | None, last: int = 100_000) -> int:
    """A ``?page=`` value as a page number within 1 … ``last``; anything else is page 1."""
    try:
        number = int(text or 1)
    except ValueError:
        return 1
    return min(max(1, number), last)


@bp.before_app_request
def refuse_nul():
    """No text with a NUL byte reaches a query: PostgreSQL refuses it, and nobody types one."""
    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in v for v in values):
        abort(400)


#: status → (title, what to do), for the refusals that have no page of their own
MESSAGES = {
    403: ("Không có quyền truy cập", "Tài khoản của Ông/Bà không được xem hoặc làm việc này. Nếu cần, xin liên hệ "
                                     "quản trị hệ thống."),
    405: ("Yêu cầu không hợp lệ", "Trang này không nhận cách gửi vừa dùng. Xin mở lại trang từ thực đơn."),
    422: ("Dữ liệu không xử lý được", "Dữ liệu gửi lên không đúng dạng trang này cần. Xin tải lại trang và nhập lại."),
}  # fmt: skip


def _page(status: int):
    db.session.rollback()
    title, text = MESSAGES[status]
    return render_template("errors/refused.html", title=title, text=text), status


@bp.app_errorhandler(404)
def not_found(_error):
    db.session.rollback()
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(CSRFError)
def csrf_error(_error):
    db.session.rollback()
    return render_template("errors/400.html", reason="csrf"), 400


@bp.app_errorhandler(400)
def bad_request(_error):
    db.session.rollback()
    return render_template("errors/400.html", reason=None), 400


@bp.app_errorhandler(403)
def forbidden(_error):
    return _page(403)


@bp.app_errorhandler(405)
def method_not_allowed(error):
    page, status = _page(405)
    return page, status, {"Allow": ", ".join(error.valid_methods or ())}


@bp.app_errorhandler(422)
def unprocessable(_error):
    return _page(422)


@bp.app_errorhandler(413)
def too_large(_error):
    db.session.rollback()
    return render_template("errors/400.html", reason="too_large"), 413


@bp.app_errorhandler(500)
def internal_error(_error):
    db.session.rollback()
    return render_template("errors/500.html"), 500
