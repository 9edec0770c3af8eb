"""Small synthetic districts for the report tests: a few units, a few dozen responses a month."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from analysis.profile import load_profile
from survey.figures import periods
from survey.figures.periods import VN, period_month
from survey.models import FeedbackItem, Field, Response
from survey.models.responses import answer_column

#: 00:30 on 1 April 2026 in Vietnam, still 31 March in UTC: the default month must be March
NOW = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
_keys = itertools.count()


@pytest.fixture
def clock(monkeypatch) -> Callable[[datetime], None]:
    """Fix "now" for the commands (default NOW); call it to move the clock."""

    def set_now(value: datetime) -> None:
        monkeypatch.setattr(periods, "vn_now", lambda: value)

    set_now(NOW)
    return set_now


@pytest.fixture
def reports_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(folder))
    return folder


@pytest.fixture
def add_responses(app, db) -> Callable[..., list[int]]:
    """Insert ``n`` responses of a counter in a month; a third rate 5, a third 4, a third ``low``."""
    profile = load_profile()

    def add(counter, year: int, month: int, n: int, low: int = 2, excluded: int = 0, comments=(),
            field_code: str = "HT", channel: str = "qr") -> list[int]:  # fmt: skip
        with app.app_context():
            field_id = db.session.scalar(select(Field.id).where(Field.code == field_code))
            rows = []
            for i in range(n + excluded):
                stamp = datetime(year, month, 1 + i % 27, 9, tzinfo=VN).astimezone(UTC)
                row = {"response_key": f"rep-{next(_keys):08d}-xxxxxxxx", "profile": profile.code,
                       "unit_id": counter.unit_id, "counter_id": counter.id, "field_id": field_id,
                       "channel": channel, "submitted_at": stamp, "received_at": stamp + timedelta(seconds=1),
                       "period_month": period_month(stamp), "is_excluded": i >= n,
                       "flags": "burst" if i >= n else None,
                       "comment": comments[i] if i < len(comments) else None}  # fmt: skip
                for k, code in enumerate(profile.item_codes):
                    value = (5, 4, low)[(i + k) % 3]
                    row[answer_column(code)] = 0 if code == "E3" and i % 4 == 0 else value
                for x in range(1, 11):
                    row[f"x{x}"] = 1 + (i + x) % 4
                rows.append(row)
            db.session.execute(insert(Response), rows)
            db.session.commit()
            return list(db.session.scalars(select(Response.id).where(Response.counter_id == counter.id)))

    return add


@pytest.fixture
def add_feedback(app, db) -> Callable[..., None]:
    def add(unit, response_id: int, created: datetime, due_days: int, answered_days: int | None) -> None:
        with app.app_context():
            db.session.add(FeedbackItem(
                response_id=response_id, unit_id=unit.id, kind="complaint", status="answered",
                created_at=created, due_at=created + timedelta(days=due_days),
                answered_at=None if answered_days is None else created + timedelta(days=answered_days),
            ))  # fmt: skip
            db.session.commit()

    return add


@pytest.fixture
def district(make_unit, make_counter, add_responses, add_feedback):
    """UBND huyện Bình Sơn with three communes: Bình Thạnh (enough answers), Bình Chánh (10, small),
    Bình Dương (nothing in March 2026)."""
    top = make_unit(code="H-BSN", name="UBND huyện Bình Sơn", kind="district")
    thanh = make_unit(code="X-BTHANH", name="UBND xã Bình Thạnh", parent_id=top.id)
    chanh = make_unit(code="X-BCHANH", name="UBND xã Bình Chánh", parent_id=top.id)
    duong = make_unit(code="X-BDUONG", name="UBND xã Bình Dương", parent_id=top.id)
    counters = {u.code: make_counter(unit=u, code=f"{u.code}-Q1") for u in (thanh, chanh, duong)}
    comments = ["=HYPERLINK(\"http://x.example\",\"bấm\")", "Cảm ơn chị Nguyễn Thị Lan, gọi 0905 123 456",
                "<b>Cán bộ</b> & nhân viên tận tình", "Cảm ơn chị Nguyễn Thị Lan, gọi 0905 123 456"]  # fmt: skip
    ids = add_responses(counters["X-BTHANH"], 2026, 3, 40, excluded=3, comments=comments)
    add_responses(counters["X-BTHANH"], 2026, 3, 6, field_code="DD", channel="paper")
    add_responses(counters["X-BTHANH"], 2026, 2, 30, low=1)
    add_responses(counters["X-BCHANH"], 2026, 3, 10)
    add_responses(counters["X-BDUONG"], 2026, 2, 12)
    march = datetime(2026, 3, 10, 8, tzinfo=VN)
    add_feedback(thanh, ids[0], march, due_days=5, answered_days=2)
    add_feedback(thanh, ids[1], march, due_days=5, answered_days=9)
    return {"top": top, "thanh": thanh, "chanh": chanh, "duong": duong, "counters": counters}
