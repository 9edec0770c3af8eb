"""Rate limits that spare honest crowds: loose per address, tighter per phone; none per counter."""

from __future__ import annotations

from tests.conftest import hidden_fields
from tests.trust.conftest import answers, send, stored


def assert_polite_429(response) -> None:
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Xin Ông/Bà thử lại sau ít phút" in html and "không có dữ liệu nào được lưu lại" in html
    assert 'name="q_' not in html  # nothing of the refused ballot is echoed back


def test_one_phone_is_stopped_after_a_few_ballots(app, clock, phone, make_counter):
    counter = make_counter()
    stuffer = phone()
    statuses = [send(stuffer, counter, answers(seed=i)).status_code for i in range(5)]
    assert statuses == [303] * 5
    page = stuffer.get(f"/s/{counter.token}?moi=1")
    refused = stuffer.post(f"/s/{counter.token}", data={**hidden_fields(page.get_data(as_text=True)),
                                                         **answers(seed=9), "field_code": "HT"})  # fmt: skip
    assert_polite_429(refused)
    assert len(stored(app)) == 5
    # another phone on the same network is not held back
    assert send(phone(), counter, answers(seed=10)).status_code == 303


def test_mistakes_do_not_count_against_a_phone(app, clock, phone, make_counter):
    counter = make_counter()
    citizen = phone()
    hidden = hidden_fields(citizen.get(f"/s/{counter.token}").get_data(as_text=True))
    for _ in range(8):  # a form sent with a missing answer, again and again
        assert citizen.post(f"/s/{counter.token}", data={**hidden, "field_code": "HT"}).status_code == 422
    assert (
        citizen.post(f"/s/{counter.token}", data={**hidden, **answers(seed=1), "field_code": "HT"}).status_code == 303
    )


def test_address_limit_comes_from_the_config(app, clock, phone, make_unit, make_counter, monkeypatch):
    unit = make_unit()
    other = make_counter(unit=unit)
    monkeypatch.setitem(app.config, "RATELIMIT_PER_ADDRESS", "2/minute")
    crowd = phone("198.51.100.77")
    assert crowd.get(f"/s/{other.token}").status_code == 200
    assert crowd.get(f"/s/{other.token}").status_code == 200
    assert_polite_429(crowd.get(f"/s/{other.token}"))
    assert phone("198.51.100.78").get(f"/s/{other.token}").status_code == 200
    assert len(stored(app)) == 0


def test_guessing_receipt_codes_is_limited_per_address(app, phone, make_counter, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_RECEIPT_MISS", "3/minute")
    make_counter()
    guesser = phone("192.0.2.50")
    statuses = [guesser.get(f"/r/{code}").status_code for code in ("AAAA2222", "AAAA2223", "AAAA2224", "AAAA2225")]
    assert statuses == [404, 404, 404, 429]
    assert phone("192.0.2.51").get("/r/AAAA2226").status_code == 404


def test_limiter_store_holds_no_address(app, phone, make_counter):
    from survey.extensions import limiter

    counter = make_counter()
    send(phone("203.0.113.99"), counter, answers(seed=1))
    keys = " ".join(str(k) for k in getattr(limiter.storage, "storage", {}))
    assert keys and "203.0.113.99" not in keys
