"""GET /api/v1/indices: the dashboard's figures for the key's units, by field, month or unit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Field
from survey.services.responses import Ballot, build_response
from tests.api.conftest import assert_problem, bearer

ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")


@pytest.fixture
def answers(app, district):
    """Châu Ổ: 30 in 9/2026 all 5, 10 in 10/2026 all 1. Bình Chánh: 20 in 10/2026, 15 at 4 and 5 at 2."""
    with app.app_context():
        ht = db.session.scalar(select(Field.id).where(Field.code == "HT"))
        plan = [(district.a, district.qa, 9, 5, 30), (district.a, district.qa, 10, 1, 10),
                (district.b, district.qb, 10, 4, 15), (district.b, district.qb, 10, 2, 5)]  # fmt: skip
        i = 0
        for unit, counter, month, level, n in plan:
            for _ in range(n):
                i += 1
                db.session.add(build_response(Ballot(
                    key=f"idx-{i:04d}-xxxxxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id, field_id=ht,
                    counter_id=counter.id, answers={c: level for c in ITEMS},
                    submitted_at=datetime(2026, month, 3 + i % 20, 3, tzinfo=UTC))))  # fmt: skip
        db.session.commit()


def get(client, secret, query: str):
    return client.get(f"/api/v1/indices?{query}", headers=bearer(secret))


def sipas(group) -> float:
    return next(f for f in group["figures"] if f["code"] == "SIPAS")["index"]


def test_by_unit_over_a_quarter_for_the_district(client, district, make_key, answers):
    body = get(client, make_key(district.top, scopes="read"), "unit=MAU-BSN&period=2026-Q3&by=unit").get_json()
    # Q3 2026 = July–September: only Châu Ổ's 30 answers, all satisfied
    assert [(g["code"], g["name"], g["n"], sipas(g)) for g in body["groups"]] == [
        ("21040", "UBND thị trấn Châu Ổ", 30, 100.0)
    ]
    assert next(f for f in body["groups"][0]["figures"] if f["code"] == "SIPAS")["flags"] == []
    q4 = get(client, make_key(district.top, scopes="read"), "unit=MAU-BSN&period=2026-10&by=unit").get_json()
    # October: Châu Ổ 10 answers at 1 → 0 %; Bình Chánh 15 of 20 satisfied → 75 %; both under 30: small samples
    assert [(g["code"], g["n"], sipas(g)) for g in q4["groups"]] == [("21040", 10, 0.0), ("MAU-BCHANH", 20, 75.0)]
    assert "small_sample" in q4["groups"][1]["figures"][0]["flags"]


def test_by_month_defaults_to_the_keys_units(client, district, make_key, answers):
    body = get(client, make_key(district.a, scopes="read"), "period=2026&by=month").get_json()
    assert body["unit"] is None
    # only Châu Ổ (the key's unit): 30 in September at 100 %, 10 in October at 0 %
    assert [(g["code"], g["name"], g["n"], sipas(g)) for g in body["groups"]] == [
        ("2026-09", "Tháng 09/2026", 30, 100.0), ("2026-10", "Tháng 10/2026", 10, 0.0)]  # fmt: skip


def test_key_of_commune_a_cannot_read_commune_b(client, district, make_key, answers):
    assert_problem(get(client, make_key(district.a), "unit=MAU-BCHANH&period=2026-10"), 404)
    assert_problem(get(client, make_key(district.a), "unit=KHONG-CO&period=2026-10"), 404)
    assert_problem(get(client, make_key(district.a, scopes="receipts,counts"), "unit=21040"), 403)


@pytest.mark.parametrize("query", ["period=2026-13", "period=10/2026", "period=2099-01", "by=counter", "by="])
def test_bad_queries(client, district, make_key, query):
    assert_problem(get(client, make_key(district.a), query), 422)
