"""Ballot stuffing is flagged and left out of the index; an honest crowd is not."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response, ResponseReview
from survey.queries import Scope, where_clauses
from survey.services import trust
from survey.services.errors import DomainError
from tests.trust.conftest import answers, send, stored


def index_count(app) -> int:
    """Responses the indices count: those the query layer's scope lets through."""
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)).where(*where_clauses(Scope())))


def test_stuffing_from_one_phone_is_flagged_and_left_out_of_the_index(app, clock, phone, make_counter):
    counter = make_counter()
    stuffer = phone()
    for i in range(4):
        response = send(stuffer, counter, answers(seed=i))
        # the stuffer learns nothing: the same thank-you page every time
        assert response.status_code == 303 and response.headers["Location"].endswith("/cam-on")
        assert "Cảm ơn Ông/Bà đã đánh giá" in stuffer.get(response.headers["Location"]).get_data(as_text=True)
        clock.advance(minutes=2)
    rows = stored(app)
    assert len(rows) == 4  # flagged, never deleted
    assert [r["flags"] for r in rows] == [None, "device", "device", "device"]
    assert [r["is_excluded"] for r in rows] == [False, True, True, True]
    assert len({r["device_hash"] for r in rows}) == 1 and len(rows[0]["device_hash"]) == 64
    assert index_count(app) == 1
    with app.app_context():
        summary = trust.excluded_summary(Scope())
    assert summary.total == 3 and summary.by_reason["device"] == 3 and summary.by_reason["rate"] == 0
    assert summary.text() == "3 phiếu bị loại (nhiều phiếu từ cùng một thiết bị: 3)"


def test_crowd_on_one_wifi_is_not_flagged(app, clock, phone, make_unit, make_counter):
    unit = make_unit()
    counters = [make_counter(unit=unit) for _ in range(3)]
    # twelve phones behind the hall's one Wi-Fi address, four at each counter, within a few minutes
    for i in range(12):
        citizen = phone("198.51.100.20")
        assert send(citizen, counters[i % 3], answers(seed=i)).status_code == 303
        clock.advance(seconds=20)
    rows = stored(app)
    assert len(rows) == 12 and all(r["flags"] is None and not r["is_excluded"] for r in rows)
    assert len({r["device_hash"] for r in rows}) == 12
    assert len({r["ip_hash"] for r in rows}) == 1  # one network, one (daily) hash, and that is no reason to doubt
    assert index_count(app) == 12
    with app.app_context():
        assert trust.excluded_summary(Scope()).text() == "Không có phiếu nào bị loại"


def test_too_many_at_one_counter_in_a_minute_is_flagged_rate(app, clock, phone, make_counter):
    counter = make_counter()
    for i in range(8):  # eight different phones, all within one minute
        assert send(phone(), counter, answers(seed=i)).status_code == 303
        clock.advance(seconds=5)
    flags = [r["flags"] for r in stored(app)]
    assert flags == [None] * 6 + ["rate", "rate"]
    clock.advance(minutes=2)
    assert send(phone(), counter, answers(seed=99)).status_code == 303
    assert stored(app)[-1]["flags"] is None  # a quiet minute later all is normal again


def test_burst_of_identical_answers_at_one_counter_is_flagged(app, clock, phone, make_unit, make_counter):
    unit = make_unit()
    counter, other = make_counter(unit=unit), make_counter(unit=unit)
    same = answers(value=5)
    for _ in range(5):
        assert send(phone(), counter, same).status_code == 303
        clock.advance(minutes=2)
    assert send(phone(), other, same).status_code == 303  # another counter: its own count
    flags = [r["flags"] for r in stored(app)]
    assert flags == [None, None, None, "burst", "burst", None]
    clock.advance(minutes=30)
    assert send(phone(), counter, same).status_code == 303
    assert stored(app)[-1]["flags"] is None


def test_outside_office_hours_is_flagged_hours(app, clock, phone, make_counter):
    counter = make_counter()
    clock.advance(hours=12)  # 21:00 in Vietnam
    assert send(phone(), counter, answers(seed=1)).status_code == 303
    clock.advance(hours=8)  # 05:00
    assert send(phone(), counter, answers(seed=2)).status_code == 303
    clock.advance(hours=1)  # 06:00: open
    assert send(phone(), counter, answers(seed=3)).status_code == 303
    assert [r["flags"] for r in stored(app)] == ["hours", "hours", None]


