"""Security headers on every response, and cookie settings that follow the deployment.

One after-request hook rather than an extension: the pages load no script at all and
no resource from elsewhere, so the policy is short and fixed. Inline ``style``
attributes are allowed (a few templates use them); inline scripts are not.
"""

from __future__ import annotations

from flask import Flask, request
from flask.wrappers import Response

#: what a page may load: only this site's own files; nobody may frame it
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # the QR links carry a counter's token: no other site learns it from a Referer
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    if app.config.get("SESSION_COOKIE_SECURE"):
        # a site served over HTTPS sends the remember cookie over HTTPS only too
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.after_request(security_headers)
