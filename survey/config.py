"""Defaults. ``instance/config.py`` and environment variables override them."""

from __future__ import annotations

import os

#: Vietnam has one time zone and no daylight saving; months and reports use it.
TIMEZONE = "Asia/Ho_Chi_Minh"


class Defaults:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled by the factory: instance/sipas.sqlite
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: the base of every QR link; the request's host is never used, since posters
    #: are printed once and must point at the public name of the service
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: a citizen may take a long time to answer; the token is bound to the session cookie
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    MAX_CONTENT_LENGTH = 64 * 1024
    #: longest free-text comment, in characters
    COMMENT_MAX_LENGTH = 1000
    DEFAULT_PROFILE = "sipas-2024"
    REPORTS_DIR: str | None = None  # instance/reports when unset
    #: a response with any satisfaction answer at or below this level becomes a feedback item
    FEEDBACK_SCORE_LEVEL = 2
    #: days the office has to answer a feedback item
    FEEDBACK_DUE_DAYS = 7


#: environment variable → config key; read after instance/config.py so a deployment
#: can configure everything without a file
ENVIRONMENT = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "REPORTS_DIR": "REPORTS_DIR",
}


def from_environment() -> dict[str, object]:
    values: dict[str, object] = {}
    for env, key in ENVIRONMENT.items():
        raw = os.environ.get(env)
        if raw is None or raw == "":
            continue
        if key == "SESSION_COOKIE_SECURE":
            values[key] = raw.lower() in {"1", "true", "yes", "on"}
        else:
            values[key] = raw
    return values


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` URLs hosts hand out; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
