"""The least the citizen's form can cost with the design card's stack: a yardstick, not the app.

Served by ``bench/floor.py``. What a ballot needs and nothing more: a page with the CSRF
token and a key (no template), a Flask-WTF form with the profile's questions, the rate
limits on Redis (address, counter, device), one SELECT and one INSERT … ON CONFLICT through
SQLAlchemy Core, a session cookie. No flags, no feedback items, no digest, no ORM.

Environment: ``FLOOR_DATABASE_URL`` (PostgreSQL), ``FLOOR_LIMITER`` (a limits storage URI),
``FLOOR_SECRET_KEY`` (the same for every worker).
``bench/floor.py`` creates the table (``metadata``) before the workers start.
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, make_response, redirect, request, session
from flask_limiter import Limiter
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Column, Integer, MetaData, SmallInteger, String, Table, create_engine, func, select
from sqlalchemy.dialects.postgresql import insert
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired, Optional

from analysis.profile import DEFAULT_PROFILE, load_profile

PROFILE = load_profile(DEFAULT_PROFILE)
LOOSE = "10000000/minute"

app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ["FLOOR_SECRET_KEY"], WTF_CSRF_TIME_LIMIT=None)
limiter = Limiter(key_func=lambda: request.remote_addr or "", app=app, storage_uri=os.environ["FLOOR_LIMITER"],
                  key_prefix=f"sipas-floor-{os.getpid()}")  # fmt: skip
engine = create_engine(os.environ["FLOOR_DATABASE_URL"], pool_pre_ping=True)
metadata = MetaData()
responses = Table(
    "floor_responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("response_key", String(64), unique=True),
    Column("counter", String(64), index=True),
    *(Column(code.lower(), SmallInteger) for code in PROFILE.question_codes),
)


class BallotForm(FlaskForm):
    key = HiddenField(validators=[InputRequired()])


for _code in PROFILE.question_codes:
    _required = _code in PROFILE.item_codes
    setattr(BallotForm, f"q_{_code}", RadioField(_code, choices=[(str(v), str(v)) for v in range(6)], coerce=int,
                                                 validators=[InputRequired() if _required else Optional()]))  # fmt: skip

#: about the size of the real form page
PAGE_TAIL = "<p>" + "x" * 30000 + "</p></form>"


@app.get("/")
def index():
    return "ok"


@app.get("/s/<token>")
@limiter.limit(LOOSE)
def form(token: str):
    page = (f'<form method="post"><input type="hidden" name="csrf_token" value="{generate_csrf()}">'
            f'<input type="hidden" name="key" value="{secrets.token_urlsafe(18)}">{PAGE_TAIL}')  # fmt: skip
    response = make_response(page)
    if "device" not in request.cookies:
        response.set_cookie("device", secrets.token_urlsafe(16), httponly=True, samesite="Lax")
    return response


@app.post("/s/<token>")
@limiter.limit(LOOSE)
@limiter.limit(LOOSE, key_func=lambda: "counter:" + request.view_args["token"])
@limiter.limit(LOOSE, key_func=lambda: "device:" + request.cookies.get("device", ""))
def submit(token: str):
    form = BallotForm()
    if not form.validate():
        return "422", 422
    values = {"response_key": form.key.data, "counter": token}
    values.update({code.lower(): form[f"q_{code}"].data for code in PROFILE.question_codes})
    with engine.begin() as conn:
        # the one read the trust checks make
        conn.execute(select(func.count()).select_from(responses).where(responses.c.counter == token)).scalar()
        conn.execute(insert(responses).on_conflict_do_nothing(index_elements=["response_key"]), values)
    session["sent"] = form.key.data
    return redirect(f"/s/{token}/cam-on", code=303)
