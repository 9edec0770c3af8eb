"""Two communes with counters, officers and keys, for the officers' tests."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from survey.extensions import db as _db
from survey.models import Counter, Unit
from survey.services import officers
from tests.api.conftest import fresh_limits, make_key  # noqa: F401  (fixtures shared with the API tests)


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
