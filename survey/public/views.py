"""Thin views: parse the form, call one service, commit once."""

from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy.exc import IntegrityError

from analysis.profile import load_profile, respondent_questions
from survey.extensions import csrf, db
from survey.public import bp
from survey.public.forms import answers_from, make_form, respondent_from
from survey.services import counters
from survey.services.errors import InvalidSubmission
from survey.services.responses import Ballot, existing_response, submit_response


@bp.get("/")
def index():
    return render_template("public/index.html")


def _load(token: str):
    counter = counters.active_counter(token)
    if counter is None:
        abort(404)
    profile = load_profile(current_app.config["DEFAULT_PROFILE"])
    if counter.field is not None:
        field_choices, procedures = None, counter.field.procedures
    else:
        field_choices = [(f.code, f.name) for f in counter.unit.fields]
        procedures = []
    form = make_form(profile.code, field_choices, procedures)
    return counter, profile, form


def _open_sections(form, profile) -> set[str]:
    """Optional sections that hold an error, so they are shown unfolded."""
    sections = {
        "general": [f"q_{c}" for c in profile.general_codes],
        "perception": [f"q_{c}" for c in profile.perception_codes],
        "expectations": [f"q_{c}" for c in profile.expectation_codes],
        "respondent": [f"r_{q.code}" for q in respondent_questions()],
    }
    return {name for name, fields in sections.items() if any(f in form.errors for f in fields)}


def _render(counter, profile, form, status: int = 200, already_sent: bool = False):
    return (
        render_template(
            "public/form.html",
            counter=counter,
            profile=profile,
            form=form,
            respondent=respondent_questions(),
            open_sections=_open_sections(form, profile),
            already_sent=already_sent,
        ),
        status,
    )


#: how many counters' last keys a browser remembers (the session is a signed cookie)
REMEMBERED_KEYS = 5


def _remember_sent(token: str, key: str) -> None:
    sent = {t: k for t, k in session.get("sent", {}).items() if t != token}
    sent[token] = key
    session["sent"] = dict(list(sent.items())[-REMEMBERED_KEYS:])


@bp.get("/s/<token>")
def survey_form(token: str):
    counter, profile, form = _load(token)
    sent_key = session.get("sent", {}).get(token)
    if sent_key and request.args.get("moi") != "1":
        # Back after sending: the page comes again with the key already used, so sending
        # it again stores nothing new; a new ballot is one deliberate tap away.
        form.key.data = sent_key
        return _render(counter, profile, form, already_sent=True)
    form.key.data = secrets.token_urlsafe(18)
    return _render(counter, profile, form)


# CSRF is checked by the form itself (its csrf_token field), so that an expired
# session re-shows the citizen's answers with a message instead of a bare 400 page.
@bp.post("/s/<token>")
@csrf.exempt
def survey_submit(token: str):
    counter, profile, form = _load(token)
    if not form.validate():
        return _render(counter, profile, form, status=400 if "csrf_token" in form.errors else 422)
    fields_by_code = {f.code: f for f in counter.unit.fields}
    if counter.field is not None:
        field = counter.field
    else:
        field = fields_by_code[form.field_code.data]
    procedure = None
    if "procedure_code" in form and form.procedure_code.data:
        procedure = next(p for p in field.procedures if p.code == form.procedure_code.data)
    ballot = Ballot(
        key=form.key.data,
        profile=profile.code,
        unit_id=counter.unit_id,
        field_id=field.id,
        procedure_id=procedure.id if procedure else None,
        channel="qr",
        answers=answers_from(form, profile),
        respondent=respondent_from(form),
        comment=form.comment.data,
    )
    try:
        submit_response(counter, ballot)
        db.session.commit()
    except InvalidSubmission as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _render(counter, profile, form, status=422)
    except IntegrityError:
        # Two copies of one ballot raced (double tap on two connections): one was stored.
        db.session.rollback()
        if existing_response(ballot.key) is None:
            raise
    _remember_sent(token, ballot.key)
    return redirect(url_for("public.thanks", token=token), code=303)


@bp.get("/s/<token>/cam-on")
def thanks(token: str):
    counter = counters.active_counter(token)
    if counter is None:
        abort(404)
    return render_template("public/thanks.html", counter=counter)
