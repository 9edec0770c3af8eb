"""A small district for the office tests: two communes, their counters, responses, comments and accounts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Field, Unit
from survey.services import feedback
from survey.services.responses import Ballot, build_response
from survey.services.users import create_user

PASSWORD = "mat-khau-thu-nghiem"
HOSTILE = ['<script>alert("xss")</script>', '"><img src=x onerror=alert(1)>', '=HYPERLINK("http://x.example","bấm")']


def _ballots(unit_id: int, counter_id: int, field_id: int, n: int, level: int, comments=(), month: int = 10) -> list:
    out = []
    for i in range(n):
        answers = {c: level for c in ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3",
                                      "E1", "E2", "E3")}  # fmt: skip
        answers["C1"] = 5 if i % 2 else 3
        comment = comments[i] if i < len(comments) else None
        stamp = datetime(2026, month, 1 + i % 27, 3, tzinfo=UTC)
        out.append(Ballot(key=f"k-{unit_id}-{field_id}-{month}-{i:05d}-xxxxxxxx", profile="sipas-2024", unit_id=unit_id,
                          field_id=field_id, counter_id=counter_id, answers=answers, comment=comment,
                          submitted_at=stamp))  # fmt: skip
    return out


def add_low_score(unit_id: int, counter_id: int, comment: str) -> int:
    """One more ballot of the unit at level 1 with ``comment`` (November), stored; returns what ``collect`` opened."""
    ht = _db.session.scalar(select(Field.id).where(Field.code == "HT"))
    (ballot,) = _ballots(unit_id, counter_id, ht, 1, 1, [comment], month=11)
    _db.session.add(build_response(ballot))
    _db.session.flush()
    return feedback.collect()


@pytest.fixture
def world(app, db, make_unit, make_counter):
    district = make_unit(code="H-BS", name="UBND huyện Bình Sơn", kind="district")
    commune_a = make_unit(code="X-CHAUO", name="UBND thị trấn Châu Ổ", parent_id=district.id)
    commune_b = make_unit(code="X-BCHANH", name="UBND xã Bình Chánh", parent_id=district.id)
    counter_a = make_counter(unit=commune_a, code="X-CHAUO-Q1")
    counter_b = make_counter(unit=commune_b, code="X-BCHANH-Q1")
    with app.app_context():
        ht = _db.session.scalar(select(Field.id).where(Field.code == "HT"))
        dd = _db.session.scalar(select(Field.id).where(Field.code == "DD"))
        ballots = _ballots(commune_a.id, counter_a.id, ht, 40, 4, ["Cán bộ Châu Ổ tận tình"])
        ballots += _ballots(commune_a.id, counter_a.id, dd, 12, 3)
        ballots += _ballots(commune_b.id, counter_b.id, ht, 35, 2, ["Bí mật xã Bình Chánh", *HOSTILE])
        ballots += _ballots(commune_b.id, counter_b.id, ht, 30, 4, month=9)
        for b in ballots:
            _db.session.add(build_response(b))
        _db.session.flush()
        units = {u.code: u for u in _db.session.scalars(select(Unit))}
        reviewer = create_user("vanphong", PASSWORD, "reviewer", "Văn phòng huyện")
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        officer_a = create_user("canbo.chauo", PASSWORD, "unit_officer", "Cán bộ Châu Ổ", units["X-CHAUO"])
        create_user("canbo.bchanh", PASSWORD, "unit_officer", "Cán bộ Bình Chánh", units["X-BCHANH"])
        feedback.collect()
        _db.session.commit()
        ids = {"reviewer": reviewer.id, "officer_a": officer_a.id, "counter_b": counter_b.id, "counter_a": counter_a.id}
    return {"district": district, "a": commune_a, "b": commune_b, **ids}


@pytest.fixture
def login(client):
    def do(username: str, password: str = PASSWORD):
        page = client.get("/admin/login").get_data(as_text=True)
        import re

        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return client.post("/admin/login", data={"username": username, "password": password, "csrf_token": token})

    return do


def csrf_from(client, path: str) -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture(autouse=True)
def fresh_login_limits(app):
    """Login limits count in the app's memory storage: each test starts with none."""
    from survey.extensions import limiter

    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()


def browser_login(page, base: str, username: str, password: str = PASSWORD, *, to_dashboard: bool = True) -> None:
    """Log in through the login page in Chromium (and wait for the dashboard, unless ``to_dashboard`` is False)."""
    page.goto(f"{base}/admin/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    if to_dashboard:
        page.wait_for_url(f"{base}/admin/")
    else:
        page.wait_for_load_state()
