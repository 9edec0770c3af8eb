"""Thin views: parse the form, call one service, commit once."""

from __future__ import annotations

import contextlib
import functools
import time

from flask import abort, current_app, g, make_response, redirect, render_template, request, session, url_for
from sqlalchemy.exc import OperationalError

from analysis.profile import load_profile
from survey.extensions import csrf, db, limiter
from survey.public import bp
from survey.public.clients import (
    client_ip_hash,
    device_hash,
    device_id,
    device_key,
    ensure_device_cookie,
    has_no_device,
    page_device_id,
)
from survey.public.forms import answers_from, make_form, respondent_from
from survey.public.rendering import counter_form_response, render_form
from survey.services import ballot_tokens, counters, officers
from survey.services.errors import InvalidSubmission
from survey.services.responses import Ballot, submit_response

# Limits are read from the config per request, so a deployment (or a test) can change them.
ip_limit = limiter.limit(lambda: current_app.config["RATELIMIT_PER_ADDRESS"])


def _stored(response) -> bool:
    """Only ballots stored now count against the device limit: not forms with a mistake, not a resend."""
    return response.status_code == 303 and not g.get("ballot_resent")


device_limit = limiter.limit(lambda: current_app.config["RATELIMIT_PER_DEVICE"], key_func=device_key,
                             exempt_when=has_no_device, deduct_when=_stored)  # fmt: skip


#: pauses before trying a request again when the database connection failed: about 17 s
#: in all, longer than a database restart or fail-over (15 s), not an outage
RETRY_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0)


