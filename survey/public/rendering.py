"""Rendering the citizen's form, with the blank questions rendered once per profile.

Rendering the ~200 radio buttons of a profile's questions through WTForms is four
fifths of the cost of a form request, and for a fresh form they are the same for
every counter and every citizen. So that block is rendered once per profile and
process; the page around it (counter, field question, hidden key and CSRF token) is
rendered per request.
"""

from __future__ import annotations

import secrets
import threading

from flask import render_template
from markupsafe import Markup

from analysis.profile import respondent_questions
from survey.public.forms import make_form

_blank_questions: dict[str, Markup] = {}
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


def render_form(counter, profile, form, *, action: str, fixed_field=None, already_sent: bool = False,
                questions_html: Markup | None = None) -> str:  # fmt: skip
    """The form page as it stands (answers given, errors)."""
    return render_template(
        "public/form.html",
        counter=counter,
        profile=profile,
        form=form,
        respondent=respondent_questions(),
        open_sections=_open_sections(form, profile) if questions_html is None else set(),
        already_sent=already_sent,
        action=action,
        fixed_field=fixed_field,
        questions_html=questions_html,
    )


def blank_questions(profile) -> Markup:
    """The questions of ``profile``, unanswered, as HTML (rendered once per process)."""
    with _lock:
        block = _blank_questions.get(profile.code)
    if block is None:
        form = make_form(profile.code, None, [])
        html = render_template("public/_questions.html", form=form, profile=profile,
                               respondent=respondent_questions(), open_sections=set())  # fmt: skip
        block = Markup(html)  # noqa: S704 (Jinja's own autoescaped output, marked safe to embed as is)
        with _lock:
            _blank_questions[profile.code] = block
    return block


def blank_form_page(counter, profile, *, action: str, field_choices, procedures, fixed_field=None) -> str:
    """The page of a fresh form with a new idempotency key.

    ``field_choices`` and ``procedures`` are what ``make_form`` takes.
    """
    form = make_form(profile.code, field_choices, procedures, with_questions=False)
    form.key.data = secrets.token_urlsafe(18)
    return render_form(counter, profile, form, action=action, fixed_field=fixed_field,
                       questions_html=blank_questions(profile))  # fmt: skip
