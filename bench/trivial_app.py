"""Flask alone, for ``bench/floor.py --trivial``: a page with the two hidden fields, and a 303."""

from __future__ import annotations

import secrets

from flask import Flask, redirect

app = Flask(__name__)
PAGE_TAIL = "<p>" + "x" * 30000 + "</p></form>"


@app.get("/")
def index():
    return "ok"


@app.get("/s/<token>")
def form(token: str):
    return (f'<form method="post"><input type="hidden" name="csrf_token" value="{secrets.token_hex(16)}">'
            f'<input type="hidden" name="key" value="{secrets.token_urlsafe(18)}">{PAGE_TAIL}')  # fmt: skip


@app.post("/s/<token>")
def submit(token: str):
    return redirect(f"/s/{token}/cam-on", code=303)
