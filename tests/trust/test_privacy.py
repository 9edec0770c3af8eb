"""No raw address anywhere, hashes that rotate and are purged, and the device cookie's attributes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, Text, inspect, select, text

from survey.extensions import db
from survey.models import FeedbackItem, ReceiptCode, Response
from survey.services import privacy, receipts
from tests.trust.conftest import answers, send, stored

ADDRESSES = ["203.0.113.45", "198.51.100.201", "2001:db8:85a3::8a2e:370:7334", "192.0.2.1"]


def all_text_values(app) -> list[str]:
    """Every value of every text column of every table, as the database holds it."""
    values = []
    with app.app_context():
        inspector = inspect(db.engine)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                if isinstance(column["type"], String | Text):
                    rows = db.session.execute(text(f'SELECT "{column["name"]}" FROM "{table}"'))
                    values += [str(v) for (v,) in rows if v is not None]
    return values


def test_no_ip_address_is_stored_anywhere(app, clock, phone, make_counter):
    counter = make_counter()
    code = receipts_issue(app, counter)
    for i, address in enumerate(ADDRESSES):
        # the address also tries to sneak in through the comment's neighbours: headers, not fields
        citizen = phone(address)
        citizen.environ_base["HTTP_X_FORWARDED_FOR"] = address
        assert send(citizen, counter, {**answers(seed=i), "comment": "Cán bộ nhiệt tình"}).status_code == 303
    citizen = phone(ADDRESSES[0])
    assert send(citizen, counter, answers(seed=9), path=f"/r/{code}").status_code == 303
    rows = stored(app)
    assert len(rows) == 5 and all(r["ip_hash"] and len(r["ip_hash"]) == 64 for r in rows)
    values = all_text_values(app)
    assert values  # the scan did read something
    for address in ADDRESSES:
        assert not any(address in v for v in values), address
        assert not any(address.replace(":", "") in v.replace(":", "") for v in values if len(v) < 64)


def receipts_issue(app, counter) -> str:
    from survey.models import Counter

    with app.app_context():
        code = receipts.issue(db.session.get(Counter, counter.id), 1)[0].code
        db.session.commit()
    return code


def test_address_hash_rotates_daily_and_needs_the_secret(app):
    with app.app_context():
        today = privacy.vietnam_day()
        assert privacy.ip_hash("203.0.113.45", today) == privacy.ip_hash("203.0.113.45", today)
        assert privacy.ip_hash("203.0.113.45", today) != privacy.ip_hash("203.0.113.45", today + timedelta(days=1))
        assert privacy.ip_hash("203.0.113.45", today) != privacy.ip_hash("203.0.113.46", today)
        mine = privacy.ip_hash("203.0.113.45", today)
    other = app.config["SECRET_KEY"]
    try:
        app.config["SECRET_KEY"] = "another-secret"
        with app.app_context():
            assert privacy.ip_hash("203.0.113.45", today) != mine
    finally:
        app.config["SECRET_KEY"] = other


def test_device_cookie_is_random_long_lived_httponly_lax(app, phone, make_counter):
    counter = make_counter()
    citizen = phone()
    response = citizen.get(f"/s/{counter.token}")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("sipas_tb="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=34560000" in cookie
    assert len(cookie.split(";")[0].split("=", 1)[1]) == 22
    again = citizen.get(f"/s/{counter.token}?moi=1")
    assert not any(c.startswith("sipas_tb=") for c in again.headers.getlist("Set-Cookie"))  # kept, not renewed
    other = phone().get(f"/s/{counter.token}")
    assert next(c for c in other.headers.getlist("Set-Cookie") if c.startswith("sipas_tb=")) != cookie


def test_purge_clears_old_hashes_and_keeps_responses(app, runner, clock, phone, make_counter):
    counter = make_counter()
    with app.app_context():
        old = db.session.scalars(select(Response)).all()
    assert old == []
    for i in range(3):
        send(phone(), counter, answers(seed=i))
    with app.app_context():  # two of them reached the database long ago
        ids = [r["id"] for r in stored(app)]
        db.session.execute(Response.__table__.update().where(Response.id == ids[0])
                           .values(received_at=clock.now - timedelta(days=40)))  # fmt: skip
        db.session.execute(Response.__table__.update().where(Response.id == ids[1])
                           .values(received_at=clock.now - timedelta(days=10)))  # fmt: skip
        db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Đã xoá mã băm địa chỉ IP của 2 phiếu" in result.output and "mã băm thiết bị của 1 phiếu" in result.output
    rows = stored(app)
    assert [(r["ip_hash"] is None, r["device_hash"] is None) for r in rows] == [(True, True), (True, False),
                                                                               (False, False)]  # fmt: skip
    result = runner.invoke(args=["privacy", "purge", "--days", "0"])
    assert result.exit_code == 0 and all(r["ip_hash"] is None and r["device_hash"] is None for r in stored(app))
    assert len(stored(app)) == 3  # responses are kept unless a retention period is set


def test_purge_deletes_old_responses_only_when_a_retention_is_set(app, runner, clock, phone, make_counter, monkeypatch):
    counter = make_counter()
    with app.app_context():
        from survey.models import Counter

        code = receipts.issue(db.session.get(Counter, counter.id), 2)[0].code
        db.session.commit()
    send(phone(), counter, {**answers(seed=1), "comment": "Góp ý cũ"}, path=f"/r/{code}")
    clock.advance(days=400)
    send(phone(), counter, answers(seed=2))
    with app.app_context():
        from survey.services import feedback

        feedback.collect()
        db.session.commit()
        items = set(db.session.scalars(select(FeedbackItem.response_id)))
    old_id = stored(app)[0]["id"]
    assert old_id in items
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    assert len(stored(app)) == 2
    monkeypatch.setitem(app.config, "RESPONSE_RETENTION_DAYS", 365)
    with app.app_context():
        result = privacy.purge(now=clock.now)
        db.session.commit()
        assert result.responses == 1
        # its feedback item went with it
        assert set(db.session.scalars(select(FeedbackItem.response_id))) == items - {old_id}
        assert db.session.scalar(select(ReceiptCode.code).where(ReceiptCode.code == code)) is None
    assert len(stored(app)) == 1
