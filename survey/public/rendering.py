"""Rendering the citizen's form, with the blank form rendered once per counter.

The blank form is the same page for every citizen at a counter except for two
hidden values (the CSRF token and the idempotency key), and rendering its ~200
radio buttons through WTForms is four fifths of the cost of a form request. So the
blank page is rendered once with two slots and the values are put in per request.
The cache key holds everything the page shows, so a renamed counter or unit, a
changed field or procedure list is a new entry, never a stale page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, render_template

from analysis.profile import respondent_questions

_CSRF_SLOT = "csrf-slot-5b1e9c"
_KEY_SLOT = "key-slot-5b1e9c"
#: blank pages kept per process (a page is ~60 kB)
CACHE_SIZE = 128

_blank_pages: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def _open_sections(form, profile) -> set[str]:
    """Optional sections that hold an error, so they are shown unfolded."""
    sections = {
        "general": [f"q_{c}" for c in profile.general_codes],
        "perception": [f"q_{c}" for c in profile.perception_codes],
        "expectations": [f"q_{c}" for c in profile.expectation_codes],
        "respondent": [f"r_{q.code}" for q in respondent_questions()],
    }
    return {name for name, fields in sections.items() if any(f in form.errors for f in fields)}


def render_form(counter, profile, form, *, action: str, fixed_field=None, already_sent: bool = False) -> str:
    """The form page as it stands (answers given, errors)."""
    return render_template(
        "public/form.html",
        counter=counter,
        profile=profile,
        form=form,
        respondent=respondent_questions(),
        open_sections=_open_sections(form, profile),
        already_sent=already_sent,
        action=action,
        fixed_field=fixed_field,
    )


def _choices(form, name: str) -> tuple:
    return tuple((c.value, c.label) for c in form[name].choices) if name in form else ()


def render_blank_form(counter, profile, form, *, action: str, fixed_field=None) -> str:
    """The page of a fresh form (no answers, no errors), from the per-counter cache."""
    unit = counter.unit
    shown = fixed_field or counter.field
    key = (profile.code, action, counter.name, unit.name, unit.is_sample, shown.name if shown else None,
           _choices(form, "field_code"), _choices(form, "procedure_code"),
           current_app.config["COMMENT_MAX_LENGTH"])  # fmt: skip
    with _lock:
        page = _blank_pages.get(key)
        if page is not None:
            _blank_pages.move_to_end(key)
    if page is None:
        csrf_token, form_key = form.csrf_token.current_token, form.key.data
        form.csrf_token.current_token, form.key.data = _CSRF_SLOT, _KEY_SLOT
        page = render_form(counter, profile, form, action=action, fixed_field=fixed_field)
        form.csrf_token.current_token, form.key.data = csrf_token, form_key
        with _lock:
            _blank_pages[key] = page
            while len(_blank_pages) > CACHE_SIZE:
                _blank_pages.popitem(last=False)
    return page.replace(_CSRF_SLOT, form.csrf_token.current_token, 1).replace(_KEY_SLOT, form.key.data, 1)
