"""Rendering the citizen's form, with what every citizen sees alike rendered once.

Rendering the ~200 radio buttons of a profile's questions through WTForms is most of
the cost of a form page, and a fresh form is the same for every citizen at a counter
but for two hidden values: the idempotency key and the CSRF token. So:

- the questions block is rendered once per profile and process (``blank_questions``),
  and embedded in every fresh page, the receipt-code pages too;
- the whole fresh page of a QR counter is rendered once per counter (as the
  form reads it, ``CounterView``) and process, then served with the two values
  put in place (``counter_form_response``): a form request costs no template work, and a
  gzip page no compression (its pieces are deflated once, the two values joined in as stored
  blocks).
"""

from __future__ import annotations

import secrets
import struct
import threading
import zlib
from dataclasses import dataclass

from flask import Response, current_app, make_response, render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from analysis.profile import respondent_questions
from survey.public.clients import has_no_device
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
                questions_html: Markup | None = None, kiosk: dict | None = None, inline_css: bool = False) -> str:  # fmt: skip
    """The form page as it stands (answers given, errors); ``inline_css``: the stylesheet in the page."""
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
        inline_css=inline_css,
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


#: cut pages kept per process: each holds the page without its questions block (a few KB, the
#: block is shared), so a province's thousands of counters fit
_MAX_PAGES = 5_000
_KEY_MARK = "sipas-key-mark-e1f3a9"
_QUESTIONS_MARK = "sipas-questions-mark-7c2d40"


def _deflated(text: str, *, final: bool = False, level: int = 9) -> bytes:
    """``text`` as raw deflate blocks ending on a byte boundary, so compressed pieces can be joined."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(text.encode()) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _stored_block(data: bytes) -> bytes:
    """``data`` as one uncompressed, non-final deflate block (RFC 1951, 3.2.4): what varies per page."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # RFC 1952: deflate, no name, no time, OS unknown


@dataclass(frozen=True)
class _CutPage:
    """A fresh page cut where the CSRF token and the key go, and around the (shared) questions block;
    each piece also deflated once, so that a gzip page costs no compression per request."""

    text: tuple[str, str, str, str]  # before the token | before the key | before the questions | after them
    raw: tuple[bytes, bytes, bytes, bytes]
    #: before the token | before the key | the rest, questions included (one piece: it compresses best whole)
    deflated: tuple[bytes, bytes, bytes]

    @classmethod
    def cut(cls, html: str, token: str, questions: str) -> _CutPage | None:
        if html.count(token) != 1 or html.count(_KEY_MARK) != 1 or html.count(_QUESTIONS_MARK) != 1:
            return None
        head, rest = html.split(token)
        middle, rest = rest.split(_KEY_MARK)
        before, after = rest.split(_QUESTIONS_MARK)
        text = (head, middle, before, after)
        deflated = (_deflated(head), _deflated(middle), _deflated(before + questions + after, final=True))
        return cls(text, tuple(t.encode() for t in text), deflated)  # fmt: skip

    def html(self, questions: str, token: str, key: str) -> str:
        head, middle, before, after = self.text
        return "".join((head, token, middle, key, before, questions, after))

    def gzip(self, questions: bytes, token: str, key: str) -> bytes:
        """The same page as ``html``, gzip-encoded: the pieces deflated once, the token and key stored as they are."""
        token_b, key_b = token.encode(), key.encode()
        crc = 0
        for piece in (self.raw[0], token_b, self.raw[1], key_b, self.raw[2], questions, self.raw[3]):
            crc = zlib.crc32(piece, crc)
        size = sum(map(len, self.raw)) + len(token_b) + len(key_b) + len(questions)
        head, middle, rest = self.deflated
        return b"".join((_GZIP_HEADER, head, _stored_block(token_b), middle, _stored_block(key_b), rest,
                         struct.pack("<II", crc, size & 0xFFFFFFFF)))  # fmt: skip


_encoded_questions: dict[str, bytes] = {}


def _questions(profile) -> bytes:
    """The blank questions block as UTF-8 (once per profile and process)."""
    with _lock:
        found = _encoded_questions.get(profile.code)
    if found is None:
        found = str(blank_questions(profile)).encode()
        with _lock:
            _encoded_questions[profile.code] = found
    return found


def _page_parts(counter, profile, action: str, field_choices, procedures, inline_css: bool) -> _CutPage | None:
    """Render a fresh page once, and cut it (None if it cannot be cut)."""
    form = make_form(profile.code, field_choices, procedures, with_questions=False)
    form.key.data = _KEY_MARK
    questions = Markup(_QUESTIONS_MARK)  # noqa: S704 (a constant)
    html = render_form(counter, profile, form, action=action, questions_html=questions, inline_css=inline_css)
    # generate_csrf(): the token the page was just rendered with (kept for the request)
    return _CutPage.cut(html, generate_csrf(), str(blank_questions(profile)))


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def counter_form_response(counter, profile, *, action: str, field_choices, procedures, key: str) -> Response:
    """The fresh form page of a QR counter (a ``CounterView``), with ``key`` (its ballot token) and this session's CSRF token.

    The same page ``blank_form_page`` renders, from a copy cut once per counter and process;
    a counter whose name, unit or fields changed is a different ``CounterView``, so a new page.
    A browser that takes gzip (every phone) gets it joined from pieces compressed once: the
    page costs neither template work nor compression per request.
    """
    # per app (its config and URLs are in the page): (counter view, profile, action) → the page cut
    pages: dict[tuple, _CutPage] = current_app.extensions.setdefault("sipas_form_pages", {})
    # A browser's first visit (no device cookie yet) gets the stylesheet inside the page: on a slow
    # phone network the first paint then waits for one round trip, not two. The page's Link header
    # preloads the stylesheet all the same, so later visits (cookie set) link it from the cache.
    inline_css = has_no_device()
    cache_key = (counter, profile.code, action, inline_css)
    with _lock:
        parts = pages.get(cache_key)
    if parts is None:
        parts = _page_parts(counter, profile, action, field_choices, procedures, inline_css)
        if parts is None:  # a token or key that the markup changed: render as usual
            return make_response(blank_form_page(counter, profile, action=action, field_choices=field_choices,
                                                 procedures=procedures, key=key))  # fmt: skip
        with _lock:
            if len(pages) >= _MAX_PAGES:
                pages.clear()
            pages[cache_key] = parts
    token = generate_csrf()
    if not _accepts_gzip():
        response = make_response(parts.html(str(blank_questions(profile)), token, key))
    else:
        response = make_response(parts.gzip(_questions(profile), token, key))
        response.mimetype = "text/html"
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
