"""A district with two communes for the API tests, keys, and what the database holds afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.extensions import limiter
from survey.models import ApiCall, DossierCount, ReceiptCode, Unit
from survey.services import api_keys
from tests.figures.test_boundaries import seven  # noqa: F401  (a merger with a split: tests/api/test_boundaries.py)


@pytest.fixture(autouse=True)
def fresh_limits(app) -> Iterator[None]:
    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()


@pytest.fixture
def district(app, db, make_field, make_unit, make_counter) -> SimpleNamespace:
    """The demo codes the README uses: huyện Bình Sơn with thị trấn Châu Ổ (A) and xã Bình Chánh (B)."""
    make_field("HT", "Hộ tịch", procedures=(("1.001193", "Đăng ký khai sinh"), ("1.000894", "Đăng ký kết hôn")))
    make_field("DD", "Đất đai", procedures=(("1.004227", "Đăng ký biến động đất đai"),))
    top = make_unit(code="MAU-BSN", name="UBND huyện Bình Sơn", kind="district")
    a = make_unit(code="21040", name="UBND thị trấn Châu Ổ", parent_id=top.id)
    b = make_unit(code="MAU-BCHANH", name="UBND xã Bình Chánh", parent_id=top.id)
    qa = make_counter(unit=a, code="21040-Q2")
    qb = make_counter(unit=b, code="MAU-BCHANH-Q1")
    return SimpleNamespace(top=top, a=a, b=b, qa=qa, qb=qb)


@pytest.fixture
def make_key(app, db) -> Callable[..., str]:
    """A key's secret, as ``api-keys create`` prints it."""

    def make(*units, scopes: str = "receipts,counts,read", name: str = "iGate thử nghiệm") -> str:
        with app.app_context():
            rows = [_db.session.get(Unit, u.id) for u in units]
            _key, secret = api_keys.create_key(name, rows, scopes)
            _db.session.commit()
        return secret

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def receipts_stored(app) -> list[ReceiptCode]:
    with app.app_context():
        rows = list(_db.session.scalars(select(ReceiptCode).order_by(ReceiptCode.id)))
        _db.session.expunge_all()
        return rows


def counts_stored(app) -> list[tuple]:
    """(unit code, field code, procedure code, month, received, returned, returned_late)."""
    with app.app_context():
        rows = _db.session.scalars(select(DossierCount).order_by(DossierCount.id))
        return [(r.unit.code, r.field.code, r.procedure.code if r.procedure else None, r.month, r.received,
                 r.returned, r.returned_late) for r in rows]  # fmt: skip


def calls_logged(app) -> list[tuple]:
    """(key id, action, status) of every call, in order."""
    with app.app_context():
        return [(c.api_key_id, c.action, c.status) for c in _db.session.scalars(select(ApiCall).order_by(ApiCall.id))]


def assert_problem(response, status: int) -> dict:
    """A problem document (RFC 9457) with the status and a Vietnamese detail."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank"
    # Vietnamese: at least one letter with a diacritic
    assert any(ch in body["detail"] for ch in "àáảãạăâđèéêìíòóôơùúưỳýÁÂĐÊÔƠƯ"), body["detail"]
    return body
