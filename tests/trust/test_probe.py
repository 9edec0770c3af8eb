"""The probe's stuffing and blocking findings (issue 16), each as it was reproduced."""

from __future__ import annotations

import secrets
import time

from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import FeedbackItem
from tests.conftest import hidden_fields
from tests.trust.conftest import answers, send, stored


def _page(client, counter, new=True) -> dict[str, str]:
    page = client.get(f"/s/{counter.token}" + ("?moi=1" if new else ""))
    assert page.status_code == 200
    return hidden_fields(page.get_data(as_text=True))


def test_cookieless_stuffing_script_stores_nothing_counted(app, clock, phone, make_counter):
    counter = make_counter()
    script = phone("203.0.113.66")
    hidden = _page(script, counter)  # load the form once, keep its CSRF token …
    script.delete_cookie("sipas_tb")  # … and drop the device cookie
    statuses = []
    for i in range(30):  # random keys, as the probe sent them
        data = {**hidden, **answers(seed=i), "field_code": "HT", "key": secrets.token_urlsafe(18)}
        statuses.append(script.post(f"/s/{counter.token}", data=data).status_code)
    assert statuses == [400] * 30  # "phiên đã hết hạn": the key is no ballot token
    assert stored(app) == []
    # the same, opening a fresh form for each ballot but never sending the cookie back
    for i in range(5):
        data = {**_page(script, counter), **answers(seed=100 + i), "field_code": "HT"}
        script.delete_cookie("sipas_tb")
        assert script.post(f"/s/{counter.token}", data=data).status_code == 303
    rows = stored(app)
    assert len(rows) == 5 and all(r["is_excluded"] and "cookie" in r["flags"].split(",") for r in rows)


def test_refused_token_keeps_the_answers_with_a_fresh_token(app, clock, phone, make_counter):
    counter = make_counter()
    citizen = phone()
    real = TimestampSigner.get_timestamp
    # the form was opened 13 hours ago (BALLOT_TOKEN_HOURS = 12)
    TimestampSigner.get_timestamp = lambda self: int(time.time()) - 13 * 3600
    try:
        hidden = _page(citizen, counter)
    finally:
        TimestampSigner.get_timestamp = real
    data = {**hidden, **answers(seed=3), "field_code": "HT", "comment": "Giữ lại giúp tôi"}
    refused = citizen.post(f"/s/{counter.token}", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Phiên khảo sát đã hết hạn" in html and "Giữ lại giúp tôi" in html
    fresh = hidden_fields(html)["key"]
    assert fresh != hidden["key"]
    assert citizen.post(f"/s/{counter.token}", data={**data, "key": fresh}).status_code == 303
    assert len(stored(app)) == 1


def test_a_token_is_bound_to_its_counter_and_browser(app, clock, phone, make_unit, make_counter):
    unit = make_unit()
    counter, other = make_counter(unit=unit), make_counter(unit=unit)
    citizen = phone()
    hidden = _page(citizen, counter)
    data = {**hidden, **answers(seed=1), "field_code": "HT"}
    assert citizen.post(f"/s/{other.token}", data=data).status_code == 400
    thief = phone()
    _page(thief, counter)  # has its own device cookie (and CSRF session)
    thief.set_cookie("session", citizen.get_cookie("session").value)
    assert thief.post(f"/s/{counter.token}", data=data).status_code == 400
    assert stored(app) == []


def test_resend_same_answers_303_different_answers_clear_message(app, clock, phone, make_counter):
    counter = make_counter()
    citizen = phone()
    data = {**_page(citizen, counter), **answers(seed=1), "field_code": "HT"}
    for _ in range(8):  # resends do not count against the device limit (5/minute)
        assert citizen.post(f"/s/{counter.token}", data=data).status_code == 303
    changed = citizen.post(f"/s/{counter.token}", data={**data, **answers(seed=2)})
    assert changed.status_code == 422
    assert "đã được gửi trước đó với các câu trả lời khác" in changed.get_data(as_text=True)
    assert len(stored(app)) == 1
    # and the phone can still send a new ballot
    assert send(citizen, counter, answers(seed=3)).status_code == 303


def test_thirty_ballots_from_one_client_never_stop_another(app, clock, phone, make_counter, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PER_DEVICE", "1000/minute")  # a stuffer with one phone
    counter = make_counter()
    stuffer = phone("203.0.113.5")
    for i in range(30):
        send(stuffer, counter, answers(seed=i))
    honest = send(phone("198.51.100.20"), counter, answers(seed=99))
    assert honest.status_code == 303  # stored, never refused (the probe: 429 for the rest of the minute)
    rows = stored(app)
    # within that minute the counter's "rate" flag still marks it for review; nothing about its own source does
    assert len(rows) == 31 and rows[-1]["flags"] in (None, "rate")
    # the stuffer's extra ballots are flagged instead (device, rate, address)
    assert sum(r["is_excluded"] for r in rows[:30]) >= 29


def test_one_address_sending_many_ballots_to_a_counter_is_flagged(app, clock, phone, make_counter, monkeypatch):
    monkeypatch.setitem(app.config, "TRUST_ADDRESS_PER_HOUR", 3)
    counter = make_counter()
    for i in range(4):  # four phones behind one address, a minute apart
        send(phone("203.0.113.9"), counter, answers(seed=i))
        clock.advance(minutes=1)
    flags = [r["flags"] for r in stored(app)]
    assert flags[:3] == [None, None, None] and flags[3] == "address"
    assert send(phone("203.0.113.10"), counter, answers(seed=9)).status_code == 303
    assert stored(app)[-1]["flags"] is None


def test_receipt_guessing_never_refuses_a_valid_code(app, clock, phone, make_counter, monkeypatch):
    from survey.models import Counter
    from survey.services import receipts

    monkeypatch.setitem(app.config, "RATELIMIT_RECEIPT_MISS", "3/minute")
    counter = make_counter(field_code="HT")
    with app.app_context():
        code = receipts.issue(db.session.get(Counter, counter.id), 1, now=clock.now)[0].code
        db.session.commit()
    hall = phone("192.0.2.80")
    assert [hall.get(f"/r/AAAA222{i}").status_code for i in range(5)] == [404, 404, 404, 429, 429]
    assert hall.get(f"/r/{code}").status_code == 200  # the same address, a real code: taken


def test_ipv6_addresses_are_limited_per_64(app, phone, make_counter, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PER_ADDRESS", "2/minute")
    counter = make_counter()
    assert phone("2001:db8:1:2::1").get(f"/s/{counter.token}").status_code == 200
    assert phone("2001:db8:1:2::2").get(f"/s/{counter.token}").status_code == 200
    assert phone("2001:db8:1:2:ffff:ffff:ffff:ffff").get(f"/s/{counter.token}").status_code == 429
    assert phone("2001:db8:1:3::1").get(f"/s/{counter.token}").status_code == 200


def test_burst_does_not_exclude_an_honest_identical_ballot_and_complaints_are_raised(app, clock, phone, make_counter):
    counter = make_counter()
    stuffer = phone("203.0.113.40")
    for _ in range(3):  # three all-1 ballots from one phone
        send(stuffer, counter, answers(value=1))
    honest = phone("198.51.100.41")
    send(honest, counter, answers(value=1))
    rows = stored(app)
    assert rows[-1]["flags"] is None and not rows[-1]["is_excluded"]
    # the stuffer's later ballots are flagged (device), and each still raised its complaint
    assert all(r["is_excluded"] for r in rows[1:3])
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackItem.id))) == 4
