"""Two communes with counters, officers and keys, for the officers' tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Counter, Field, Officer, Unit
from survey.services import officers
from survey.services.responses import Ballot, build_response
from survey.services.users import create_user
from tests.admin.conftest import PASSWORD
from tests.api.conftest import fresh_limits, make_key  # noqa: F401  (fixtures shared with the API tests)

PHONE = "0905123456"


@pytest.fixture
def communes(app, db, make_field, make_unit, make_counter) -> SimpleNamespace:
    """Commune A (counter QA, officers A1 at QA and A2) and commune B (counter QB, officer B1)."""
    make_field("HT", "Hộ tịch", procedures=(("1.001193", "Đăng ký khai sinh"),))
    make_field("DD", "Đất đai")
    top = make_unit(code="T-BSN", name="UBND huyện Bình Sơn", kind="district")
    a = make_unit(code="T-A", name="UBND xã An Phú", parent_id=top.id)
    b = make_unit(code="T-B", name="UBND xã Bình Minh", parent_id=top.id)
    qa = make_counter(unit=a, code="T-A-Q1")
    qb = make_counter(unit=b, code="T-B-Q1")
    with app.app_context():
        ua, ub = _db.session.get(Unit, a.id), _db.session.get(Unit, b.id)
        ca, cb = _db.session.get(Counter, qa.id), _db.session.get(Counter, qb.id)
        start = date(2026, 1, 1)
        made = {
            "A1": officers.create("CB-A1", "Nguyễn Thị Lan", ua, counter=ca, active_from=start),
            "A2": officers.create("CB-A2", "Trần Văn Hùng", ua, counter=ca, active_from=start),
            "B1": officers.create("CB-B1", "Lê Thị Mai", ub, counter=cb, active_from=start),
        }
        _db.session.commit()
        ids = {k: o.id for k, o in made.items()}
        tokens = {k: o.placard_token for k, o in made.items()}
    return SimpleNamespace(top=top, a=a, b=b, qa=qa, qb=qb, ids=ids, tokens=tokens)


@pytest.fixture
def staffed(app, communes):
    with app.app_context():
        field_id = _db.session.scalar(select(Field.id).where(Field.code == "HT"))

        def add(officer: str, unit, counter, n: int, answer, comment=None):
            for i in range(n):
                value = answer(i)
                _db.session.add(build_response(Ballot(
                    key=f"{officer}-{i:04d}-xxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id, field_id=field_id,
                    counter_id=counter.id, answers={"C1": value, "C2": value, "C3": value}, channel="qr",
                    submitted_at=datetime(2026, 11, 2 + i % 20, 3, tzinfo=UTC),
                    placard_officer_id=communes.ids[officer], comment=comment if i == 0 else None)))  # fmt: skip

        add("A1", communes.a, communes.qa, 40, lambda i: 5 if i < 30 else 2,
            comment=f"Chị Nguyễn Thị Lan hướng dẫn tận tình, số của tôi {PHONE}")  # fmt: skip
        add("A2", communes.a, communes.qa, 10, lambda i: 5)
        add("B1", communes.b, communes.qb, 35, lambda i: 4)
        units = {u: _db.session.get(type(communes.a), getattr(communes, u).id) for u in ("a", "b")}
        create_user("lanhdao.a", PASSWORD, "unit_officer", "Lãnh đạo xã An Phú", units["a"])
        create_user("lanhdao.b", PASSWORD, "unit_officer", "Lãnh đạo xã Bình Minh", units["b"])
        create_user("vanphong", PASSWORD, "reviewer", "Văn phòng")
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        for name, code in (("congchuc.a1", "A1"), ("congchuc.a2", "A2")):
            user = create_user(name, PASSWORD, "unit_officer", name, units["a"])
            officers.link_account(user, _db.session.get(Officer, communes.ids[code]))
        _db.session.commit()
    return communes
