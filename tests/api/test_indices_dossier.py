"""Indices split by dossier on time / late (issue 15): the dashboard filter, its export and the read API.

A small world in Châu Ổ, August 2026, every ballot answering all 16 items with one value:
- 3 ballots through receipt codes of dossiers returned on time, at 5, 4 and 2;
- 2 through codes of late dossiers, at 1 and 4;
- 1 through a code whose lateness the one-stop system did not say, at 5;
- 2 from the poster (no code), at 3.
Every item of a group has the same satisfied share, so each element and SIPAS (mean of items, mean
of elements) equal it: on time 2 of 3 → 66,67 %; late 1 of 2 → 50,00 %; every ballot 4 of 8 → 50,00 %.
A late code of Bình Chánh's (at 5) shows under "late" for the district, never for Châu Ổ alone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.figures import cells
from survey.models import Field, ReceiptCode
from survey.services.responses import Ballot, build_response
from survey.services.users import create_user
from tests.api.conftest import assert_problem, bearer

ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def dossier_world(app, district):
    plan = [(district.a, district.qa, 5, False), (district.a, district.qa, 4, False), (district.a, district.qa, 2, False),
            (district.a, district.qa, 1, True), (district.a, district.qa, 4, True),
            (district.a, district.qa, 5, None), (district.a, district.qa, 3, "poster"),
            (district.a, district.qa, 3, "poster"), (district.b, district.qb, 5, True)]  # fmt: skip
    with app.app_context():
        ht = db.session.scalar(select(Field.id).where(Field.code == "HT"))
        for i, (unit, counter, level, late) in enumerate(plan):
            response = build_response(Ballot(
                key=f"hs-{i:04d}-xxxxxxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id, field_id=ht,
                counter_id=counter.id, answers={c: level for c in ITEMS},
                submitted_at=datetime(2026, 8, 3 + i, 3, tzinfo=UTC)))  # fmt: skip
            db.session.add(response)
            db.session.flush()
            if late != "poster":
                db.session.add(ReceiptCode(code=f"HS{i:06d}", counter_id=counter.id, field_id=ht, is_late=late,
                                           outcome="returned", response_id=response.id, used_at=response.submitted_at,
                                           dossier_hash=f"{i:064d}"))  # fmt: skip
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        db.session.commit()


def _sipas(body, code="21040") -> tuple[int, float]:
    group = next(g for g in body["groups"] if g["code"] == code)
    return group["n"], next(f for f in group["figures"] if f["code"] == "SIPAS")["index"]


@pytest.mark.parametrize("folded", [False, True])
def test_read_api_splits_by_dossier_timeliness(app, client, district, make_key, dossier_world, folded):
    if folded:  # the unfiltered figures from the cells, the filtered ones from rows: the same numbers
        with app.app_context():
            cells.fold()
            db.session.commit()
    secret = make_key(district.top, scopes="read")

    def read(extra: str) -> dict:
        response = client.get(f"/api/v1/indices?unit=MAU-BSN&period=2026-08&by=unit{extra}", headers=bearer(secret))
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    assert _sipas(read("")) == (8, 50.0)
    on_time = read("&dossier=on_time")
    assert on_time["dossier"] == "on_time" and _sipas(on_time) == (3, 66.67)
    assert [g["code"] for g in on_time["groups"]] == ["21040"]
    late = read("&dossier=late")
    assert _sipas(late) == (2, 50.0) and _sipas(late, "MAU-BCHANH") == (1, 100.0)
    assert_problem(client.get("/api/v1/indices?unit=MAU-BSN&period=2026-08&dossier=tre", headers=bearer(secret)), 422)


def test_dashboard_filter_and_export(app, client, district, dossier_world):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": token})
    base = "period=month&month=2026-08&unit=21040"
    html = client.get(f"/admin/?{base}&dossier=late").get_data(as_text=True)
    assert '<option value="late" selected>Trễ hạn</option>' in html
    assert "50,00" in html and "66,67" not in html
    html = client.get(f"/admin/?{base}&dossier=on_time").get_data(as_text=True)
    assert "66,67" in html
    csv = client.get(f"/admin/xuat/overview.csv?{base}&dossier=on_time").get_data(as_text=True)
    assert "66,67" in csv
    # an unknown value: a plain message, every ballot (4 of 8 satisfied)
    html = client.get(f"/admin/?{base}&dossier=sai").get_data(as_text=True)
    assert "Tình trạng hồ sơ không hợp lệ" in html and "50,00" in html
