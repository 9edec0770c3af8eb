"""The machine API under ``/api``: one-stop information systems mint receipt codes for dossiers and send
dossier counts; provincial portals read indices. Key authentication, no cookies (so no CSRF token).

The OpenAPI document is generated from the code (flask-smorest, marshmallow) at ``/api/openapi.json``,
and shown as plain HTML at ``/api/docs``.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api as SmorestApi

from survey.api.schemas import Problem


class Api(SmorestApi):
    """flask-smorest's Api, but its error handler stays off the office and citizen pages."""

    ERROR_SCHEMA = Problem
    #: every error an operation can give is documented with it (problem+json); no English catch-all
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        # the API blueprints register their own (survey.api.problems); the rest of the app keeps its pages
        pass


SETTINGS = {
    "API_TITLE": "SIPAS — API kết nối hệ thống một cửa",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}

DESCRIPTION = """Hệ thống thông tin giải quyết thủ tục hành chính (một cửa) kết nối với hệ thống khảo sát:
cấp mã đánh giá theo hồ sơ, gửi số hồ sơ theo tháng, đọc chỉ số hài lòng.

Mỗi yêu cầu gửi tiêu đề `Authorization: Bearer <khoá>`. Khoá do quản trị viên tạo, gắn với các đơn vị
(và đơn vị trực thuộc) và các quyền `receipts`, `counts`, `read`. Lỗi trả về dạng `application/problem+json`
với `detail` bằng tiếng Việt."""


def init_app(app: Flask) -> Api:
    from survey.api import auth, pages, v1
    from survey.extensions import csrf

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    app.json.ensure_ascii = False  # Vietnamese names readable in the answers (JSON is UTF-8)
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION}, "security": [{"khoa": []}]})
    api.spec.components.security_scheme("khoa", {"type": "http", "scheme": "bearer",
                                                 "description": "Khoá API (sipas_…)"})  # fmt: skip
    csrf.exempt(v1.blp)
    csrf.exempt(pages.bp)
    auth.per_key_limit(v1.blp)
    api.register_blueprint(v1.blp)
    app.register_blueprint(pages.bp)
    app.extensions["sipas_api"] = api
    return api
