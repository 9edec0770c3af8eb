"""The kiosk: a tablet on a stand at the counter, one citizen after another (channel ``kiosk``).

Opened by the counter's own kiosk token (``/k/<token>``), which an administrator makes,
prints and revokes on the counters page. The page is the same short form in large type;
after a confirmed send it thanks and comes back to a fresh form by itself. Its script
(static/form.js) clears a half-filled form left idle, and keeps ballots the network did
not take in the browser, sending them again with their keys (so each is stored once).

The tablet is one browser serving many citizens: no device cookie is set or read, and the
trust checks leave out ``device`` and ``rate`` for it (survey.services.trust) while
``burst`` still applies. No CSRF token either: the token in the URL is the kiosk's
authority, and a queued ballot may be sent long after the page's session ended.
"""

from __future__ import annotations

import dataclasses

from flask import abort, current_app, redirect, render_template, request, url_for

from analysis.profile import load_profile
from survey.extensions import csrf, db, limiter
from survey.public import bp
from survey.public.forms import make_form
from survey.public.rendering import blank_form_page, render_form
from survey.public.views import FORM_EXPIRED, ballot_from, form_choices, ip_limit, retry_on_database_restart
from survey.services import ballot_tokens, counters
from survey.services.errors import InvalidSubmission
from survey.services.responses import submit_response

#: fresh ballot tokens each kiosk page brings, for the ballots taken while the network is down
SPARE_KEYS = 20
#: what a kiosk's ballot tokens are bound to instead of a device cookie: the tablet has none
KIOSK_DEVICE = "kiosk"

kiosk_limit = limiter.limit(lambda: current_app.config["RATELIMIT_PER_COUNTER"],
                            key_func=lambda: "kiosk:" + request.view_args["token"],
                            deduct_when=lambda response: response.status_code == 303)  # fmt: skip


def _counter(token: str):
    counter = counters.kiosk_view(token)
    if counter is None:
        abort(404)
    return counter


def _issue(token: str) -> str:
    # signed for this kiosk ("k:" keeps the kiosk's tokens apart from the counter's QR forms)
    return ballot_tokens.issue("k:" + token, KIOSK_DEVICE)


def _kiosk(token: str, with_keys: bool = True) -> dict:
    config = current_app.config
    return {"home": url_for("public.kiosk_form", token=token), "idle": config["KIOSK_IDLE_SECONDS"],
            "thanks": config["KIOSK_THANKS_SECONDS"],
            "spare": [_issue(token) for _ in range(SPARE_KEYS)] if with_keys else []}  # fmt: skip


@bp.get("/k/<token>")
@ip_limit
@retry_on_database_restart
def kiosk_form(token: str):
    counter = _counter(token)
    profile = load_profile(current_app.config["DEFAULT_PROFILE"])
    field_choices, procedures = form_choices(counter, counter.field)
    return blank_form_page(counter, profile, action=url_for("public.kiosk_submit", token=token),
                           field_choices=field_choices, procedures=procedures, key=_issue(token),
                           kiosk=_kiosk(token))  # fmt: skip


@bp.post("/k/<token>")
@csrf.exempt
@ip_limit
@kiosk_limit
@retry_on_database_restart
def kiosk_submit(token: str):
    counter = _counter(token)
    profile = load_profile(current_app.config["DEFAULT_PROFILE"])
    form = make_form(profile.code, *form_choices(counter, counter.field), csrf=False)
    action = url_for("public.kiosk_submit", token=token)
    if not form.validate():
        return render_form(counter, profile, form, action=action, kiosk=_kiosk(token, with_keys=False)), 422
    try:
        issued = ballot_tokens.redeem(form.key.data, "k:" + token, KIOSK_DEVICE)
    except ballot_tokens.TokenRefused:
        # not issued for this kiosk, or older than BALLOT_TOKEN_HOURS: no resend can change that
        form.key.data = _issue(token)
        form.form_errors.append(FORM_EXPIRED)
        return render_form(counter, profile, form, action=action, kiosk=_kiosk(token, with_keys=False)), 400
    field = counter.field or next(f for f in counter.offered if f.code == form.field_code.data)
    # one tablet, many citizens: no device hash (the trust checks know the channel)
    ballot = dataclasses.replace(ballot_from(form, profile, counter, field, channel="kiosk"), device_hash=None,
                                 key=issued.key)  # fmt: skip
    try:
        submit_response(counter, ballot)
        db.session.commit()
    except InvalidSubmission as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return render_form(counter, profile, form, action=action, kiosk=_kiosk(token, with_keys=False)), 422
    return redirect(url_for("public.kiosk_thanks", token=token), code=303)


@bp.get("/k/<token>/cam-on")
def kiosk_thanks(token: str):
    counter = _counter(token)
    return render_template("public/thanks.html", counter=counter, kiosk_home=url_for("public.kiosk_form", token=token))
