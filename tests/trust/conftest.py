"""Fixtures for the trust tests: a controllable clock, clean rate limits, phones, reviewers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.extensions import limiter
from survey.models import Response, User
from tests.conftest import full_answers, hidden_fields

#: a Tuesday, 09:00 in Vietnam: inside office hours
OFFICE_MORNING = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


class Clock:
    """What ``utcnow()`` returns to the services while a test runs; moved by hand."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app, monkeypatch) -> Clock:
    """A clock at :data:`OFFICE_MORNING`, with the office hours of the default config (6:00–20:00) checked."""
    clock = Clock(OFFICE_MORNING)
    monkeypatch.setitem(app.config, "TRUST_HOURS_START", 6)
    monkeypatch.setitem(app.config, "TRUST_HOURS_END", 20)
    for module in ("survey.services.responses", "survey.services.receipts"):
        monkeypatch.setattr(f"{module}.utcnow", clock)
    return clock


@pytest.fixture(autouse=True)
def fresh_limits(app) -> Iterator[None]:
    """Rate-limit counts live in the app's memory storage: start and leave each test with none."""
    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()


@pytest.fixture
def phone(app, db) -> Callable[..., object]:
    """A citizen's phone: its own cookie jar (device cookie, session); ``address`` is its network address."""

    def make(address: str = "203.0.113.7"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    return make


def answers(seed: int = 0, value: int | None = None) -> dict[str, str]:
    """A full ballot; different seeds give different answer vectors."""
    data = full_answers(value=value or 4)
    if value is None:
        for i, name in enumerate(sorted(data)):
            data[name] = str(1 + (seed * 7 + i * 3) % 5)
    return data


def send(client, counter, data: dict[str, str], new: bool = True, path: str | None = None):
    """Open the form (as a new ballot) and send it; returns the POST response."""
    page = client.get(path or f"/s/{counter.token}" + ("?moi=1" if new else ""))
    assert page.status_code == 200, page.status_code
    hidden = hidden_fields(page.get_data(as_text=True))
    return client.post(path or f"/s/{counter.token}", data={**hidden, "field_code": "HT", **data})


def stored(app) -> list[dict]:
    """Every stored response, oldest first, as plain values."""
    with app.app_context():
        rows = _db.session.scalars(select(Response).order_by(Response.id))
        return [{"id": r.id, "key": r.response_key, "flags": r.flags, "is_excluded": r.is_excluded,
                 "counter_id": r.counter_id, "channel": r.channel, "device_hash": r.device_hash,
                 "ip_hash": r.ip_hash} for r in rows]  # fmt: skip


@pytest.fixture
def make_user(app, db) -> Callable[..., User]:
    from survey.services.users import create_user

    def make(username: str = "vanphong", role: str = "reviewer", unit=None) -> User:
        with app.app_context():
            unit_obj = _db.session.get(type(unit), unit.id) if unit is not None else None
            user = create_user(username, "mat-khau-thu-nghiem", role, username, unit_obj)
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
        return user

    return make
