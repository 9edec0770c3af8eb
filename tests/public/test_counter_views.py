"""What the form needs of a counter is read once per process and kept COUNTER_CACHE_SECONDS.

A change made through this process (the admin pages, the CLI) shows at once; a change
made elsewhere (another server sharing the database) shows once the copy is older
than COUNTER_CACHE_SECONDS.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from survey.extensions import db
from survey.models import Counter
from survey.services import counters


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic(app, monkeypatch) -> Monotonic:
    clock = Monotonic()
    monkeypatch.setattr(counters.time, "monotonic", clock)
    with app.app_context():
        counters.forget_views()
    return clock


def _elsewhere(app, counter_id: int, **values) -> None:
    """Change a counter as another server would: straight in the database, no ORM events here."""
    with app.app_context():
        db.session.execute(update(Counter).where(Counter.id == counter_id).values(**values))
        db.session.commit()


def test_a_change_made_on_another_server_shows_after_the_cache_time(app, client, make_counter, monotonic):
    counter = make_counter()
    assert "Quầy số 1" in client.get(f"/s/{counter.token}").get_data(as_text=True)
    _elsewhere(app, counter.id, name="Quầy Hộ tịch")
    monotonic.now += app.config["COUNTER_CACHE_SECONDS"] - 1
    assert "Quầy số 1" in client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)
    monotonic.now += 2
    assert "Quầy Hộ tịch" in client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)

    _elsewhere(app, counter.id, is_active=False)  # revoked on another server
    monotonic.now += app.config["COUNTER_CACHE_SECONDS"] + 1
    assert client.get(f"/s/{counter.token}?moi=1").status_code == 404


def test_a_change_committed_here_shows_at_once(app, client, make_counter, monotonic):
    counter = make_counter()
    assert client.get(f"/s/{counter.token}").status_code == 200
    with app.app_context():
        counters.revoke(db.session.get(Counter, counter.id))
        db.session.commit()
    assert client.get(f"/s/{counter.token}?moi=1").status_code == 404


def test_a_rolled_back_change_keeps_the_copy(app, client, make_counter, monotonic):
    counter = make_counter()
    assert client.get(f"/s/{counter.token}").status_code == 200
    with app.app_context():
        db.session.get(Counter, counter.id).name = "Quầy tạm"
        db.session.flush()
        db.session.rollback()
        assert counters.counter_view(counter.token) is not None
    assert "Quầy số 1" in client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)


def test_unknown_tokens_are_remembered_as_unknown_and_the_copy_stays_bounded(app, make_counter, monotonic,
                                                                             monkeypatch):  # fmt: skip
    counter = make_counter()
    monkeypatch.setattr(counters._ViewCache, "MAX_ENTRIES", 5)
    with app.app_context():
        for i in range(12):  # someone trying made-up tokens
            assert counters.counter_view(f"khong-co-{i}") is None
        cache = app.extensions["sipas_counter_views"]
        assert 0 < len(cache.entries) <= 5
        view = counters.counter_view(counter.token)
    assert view.unit.fields and view.unit.name == "UBND xã Bình Thạnh"
    assert [f.code for f in view.unit.fields] == ["HT", "DD"]


def test_no_copy_is_kept_when_the_cache_time_is_zero(app, client, make_counter, monotonic, monkeypatch):
    monkeypatch.setitem(app.config, "COUNTER_CACHE_SECONDS", 0)
    counter = make_counter()
    assert client.get(f"/s/{counter.token}").status_code == 200
    _elsewhere(app, counter.id, name="Quầy Chứng thực")
    assert "Quầy Chứng thực" in client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)
