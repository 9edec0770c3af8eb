"""Rendering the citizen's form, with what every citizen sees alike rendered once.

Rendering the ~200 radio buttons of a profile's questions through WTForms is most of
the cost of a form page, and a fresh form is the same for every citizen at a counter
but for two hidden values: the idempotency key and the CSRF token. So:

- the questions block is rendered once per profile and process (``blank_questions``),
  and embedded in every fresh page, the receipt-code pages too;
- the whole fresh page of a QR counter is rendered once per counter (as the
  form reads it, ``CounterView``) and process, then served with the two values
  put in place (``counter_form_page``): a form request costs no template work.
"""

from __future__ import annotations

import secrets
import threading

from flask import current_app, render_template
from flask_wtf.csrf import generate_csrf
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
                questions_html: Markup | None = None, kiosk: dict | None = None) -> str:  # fmt: skip
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
        kiosk=kiosk,
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


def blank_form_page(counter, profile, *, action: str, field_choices, procedures, fixed_field=None,
                    key: str | None = None, kiosk: dict | None = None) -> str:  # fmt: skip
    """The page of a fresh form with ``key`` (a new random idempotency key by default).

    ``field_choices`` and ``procedures`` are what ``make_form`` takes; ``kiosk`` what the
    kiosk's script needs (its home URL, idle and thank-you seconds, spare keys).
    """
    form = make_form(profile.code, field_choices, procedures, with_questions=False, csrf=kiosk is None)
    form.key.data = key or secrets.token_urlsafe(18)
    return render_form(counter, profile, form, action=action, fixed_field=fixed_field,
                       questions_html=blank_questions(profile), kiosk=kiosk)  # fmt: skip


_MAX_PAGES = 2_000
_KEY_MARK = "sipas-key-mark-e1f3a9"


def _page_parts(counter, profile, action: str, field_choices, procedures) -> tuple[str, str, str] | None:
    """Render a fresh page once, and cut it around its CSRF token and key (None if it cannot be cut)."""
    form = make_form(profile.code, field_choices, procedures, with_questions=False)
    form.key.data = _KEY_MARK
    html = render_form(counter, profile, form, action=action, questions_html=blank_questions(profile))
    token = generate_csrf()  # the value the page was just rendered with (kept for the request)
    if html.count(token) != 1 or html.count(_KEY_MARK) != 1:
        return None
    head, rest = html.split(token)
    middle, tail = rest.split(_KEY_MARK)
    return head, middle, tail


def counter_form_page(counter, profile, *, action: str, field_choices, procedures, key: str) -> str:
    """The fresh form page of a QR counter (a ``CounterView``), with ``key`` (its ballot token) and this session's CSRF token.

    The same page ``blank_form_page`` renders, from a copy cut once per counter and process;
    a counter whose name, unit or fields changed is a different ``CounterView``, so a new page.
    """
    # per app (its config and URLs are in the page): (counter view, profile, action) → the page cut
    # where the CSRF token and the key go
    pages: dict[tuple, tuple[str, str, str]] = current_app.extensions.setdefault("sipas_form_pages", {})
    cache_key = (counter, profile.code, action)
    with _lock:
        parts = pages.get(cache_key)
    if parts is None:
        parts = _page_parts(counter, profile, action, field_choices, procedures)
        if parts is None:  # a token or key that the markup changed: render as usual
            return blank_form_page(counter, profile, action=action, field_choices=field_choices,
                                   procedures=procedures, key=key)  # fmt: skip
        with _lock:
            if len(pages) >= _MAX_PAGES:
                pages.clear()
            pages[cache_key] = parts
    head, middle, tail = parts
    return "".join((head, generate_csrf(), middle, key, tail))
