"""The receipt-code channel: ``/r/<code>`` opens the form a printed one-time code allows."""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from limits import parse_many

from analysis.profile import load_profile
from survey.extensions import csrf, db, limiter
from survey.public import bp
from survey.public.clients import client_address_key, ensure_device_cookie
from survey.public.forms import make_form
from survey.public.rendering import blank_form_page, render_form
from survey.public.views import ballot_from, device_limit, form_choices, ip_limit, retry_on_database_restart
from survey.services import receipts
from survey.services.errors import InvalidSubmission
from survey.services.responses import existing_response


def _guessing() -> bool:
    """Count an unknown code against the client address; True once the address tried too many.

    Only unknown codes are counted and refused, so a valid code is always taken, even from
    an address (a hall's Wi-Fi, a carrier's) where someone else guessed. A limiter outage
    refuses nothing.
    """
    try:
        items = parse_many(current_app.config["RATELIMIT_RECEIPT_MISS"])
        key = client_address_key()
        return not all([limiter.limiter.hit(item, "receipt-miss", key) for item in items])
    except Exception:  # noqa: BLE001 (RATELIMIT_SWALLOW_ERRORS: a storage outage must cost no ballot)
        current_app.logger.warning("rate-limit storage unavailable; receipt guessing not counted")
        return False


def _channel() -> str:
    # The small QR on the slip opens /r/<code>; typing the code on /r adds ?kenh=web.
    return "web" if request.args.get("kenh") == "web" else "qr"


def _web() -> str | None:
    """The query value that keeps the channel through the form's action (None: left out)."""
    return "web" if _channel() == "web" else None


def _load(code: str, with_form: bool = True):
    receipt = receipts.find(code)
    if receipt is None or not receipt.counter.is_active:
        return None
    counter = receipt.counter
    profile = load_profile(current_app.config["DEFAULT_PROFILE"])
    fixed_field = receipt.field or counter.field
    form = make_form(profile.code, *form_choices(counter, fixed_field)) if with_form else None
    return receipt, counter, profile, form, fixed_field


def _unavailable(receipt, state: str):
    return render_template("public/receipt_unavailable.html", counter=receipt.counter, state=state), 410


def _unknown():
    if _guessing():
        abort(429)
    return render_template("public/receipt_unknown.html"), 404


@bp.get("/r")
@bp.get("/r/")
@ip_limit
def receipt_entry():
    """A page to type the code printed on the slip."""
    raw = request.args.get("ma")
    if raw is None:
        return render_template("public/receipt_entry.html", error=None)
    code = receipts.normalise(raw)
    if code is None:
        return render_template("public/receipt_entry.html", error="format", typed=raw[:40]), 422
    return redirect(url_for("public.receipt_form", code=code, kenh="web"), code=303)


@bp.get("/r/<code>")
@ip_limit
@retry_on_database_restart
def receipt_form(code: str):
    loaded = _load(code, with_form=False)
    if loaded is None:
        return _unknown()
    receipt, counter, profile, _, fixed_field = loaded
    state = receipts.state(receipt)
    if state != "open":
        return _unavailable(receipt, state)
    field_choices, procedures = form_choices(counter, fixed_field)
    page = blank_form_page(counter, profile, action=url_for("public.receipt_submit", code=receipt.code, kenh=_web()),
                           field_choices=field_choices, procedures=procedures, fixed_field=fixed_field)  # fmt: skip
    return ensure_device_cookie(make_response(page))


@bp.post("/r/<code>")
@csrf.exempt
@ip_limit
@device_limit
@retry_on_database_restart
def receipt_submit(code: str):
    loaded = _load(code)
    if loaded is None:
        return _unknown()
    receipt, counter, profile, form, fixed_field = loaded
    thanks = redirect(url_for("public.receipt_thanks", code=receipt.code), code=303)
    state = receipts.state(receipt)
    if state != "open":
        # The same ballot sent again (double tap, retry) is already stored: confirm it again.
        if form.key.data and existing_response(form.key.data) is not None:
            return thanks
        return _unavailable(receipt, state)
    action = url_for("public.receipt_submit", code=receipt.code, kenh=_web())
    if not form.validate():
        status = 400 if "csrf_token" in form.errors else 422
        return render_form(counter, profile, form, action=action, fixed_field=fixed_field), status
    field = fixed_field or next(f for f in counter.offered if f.code == form.field_code.data)
    ballot = ballot_from(form, profile, counter, field, channel=_channel())
    try:
        receipts.submit(receipt, ballot)
        db.session.commit()
    except receipts.ReceiptUnavailable as exc:
        db.session.rollback()
        return _unavailable(receipt, exc.state)
    except InvalidSubmission as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return render_form(counter, profile, form, action=action, fixed_field=fixed_field), 422
    return thanks


@bp.get("/r/<code>/cam-on")
def receipt_thanks(code: str):
    receipt = receipts.find(code)
    if receipt is None:
        abort(404)
    return render_template("public/thanks.html", counter=receipt.counter,
                           sent_path=url_for("public.receipt_form", code=receipt.code))  # fmt: skip
