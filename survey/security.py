"""Security headers on every response, and cookie settings that follow the deployment.

One after-request hook rather than an extension: the pages load no script at all and
no resource from elsewhere, so the policy is short and fixed. Inline ``style``
attributes are allowed (a few templates use them); inline scripts are not.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

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


#: path segments that are secrets: a counter's QR token (/s/…), a receipt code (/r/…)
_SECRET_SEGMENT = re.compile(r"(/(?:s|r)/)[^/\s?\"]+")
_QUERY = re.compile(r"\?[^\s\"]*")
_ADDRESS = re.compile(r"^\S+ - - ")


def private_request_line(text: str) -> str:
    """A logged request line without the QR token, the receipt code or the query string."""
    return _QUERY.sub("?…", _SECRET_SEGMENT.sub(r"\1…", text))


class PrivateRequestLog(logging.Filter):
    """The development server's request log without the client address, tokens, codes or query strings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _ADDRESS.sub("- - - ", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(private_request_line(a) if isinstance(a, str) else a for a in record.args)
        return True


def init_app(app: Flask) -> None:
    dev_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, PrivateRequestLog) for f in dev_log.filters):
        dev_log.addFilter(PrivateRequestLog())
    if app.config.get("SESSION_COOKIE_SECURE"):
        # a site served over HTTPS sends the remember cookie over HTTPS only too
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.after_request(security_headers)


#: the only files a PDF may load: the app's own static files (fonts, stylesheet, images)
STATIC_DIR = Path(__file__).resolve().parent / "static"


def allowed_in_pdf(url: str) -> bool:
    """A ``data:`` URI, or a ``file:`` URL inside the app's static folder; nothing else (no other file, no network)."""
    if url.startswith("data:"):
        return True
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(unquote(parts.path))).resolve()
    return path.is_relative_to(STATIC_DIR)


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher  # imported late: it loads Pango, which only PDFs need

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not allowed_in_pdf(url):
                raise ValueError(f"a PDF may only load the app's own static files, not {url[:200]}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher


def pdf_url_fetcher(*, static_files: bool = True):
    """The URL fetcher every WeasyPrint document of the app uses (posters, receipt sheets, reports).

    ``data:`` URIs always; with ``static_files`` also the app's own static folder, nothing else.
    """
    if not static_files:
        from weasyprint.urls import URLFetcher

        return URLFetcher(allowed_protocols=("data",))
    return _fetcher_class()(allowed_protocols=("data", "file"), allow_redirects=False)
