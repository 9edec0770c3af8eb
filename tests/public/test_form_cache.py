"""The blank questions are rendered once per profile; the page is the one a full render gives."""

from __future__ import annotations

import gzip

from analysis.profile import load_profile
from survey.extensions import db
from survey.models import Counter, Unit
from survey.public.forms import make_form
from survey.public.rendering import render_form
from tests.conftest import full_answers, hidden_fields


def _without_hidden(page: str) -> str:
    hidden = hidden_fields(page)
    return page.replace(hidden["key"], "").replace(hidden["csrf_token"], "")


def test_blank_page_is_what_a_full_render_gives(app, client, make_counter):
    counter = make_counter()
    first = client.get(f"/s/{counter.token}").get_data(as_text=True)  # no device cookie yet: stylesheet inside
    later = client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)  # the cookie is set: stylesheet linked
    with app.test_request_context(), app.app_context():
        row = db.session.get(Counter, counter.id)
        profile = load_profile(app.config["DEFAULT_PROFILE"])
        form = make_form(profile.code, [(f.code, f.name) for f in row.unit.fields], [])
        form.key.data = "k" * 24
        full = {inline: render_form(row, profile, form, action=f"/s/{counter.token}", inline_css=inline)
                for inline in (True, False)}  # fmt: skip
    assert _without_hidden(first) == _without_hidden(full[True]) and "<style>/*" in first
    assert _without_hidden(later) == _without_hidden(full[False]) and "<style>/*" not in later


def test_each_citizen_gets_fresh_hidden_values(app, client, make_counter):
    counter = make_counter()
    first = client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)
    second = client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)
    other = app.test_client().get(f"/s/{counter.token}").get_data(as_text=True)
    assert len({hidden_fields(page)["key"] for page in (first, second, other)}) == 3
    assert hidden_fields(other)["csrf_token"] != hidden_fields(first)["csrf_token"]
    assert _without_hidden(first) == _without_hidden(other)
    data = {**hidden_fields(second), **full_answers(), "field_code": "HT"}
    assert client.post(f"/s/{counter.token}", data=data).status_code == 303


def test_renamed_counter_or_unit_shows_at_once(app, client, make_counter):
    counter = make_counter()
    assert "Quầy số 1" in client.get(f"/s/{counter.token}").get_data(as_text=True)
    with app.app_context():
        db.session.get(Counter, counter.id).name = "Quầy Đất đai"
        db.session.get(Unit, counter.unit_id).name = "UBND xã Bình Thạnh (mới)"
        db.session.commit()
    page = client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)
    assert "Quầy Đất đai" in page and "UBND xã Bình Thạnh (mới)" in page


def test_gzip_page_is_the_same_page_and_takes_a_ballot(app, client, make_counter):
    # A phone asks for gzip: the page is joined from pieces compressed once, with its own hidden values
    # put in; Python's gzip module checks the stream, its CRC and its length.
    counter = make_counter()
    client.get(f"/s/{counter.token}")  # a first visit: the device cookie is set (later pages link the stylesheet)
    plain = client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)
    response = client.get(f"/s/{counter.token}?moi=1", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    page = gzip.decompress(response.get_data()).decode()
    assert _without_hidden(page) == _without_hidden(plain)
    assert hidden_fields(page)["key"] != hidden_fields(plain)["key"]
    data = {**hidden_fields(page), **full_answers(), "field_code": "HT"}
    assert client.post(f"/s/{counter.token}", data=data).status_code == 303