def retry_on_database_restart(view):
    """Run the view again when the database connection fails, instead of a 500 page.

    Safe because the citizen's views are idempotent: a ballot carries its key, so a
    commit that went through before the connection broke is found, not stored twice.
    Someone who just typed 20 answers should not lose them to a restart.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        for delay in (*RETRY_DELAYS, None):
            try:
                result = view(*args, **kwargs)
            except OperationalError:
                _release_connection()
                if delay is None:
                    raise
                current_app.logger.warning("database connection failed; trying again in %.2f s", delay)
                time.sleep(delay)
            else:
                # Give the connection back now: if the database goes away after the work
                # is done, the end of the request must not turn a good answer into a 500.
                _release_connection()
                return result
        raise AssertionError("unreachable")

    return wrapper


def _release_connection() -> None:
    with contextlib.suppress(OperationalError):  # a dead connection: the pool discards it
        db.session.close()


@bp.get("/")
def index():
    return render_template("public/index.html")


def _counter(token: str):
    counter = counters.counter_view(token)
    if counter is None:  # an officer's personal placard opens the form of their desk's counter
        officer = officers.from_placard(token)
        counter = counters.counter_view(officer.counter.token) if officer else None
    if counter is None:
        abort(404)
    return counter


def form_choices(counter, fixed_field) -> tuple[list[tuple[str, str]] | None, list]:
    """What ``make_form`` takes: the field question (None when fixed) and the procedures to offer."""
    if fixed_field is not None:
        return None, fixed_field.procedures
    return [(f.code, f.name) for f in counter.offered], []


def _load(token: str):
    counter = _counter(token)
    profile = load_profile(current_app.config["DEFAULT_PROFILE"])
    form = make_form(profile.code, *form_choices(counter, counter.field))
    return counter, profile, form


def ballot_from(form, profile, counter, field, channel: str) -> Ballot:
    """What the citizen answered, with the hashes the trust checks need (never an address)."""
    procedure = None
    if "procedure_code" in form and form.procedure_code.data:
        procedure = next(p for p in field.procedures if p.code == form.procedure_code.data)
    return Ballot(
        key=form.key.data,
        profile=profile.code,
        unit_id=counter.unit_id,
        field_id=field.id if field else None,
        procedure_id=procedure.id if procedure else None,
        channel=channel,
        answers=answers_from(form, profile),
        respondent=respondent_from(form),
        comment=form.comment.data,
        complaint=bool(form.complaint.data),
        contact=form.contact,
        device_hash=device_hash(),
        ip_hash=client_ip_hash(),
    )


#: how many counters' last keys a browser remembers (the session is a signed cookie)
REMEMBERED_KEYS = 5


def _remember_sent(token: str, key: str) -> None:
    sent = {t: k for t, k in session.get("sent", {}).items() if t != token}
    sent[token] = key
    session["sent"] = dict(list(sent.items())[-REMEMBERED_KEYS:])


@bp.get("/s/<token>")
@ip_limit
@retry_on_database_restart
def survey_form(token: str):
    counter = _counter(token)
    profile = load_profile(current_app.config["DEFAULT_PROFILE"])
    action = url_for("public.survey_submit", token=token)
    field_choices, procedures = form_choices(counter, counter.field)
    sent_key = session.get("sent", {}).get(token)
    if sent_key and request.args.get("moi") != "1":
        # Back after sending: the page comes again with the key already used, so sending
        # it again stores nothing new; a new ballot is one deliberate tap away.
        form = make_form(profile.code, field_choices, procedures)
        form.key.data = sent_key
        page = render_form(counter, profile, form, action=action, already_sent=True)
    else:
        key = ballot_tokens.issue(token, page_device_id())
        return ensure_device_cookie(counter_form_response(counter, profile, action=action, field_choices=field_choices,
                                                          procedures=procedures, key=key))  # fmt: skip
    return ensure_device_cookie(make_response(page))


#: shown with the answers kept when a form's ballot token cannot be taken
FORM_EXPIRED = ("Phiên khảo sát đã hết hạn hoặc trang không còn hợp lệ. Các câu trả lời của Ông/Bà vẫn được giữ "
                 "nguyên bên dưới: xin bấm “Gửi đánh giá” lần nữa.")  # fmt: skip


# CSRF is checked by the form itself (its csrf_token field), so that an expired
# session re-shows the citizen's answers with a message instead of a bare 400 page.
@bp.post("/s/<token>")
@csrf.exempt
@ip_limit
@device_limit
@retry_on_database_restart
def survey_submit(token: str):
    counter, profile, form = _load(token)
    action = url_for("public.survey_submit", token=token)
    if not form.validate():
        status = 400 if "csrf_token" in form.errors else 422
        return render_form(counter, profile, form, action=action), status
    try:
        issued = ballot_tokens.redeem(form.key.data, token, device_id())
    except ballot_tokens.TokenRefused:
        # not issued here, for this counter and browser, or too old: the answers come back with a new token
        form.key.data = ballot_tokens.issue(token, page_device_id())
        form.form_errors.append(FORM_EXPIRED)
        return ensure_device_cookie(make_response(render_form(counter, profile, form, action=action), 400))
    if counter.field is not None:
        field = counter.field
    else:
        field = next(f for f in counter.offered if f.code == form.field_code.data)
    ballot = ballot_from(form, profile, counter, field, channel="qr")
    ballot.key = issued.key
    if counter.token != token:  # sent from an officer's placard: the ballot carries who served
        officer = officers.from_placard(token)
        ballot.placard_officer_id = officer.id if officer else None
    try:
        _, created = submit_response(counter, ballot)
        db.session.commit()
    except InvalidSubmission as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return render_form(counter, profile, form, action=action), 422
    # Confirmed only now, after the commit. A retry or a second copy of the ballot (same token,
    # even at the same moment on another connection) lands here again, stored once.
    g.ballot_resent = not created
    _remember_sent(token, form.key.data)
    return redirect(url_for("public.thanks", token=token), code=303)


@bp.get("/s/<token>/cam-on")
def thanks(token: str):
    counter = _counter(token)
    # sent_path: the form's path, whose draft in the browser (static/form.js) is now sent
    return render_template("public/thanks.html", counter=counter, sent_path=url_for("public.survey_form", token=token))


@bp.get("/bao-mat")
def privacy():
    """The full privacy notice the form's one line links to."""
    return render_template("public/privacy.html")


@bp.app_errorhandler(429)
def too_many_requests(_error):
    # Nothing of the refused request is kept, and the page says only to wait.
    db.session.rollback()
    return render_template("public/429.html"), 429