def test_thresholds_come_from_the_config(app, clock, phone, make_counter, monkeypatch):
    monkeypatch.setitem(app.config, "TRUST_HOURS_START", None)
    monkeypatch.setitem(app.config, "TRUST_DEVICE_WINDOW_MINUTES", 5)
    counter = make_counter()
    citizen = phone()
    clock.advance(hours=13)  # 22:00, but the hours check is off
    assert send(citizen, counter, answers(seed=1)).status_code == 303
    clock.advance(minutes=6)  # outside the shorter device window
    assert send(citizen, counter, answers(seed=2)).status_code == 303
    assert [r["flags"] for r in stored(app)] == [None, None]


def test_several_reasons_are_all_kept(app, clock, phone, make_counter, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PER_DEVICE", "100/minute")  # a flag, not a refusal, here
    counter = make_counter()
    stuffer = phone()
    clock.advance(hours=13)
    for _ in range(8):
        assert send(stuffer, counter, answers(value=5)).status_code == 303
    last = stored(app)[-1]["flags"].split(",")
    assert last == ["rate", "device", "burst", "hours"]
    with app.app_context():
        summary = trust.excluded_summary(Scope())
    assert summary.total == 8
    assert summary.by_reason == {"rate": 2, "device": 7, "cookie": 0, "address": 0, "burst": 5, "hours": 8,
                                 "review": 0}  # fmt: skip


def test_review_confirms_or_restores_with_an_audit_trail(app, clock, phone, make_counter, make_user, make_unit):
    counter = make_counter()
    citizen = phone()
    send(citizen, counter, answers(seed=1))
    send(citizen, counter, answers(seed=2))  # flagged "device": say a family sharing a phone
    reviewer = make_user()
    officer = make_user("canbo", role="unit_officer", unit=make_unit(code="XA-02", name="UBND xã khác"))
    assert index_count(app) == 1
    with app.app_context():
        flagged = db.session.scalar(select(Response).where(Response.flags.is_not(None)))
        with pytest.raises(DomainError):
            trust.restore(flagged, db.session.get(type(officer), officer.id), "của đơn vị mình")
        trust.restore(flagged, db.session.get(type(reviewer), reviewer.id), "  Hai người trong một gia đình  ")
        db.session.commit()
    assert index_count(app) == 2
    with app.app_context():
        flagged = db.session.scalar(select(Response).where(Response.flags.is_not(None)))
        assert flagged.flags == "device" and not flagged.is_excluded  # the reason stays on record
        with pytest.raises(DomainError):
            trust.restore(flagged, db.session.get(type(reviewer), reviewer.id))
        clean = db.session.scalar(select(Response).where(Response.flags.is_(None)))
        trust.confirm_exclusion(clean, db.session.get(type(reviewer), reviewer.id), "Phiếu thử của cán bộ")
        db.session.commit()
        reviews = db.session.execute(select(ResponseReview.action, ResponseReview.note, ResponseReview.actor_id)
                                     .order_by(ResponseReview.id)).all()  # fmt: skip
        assert [tuple(r) for r in reviews] == [("restored", "Hai người trong một gia đình", reviewer.id),
                                               ("confirmed", "Phiếu thử của cán bộ", reviewer.id)]  # fmt: skip
        assert clean.flags == "review" and clean.is_excluded
        summary = trust.excluded_summary(Scope())
    assert index_count(app) == 1
    assert summary.total == 1 and summary.by_reason["review"] == 1


def test_excluded_summary_follows_the_scope(app, clock, phone, make_unit, make_counter):
    counter_a = make_counter(unit=make_unit(code="XA-A", name="UBND xã A"))
    counter_b = make_counter(unit=make_unit(code="XA-B", name="UBND xã B"))
    stuffer = phone()
    for counter in (counter_a, counter_a, counter_b):
        send(stuffer, counter, answers(seed=3))
    with app.app_context():
        assert trust.excluded_summary(Scope(unit_ids=(counter_a.unit_id,))).total == 1
        assert trust.excluded_summary(Scope(unit_ids=(counter_b.unit_id,))).total == 1
        assert trust.excluded_summary(Scope(channels=("paper",))).total == 0
        assert trust.excluded_summary(Scope(profile="sipas-2017")).total == 0


def test_answer_digest_tells_ballots_apart_blank_from_not_applicable(app):
    def digest(**answers) -> str:
        return trust.answer_digest(Response(**answers))

    base = digest(a1=5, a2=4)
    assert base == digest(a1=5, a2=4)
    assert len({base, digest(a1=4, a2=5), digest(a1=5, a2=4, a3=0), digest(a1=5, a2=4, a3=1)}) == 4
    assert len(base) == 32
