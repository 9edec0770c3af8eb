"""The kiosk at the counter: one tablet, a queue of citizens, and a network that comes and goes."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from analysis.profile import load_profile
from survey.extensions import db
from survey.models import Counter, Response
from survey.services import counters as counter_service
from tests.conftest import axe_violations, full_answers, hidden_fields

ITEMS = load_profile().item_codes


@pytest.fixture
def kiosk(app, make_counter):
    """A counter with a kiosk: (counter, kiosk token)."""
    counter = make_counter()
    with app.app_context():
        token = counter_service.new_kiosk_token(db.session.get(Counter, counter.id))
        db.session.commit()
    return counter, token


def _ballot(i: int) -> dict[str, str]:
    """Citizen ``i``'s answers: twenty different vectors (i in base 5 over the first items)."""
    answers = full_answers(value=4)
    for position in range(3):
        answers[f"q_{ITEMS[position]}"] = str((i // 5**position) % 5 + 1)
    return {**answers, "field_code": "HT"}


def _wait(page, expression: str, seconds: float) -> None:
    """Poll ``expression`` in the page until true (page.wait_for_function evaluates strings, which the CSP forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, expression
        page.wait_for_timeout(200)


def _stored(app) -> list[Response]:
    with app.app_context():
        rows = db.session.scalars(select(Response).order_by(Response.id)).all()
        db.session.expunge_all()
        return rows


def test_twenty_citizens_in_a_row_raise_no_flag_but_a_burst_does(app, client, kiosk):
    counter, token = kiosk
    page = client.get(f"/k/{token}")
    assert page.status_code == 200 and "sipas_tb" not in page.headers.get("Set-Cookie", "")
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' not in html and 'class="kiosk"' in html
    for i in range(20):
        key = hidden_fields(client.get(f"/k/{token}").get_data(as_text=True))["key"]
        response = client.post(f"/k/{token}", data={"key": key, **_ballot(i)})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/k/{token}/cam-on")
    stored = _stored(app)
    assert len(stored) == 20 and {r.channel for r in stored} == {"kiosk"}
    assert [r.flags for r in stored] == [None] * 20  # 20 > TRUST_RATE_PER_MINUTE (6): no "rate", no "device"
    # four identical ballots in a row: the fourth is a burst (TRUST_BURST_SIZE = 4)
    for _ in range(4):
        key = hidden_fields(client.get(f"/k/{token}").get_data(as_text=True))["key"]
        assert client.post(f"/k/{token}", data={"key": key, **_ballot(99)}).status_code == 303
    assert [r.flags for r in _stored(app)[20:]] == [None, None, None, "burst"]


def test_the_same_ballots_by_qr_from_one_phone_are_flagged(app, client, make_counter):
    """What the kiosk is spared: one browser sending many ballots through the QR form."""
    counter = make_counter()
    for i in range(5):  # RATELIMIT_PER_DEVICE: 5 a minute
        hidden = hidden_fields(client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True))
        assert client.post(f"/s/{counter.token}", data={**hidden, **_ballot(i)}).status_code == 303
    assert [r.flags for r in _stored(app)] == [None] + ["device"] * 4


def test_a_revoked_kiosk_url_stops_working(app, client, kiosk):
    counter, token = kiosk
    with app.app_context():
        counter_service.revoke_kiosk(db.session.get(Counter, counter.id))
        db.session.commit()
    assert client.get(f"/k/{token}").status_code == 404
    assert client.post(f"/k/{token}", data={"key": "k" * 24, **_ballot(1)}).status_code == 404


@pytest.mark.browser
def test_kiosk_queues_ballots_offline_and_sends_each_once(app, browser, live_server, kiosk, axe_source):
    counter, token = kiosk
    app.config.update(KIOSK_THANKS_SECONDS=1, KIOSK_IDLE_SECONDS=2)
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/k/{token}")
        assert axe_violations(page, axe_source) == []

        def answer(level: int) -> None:
            page.locator("#cau-field_code label").first.click()
            for code in ITEMS:
                page.locator(f"#cau-q_{code} label").nth(level - 1).click()

        # online and incomplete: the server says what is missing, as without JavaScript
        page.locator(f"#cau-q_{ITEMS[0]} label").nth(1).click()
        page.get_by_role("button", name="Gửi đánh giá").click()
        page.locator("#tom-tat-loi").wait_for()
        assert page.title().startswith("Lỗi:")
        # then complete: confirmed by the server, and a fresh form by itself (nothing left of the errors)
        answer(5)
        page.get_by_role("button", name="Gửi đánh giá").click()
        expect(page.locator("#ket-qua-tieu-de")).to_have_text("Cảm ơn Ông/Bà! Phiếu đã được ghi nhận.")
        page.locator("#phieu").wait_for(state="visible")
        expect(page.locator("#tien-do")).to_have_text("Đã trả lời 0/16")
        assert page.locator("#tom-tat-loi, .invalid").count() == 0 and not page.title().startswith("Lỗi:")

        # the network drops: two citizens answer, nothing is claimed as recorded
        context.set_offline(True)
        keys = []
        for level in (3, 4):
            answer(level)
            keys.append(page.locator("input[name=key]").input_value())
            page.get_by_role("button", name="Gửi đánh giá").click()
            expect(page.locator("#ket-qua-tieu-de")).to_have_text("Cảm ơn Ông/Bà! Phiếu sẽ được gửi khi có mạng.")
            expect(page.locator("#ket-qua-cho")).to_have_text(f"Đang chờ gửi: {len(keys)} phiếu.")
            page.locator("#phieu").wait_for(state="visible")
        assert len(set(keys)) == 2 and len(_stored(app)) == 1

        # a half-filled form left idle is cleared for the next citizen
        page.locator(f"#cau-q_{ITEMS[0]} label").first.click()
        _wait(page, "!document.querySelector('#phieu input:checked')", 10)

        queued = page.evaluate("JSON.parse(localStorage.getItem('cho:' + location.pathname))")
        assert [q["k"] for q in queued] == keys
        # back online: the queue goes out, each ballot once, even when sent again
        context.set_offline(False)
        _wait(page, "JSON.parse(localStorage.getItem('cho:' + location.pathname) || '[]').length === 0", 20)
        stored = _stored(app)
        # the stored key is the random part of each signed ballot token (survey/services/ballot_tokens.py)
        assert sorted(r.response_key for r in stored[1:]) == sorted(k[:24] for k in keys)
        assert [r.answer("A1") for r in stored] == [5, 3, 4] and {r.flags for r in stored} == {None}
        resend = page.evaluate(
            """async item => (await fetch(item.a, {method: 'POST', redirect: 'manual',
                                                   body: new URLSearchParams(item.b)})).type""",
            queued[0],
        )
        assert resend == "opaqueredirect" and len(_stored(app)) == 3
    finally:
        context.close()


@pytest.mark.browser
def test_receipt_entry_is_accessible(browser, live_server, axe_source):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/r")
    assert axe_violations(page, axe_source) == []
    box = page.locator("#ma").bounding_box()
    assert box["height"] >= 44
    assert page.locator("#ma").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 18
    page.locator("#ma").fill("ABCD-12")
    page.get_by_role("button", name="Tiếp tục").click()
    assert page.locator("#ma").input_value() == "ABCD-12"  # kept after the error
    assert axe_violations(page, axe_source) == []
    context.close()
