"""Defaults. ``instance/config.py`` and environment variables override them."""

from __future__ import annotations

import os
from datetime import timedelta

#: Vietnam has one time zone and no daylight saving; months and reports use it.
TIMEZONE = "Asia/Ho_Chi_Minh"


class Defaults:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled by the factory: instance/sipas.sqlite
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: optional read replica the dashboard, exports, reports and API read figures from (survey.database)
    DATABASE_READ_URL: str | None = None
    #: the base of every QR link; the request's host is never used, since posters
    #: are printed once and must point at the public name of the service
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: a citizen may take a long time to answer; the token is bound to the session cookie
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    #: "ghi nhớ đăng nhập": two weeks, not Flask-Login's year; Secure follows SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    MAX_CONTENT_LENGTH = 64 * 1024
    #: longest free-text comment, in characters
    COMMENT_MAX_LENGTH = 1000
    #: seconds a server keeps what the form needs of a counter (its unit, fields, procedures)
    #: before reading it again; a change made on another server shows within this time
    COUNTER_CACHE_SECONDS = 10
    DEFAULT_PROFILE = "sipas-2024"
    REPORTS_DIR: str | None = None  # instance/reports when unset
    #: how reports are signed, for units whose page leaves it empty: unit code → {"titles": [lines],
    #: "name": str, "recipients": [lines], "symbol": "BC-UBND"}; e.g. {"H-BSN": {"titles":
    #: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "name": "Nguyễn Văn A"}}
    REPORTS_SIGNATURES: dict[str, dict[str, object]] = {}
    #: a response with any satisfaction answer at or below this level becomes a feedback item
    FEEDBACK_SCORE_LEVEL = 2
    #: days the office has to answer a feedback item
    FEEDBACK_DUE_DAYS = 7
    # ---- e-mail (survey/services/notify.py; `flask notify daily`) ----
    #: the SMTP server the daily digest and alerts go through; no host: nothing is sent
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    #: "starttls" (port 587), "ssl" (port 465) or "none" (a relay on the same machine)
    SMTP_SECURITY = "starttls"
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_TIMEOUT = 30
    #: the sender of every mail, e.g. "Khảo sát SIPAS <khaosat@binhson.quangngai.gov.vn>"
    MAIL_FROM = "Khảo sát SIPAS <khaosat@localhost>"
    #: a unit's day with at least this many counted ballots and a SIPAS below NOTIFY_ALERT_BELOW
    #: (percent) raises an alert in the digest of its officers and of the office
    NOTIFY_ALERT_BELOW = 70.0
    NOTIFY_ALERT_MIN_ANSWERS = 10

    # ---- trustworthy responses (survey/services/trust.py): flag, never delete ----
    # A flagged response is stored with is_excluded=True and its reasons in `flags`; the
    # citizen sees the usual thank-you page, and a reviewer can restore it.
    #: more responses than this at one counter within one minute: the extra ones get "rate"
    TRUST_RATE_PER_MINUTE = 6
    #: a second response from one browser (device cookie) within this many minutes gets "device"
    TRUST_DEVICE_WINDOW_MINUTES = 60
    #: the TRUST_BURST_SIZE-th identical answer vector at one counter within the window gets
    #: "burst"; not lower: "very satisfied" everywhere is the commonest honest answer
    TRUST_BURST_SIZE = 4
    TRUST_BURST_WINDOW_MINUTES = 10
    #: more ballots than this from one client address (an IPv6 /64) at one counter within an hour
    #: get "address"; a hall's Wi-Fi shares one address, so not lower
    TRUST_ADDRESS_PER_HOUR = 15
    #: hours a form's ballot token stays valid (survey.services.ballot_tokens)
    BALLOT_TOKEN_HOURS = 12
    #: a QR response before this hour or from TRUST_HOURS_END on (Vietnam time) gets "hours";
    #: None turns the check off
    TRUST_HOURS_START: int | None = 6
    TRUST_HOURS_END: int | None = 20
    #: receipt codes are the honest channel (one code, one ballot): only more than this many
    #: receipt responses from one browser within a day get "device"
    TRUST_RECEIPT_DEVICE_MAX = 3
    #: the long-lived, HttpOnly device cookie set on the form page (a random id; the database
    #: keeps only its keyed hash)
    DEVICE_COOKIE_NAME = "sipas_tb"
    DEVICE_COOKIE_DAYS = 400
    #: seconds a kiosk's half-filled form may stay untouched before it is cleared for the next citizen
    KIOSK_IDLE_SECONDS = 90
    #: seconds the kiosk's thank-you stays before a fresh form
    KIOSK_THANKS_SECONDS = 6
    #: days a printed receipt code stays valid (`flask receipts issue --valid-days` overrides)
    RECEIPT_VALID_DAYS = 90
    # ---- rate limits (Flask-Limiter), on the citizen pages only ----
    #: memory:// keeps counts per process (development, tests); production shares them:
    #: redis://127.0.0.1:6379
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "sipas"
    #: a limiter outage must never cost a ballot: requests then pass unlimited
    RATELIMIT_SWALLOW_ERRORS = True
    #: per client address (hashed): loose, since a whole hall shares one Wi-Fi and mobile
    #: carriers put many phones behind one address
    RATELIMIT_PER_ADDRESS = "120/minute;3000/hour"
    #: stored ballots per device cookie (none per counter: one stuffer must not block a counter
    #: for everyone; many ballots at one counter are flagged "rate" instead)
    RATELIMIT_PER_DEVICE = "5/minute;20/hour"
    #: unknown receipt codes tried per client address (guessing codes); only unknown codes are
    #: refused past it, a valid code is always taken
    RATELIMIT_RECEIPT_MISS = "10/minute;50/day"
    #: calls per API key (survey/api): a one-stop system mints a code per dossier returned
    RATELIMIT_PER_API_KEY = "300/minute;20000/hour"
    #: refused logins per client address, and per username typed (known or not, alike)
    LOGIN_LIMIT_PER_ADDRESS = "20/minute;100/hour"
    LOGIN_LIMIT_PER_NAME = "10/15minutes"
    #: reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none)
    TRUSTED_PROXIES = 0
    # ---- compression (Flask-Compress) of text responses: brotli where accepted, else gzip ----
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                          "image/svg+xml", "text/csv"]  # fmt: skip
    # ---- privacy (survey/services/privacy.py; `flask privacy purge`) ----
    #: days the rotating client-address hash is kept
    IP_HASH_RETENTION_DAYS = 7
    #: days the device-cookie hash is kept (at least TRUST_DEVICE_WINDOW_MINUTES)
    DEVICE_HASH_RETENTION_DAYS = 30
    #: responses older than this many days are deleted by the purge; None keeps them
    RESPONSE_RETENTION_DAYS: int | None = None
    #: days a citizen's contact (phone, e-mail) is kept after its feedback item is closed
    CONTACT_RETENTION_DAYS = 30


#: environment variable → config key; read after instance/config.py so a deployment
#: can configure everything without a file
ENVIRONMENT = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "DATABASE_READ_URL": "DATABASE_READ_URL",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "REPORTS_DIR": "REPORTS_DIR",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "SMTP_HOST": "SMTP_HOST",
    "SMTP_PORT": "SMTP_PORT",
    "SMTP_SECURITY": "SMTP_SECURITY",
    "SMTP_USERNAME": "SMTP_USERNAME",
    "SMTP_PASSWORD": "SMTP_PASSWORD",
    "MAIL_FROM": "MAIL_FROM",
}


def from_environment() -> dict[str, object]:
    values: dict[str, object] = {}
    for env, key in ENVIRONMENT.items():
        raw = os.environ.get(env)
        if raw is None or raw == "":
            continue
        if key == "SESSION_COOKIE_SECURE":
            values[key] = values["REMEMBER_COOKIE_SECURE"] = raw.lower() in {"1", "true", "yes", "on"}
        elif key == "SMTP_PORT":
            values[key] = int(raw)
        else:
            values[key] = raw
    return values


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` URLs hosts hand out; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
