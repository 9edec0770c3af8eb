"""The app's own CSS, script and icon under names that carry their content hash.

A page links ``/assets/site.3f2a9c1d.css``; since the name changes whenever the
file does, the file can be cached for a year without a revalidation round trip
(``immutable``), and a repeat visit fetches only the HTML. The hashes are computed
once per process from the files in ``survey/static``.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, current_app, url_for
from markupsafe import Markup

#: files served under hashed names (the rest of survey/static keeps Flask's plain /static route)
HASHED = ("site.css", "admin.css", "form.js", "admin.js", "favicon.svg")
YEAR = 365 * 24 * 3600

bp = Blueprint("assets", __name__)


@dataclass(frozen=True)
class Asset:
    name: str  #: the name on disk, e.g. site.css
    hashed: str  #: the name in URLs, e.g. site.3f2a9c1d.css
    body: bytes
    mimetype: str


def _hashed_name(name: str, body: bytes) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(body).hexdigest()[:10]}{dot}{ext}"


def load(static_folder: str) -> dict[str, Asset]:
    assets = {}
    for name in HASHED:
        body = (Path(static_folder) / name).read_bytes()
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype.endswith("javascript"):
            mimetype += "; charset=utf-8"
        assets[name] = Asset(name, _hashed_name(name, body), body, mimetype)
    return assets


def _assets() -> dict[str, Asset]:
    return current_app.extensions["sipas_assets"]


def asset_url(name: str) -> str:
    """The URL of ``name`` (one of HASHED) with its content hash in the file name."""
    return url_for("assets.asset", hashed=_assets()[name].hashed)


def asset_text(name: str) -> Markup:
    """The text of ``name`` (a stylesheet inlined into a first visit's form page: survey.public.rendering)."""
    return Markup(_assets()[name].body.decode())  # noqa: S704 (the app's own file)


def asset_data_url(name: str) -> str:
    """``name`` as a ``data:`` URL (the favicon, a few hundred bytes: the page carries it, no request)."""
    found = _assets()[name]
    return f"data:{found.mimetype.split(';')[0]},{quote(found.body.decode())}"


@bp.get("/assets/<hashed>")
def asset(hashed: str):
    found = next((a for a in _assets().values() if a.hashed == hashed), None)
    if found is None:
        abort(404)
    # A plain response, not send_file's pass-through: Flask-Compress compresses it.
    response = Response(found.body, mimetype=found.mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response


@bp.get("/favicon.ico")
def favicon():
    # Browsers that ignore the page's <link rel=icon> ask for /favicon.ico: the same icon, kept a day.
    icon = _assets()["favicon.svg"]
    response = Response(icon.body, mimetype=icon.mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response


def _preload_stylesheet(response: Response) -> Response:
    # The stylesheet is fetched as soon as the page's headers arrive, not after its body:
    # on a slow phone network that is one round trip less before the first paint.
    if response.mimetype == "text/html":
        link = current_app.extensions.get("sipas_preload")
        if link is None:  # the same for every page of this app: built once (a form request is ~1 ms)
            link = current_app.extensions["sipas_preload"] = f"<{asset_url('site.css')}>; rel=preload; as=style"
        response.headers["Link"] = link
    return response


def init_app(app: Flask) -> None:
    app.extensions["sipas_assets"] = load(app.static_folder)
    app.after_request(_preload_stylesheet)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["asset_text"] = asset_text
    app.jinja_env.globals["asset_data_url"] = asset_data_url
    app.register_blueprint(bp)
