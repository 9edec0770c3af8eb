"""Errors of the API as RFC 9457 problem documents (``application/problem+json``) with a Vietnamese ``detail``.

Handlers are the API blueprints' own, so the office and citizen pages keep their HTML error pages.
Every error rolls the session back first: a refused request stores nothing.
"""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from survey.extensions import db

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột",
    413: "Nội dung quá lớn",
    415: "Kiểu nội dung không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
}
DETAILS = {
    400: "Yêu cầu không hợp lệ.",
    401: "Thiếu khoá API hoặc khoá không đúng (gửi tiêu đề Authorization: Bearer <khoá>).",
    403: "Khoá API không có quyền này.",
    404: "Không tìm thấy.",
    405: "Địa chỉ này không nhận phương thức đó.",
    413: "Nội dung gửi lên quá lớn.",
    422: "Dữ liệu gửi lên không hợp lệ; xem errors.",
    429: "Quá nhiều yêu cầu với khoá này; xin thử lại sau ít phút.",
    500: "Lỗi máy chủ; không có gì được lưu. Xin thử lại sau.",
}
MIMETYPE = "application/problem+json"


class ApiProblem(HTTPException):
    """An error a view raises with its own Vietnamese detail (and field errors)."""

    def __init__(self, status: int, detail: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(description=detail)
        self.code = status
        self.detail = detail
        self.errors = errors
        self.extra_headers = headers or {}


def problem(status: int, detail: str | None = None, errors: dict | None = None, headers: dict | None = None):
    body = {"type": "about:blank", "title": TITLES.get(status, "Lỗi"), "status": status,
            "detail": detail or DETAILS.get(status, "Yêu cầu không thực hiện được.")}  # fmt: skip
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MIMETYPE
    response.headers.update(headers or {})
    return response


def _webargs_errors(error: HTTPException) -> tuple[str | None, dict | None]:
    """What webargs/flask-smorest put in ``error.data`` when a request does not parse or validate."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not messages:
        return None, None
    if error.code == 400 and messages.get("json") == ["Invalid JSON body."]:
        return "Nội dung không phải JSON hợp lệ (UTF-8).", None
    # one location only (json or query): drop the level that names it
    errors = next(iter(messages.values())) if len(messages) == 1 else messages
    return None, errors


def handle_http_exception(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    if isinstance(error, ApiProblem):
        return problem(status, error.detail, error.errors, error.extra_headers)
    detail, errors = _webargs_errors(error)
    headers = {}
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        headers.update(getattr(error, "headers", None) or {})
    return problem(status, detail, errors, headers)


def handle_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    from flask import current_app

    current_app.logger.exception("API error")
    return problem(500)


def register(blueprint) -> None:
    # Flask looks for a handler by status code before by class, at every level: the app's own
    # 400, 404, 413, 429 and 500 pages would win over a class handler here, hence one per code.
    for status in TITLES:
        blueprint.register_error_handler(status, handle_http_exception)
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    blueprint.register_error_handler(Exception, handle_unexpected)
