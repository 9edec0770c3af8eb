"""Response rates (answers / dossiers returned) and the SIPAS weighted by the fields' shares of dossiers."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import DossierCount, Field
from survey.models.api import cell_key
from survey.queries import Scope
from survey.services import response_rates
from survey.services.responses import Ballot, build_response

ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")


@pytest.fixture
def october(app, district, make_field, make_unit):
    """Châu Ổ, 10/2026: 40 answers in Hộ tịch, all 'satisfied' (4); 10 in Đất đai, all 'unsatisfied' (2).
    Dossiers returned: Hộ tịch 100 (as a whole), Đất đai 300 (one procedure's cell), Xây dựng 50 (no answers)."""
    with app.app_context():
        fields = dict(db.session.execute(select(Field.code, Field.id)).all())
        make_field("XD", "Xây dựng")
        fields["XD"] = db.session.scalar(select(Field.id).where(Field.code == "XD"))
        for i in range(50):
            field, level = ("HT", 4) if i < 40 else ("DD", 2)
            db.session.add(build_response(Ballot(
                key=f"rate-{i:04d}-xxxxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=district.a.id,
                field_id=fields[field], counter_id=district.qa.id, answers={c: level for c in ITEMS},
                submitted_at=datetime(2026, 10, 5 + i % 20, 3, tzinfo=UTC))))  # fmt: skip
        procedure_dd = db.session.scalar(select(Field).where(Field.code == "DD")).procedures[0].id
        for field, procedure, returned in (("HT", None, 100), ("DD", procedure_dd, 300), ("XD", None, 50)):
            db.session.add(DossierCount(cell=cell_key(district.a.id, fields[field], procedure, 202610),
                                        unit_id=district.a.id, field_id=fields[field], procedure_id=procedure,
                                        month=202610, received=returned, returned=returned, returned_late=0))  # fmt: skip
        db.session.commit()
    return Scope(start_month=202610, end_month=202610, unit_ids=(district.a.id,))


def test_rates_per_unit_field_and_month(app, october):
    with app.app_context():
        t = response_rates.rates(october)
    rows = {r.field_code: (r.answers, r.returned, r.rate, r.flag) for r in t.itertuples()}
    assert rows["HT"][:2] == (40, 100) and rows["HT"][2] == pytest.approx(40.0)  # 40 / 100
    assert rows["DD"][:2] == (10, 300) and rows["DD"][2] == pytest.approx(10 / 3)  # 3,33 %
    assert rows["XD"][:2] == (0, 50) and rows["XD"][3] == "no_answers"
    assert set(t["unit_code"]) == {"21040"} and set(t["month"]) == {"2026-10"}


def test_weighted_sipas_counts_each_field_by_its_share_of_dossiers(app, october):
    with app.app_context():
        weighted = response_rates.weighted_sipas(october)
        summary = response_rates.overview(october)
    overall = weighted[weighted["level"] == "overall"].iloc[0]
    # unweighted every item is 40/50 = 80 %. Weighted on the fields with answers (Xây dựng has none and is
    # left out): Hộ tịch 100 of 400 dossiers = 25 %, all satisfied; Đất đai 75 %, none: 25 %.
    assert overall["index"] == pytest.approx(25.0)
    assert summary["answers"] == 50 and summary["returned"] == 450
    assert summary["rate"] == pytest.approx(100 * 50 / 450)  # 11,11 %
    assert summary["silent_fields"] == ["Xây dựng"] and summary["uncounted_fields"] == []
    assert summary["weighted_index"] == pytest.approx(25.0)


def test_no_dossier_counts_no_rate(app, district):
    with app.app_context():
        assert response_rates.overview(Scope(start_month=202610, end_month=202610)) is None
        whole = response_rates.rates(Scope(start_month=202610, end_month=202610), [])
    assert (int(whole["answers"].iloc[0]), int(whole["returned"].iloc[0])) == (0, 0)
    assert math.isnan(whole["rate"].iloc[0])


def test_dashboard_overview_shows_the_units_response_rate(app, client, october):
    import re

    from survey.services.users import create_user
    from tests.admin.conftest import PASSWORD

    with app.app_context():
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        db.session.commit()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": token})
    html = client.get("/admin/?period=month&month=2026-10&unit=21040").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    # 50 answers / 450 dossiers returned = 11,11 %; weighted SIPAS 25 % (see the test above)
    assert "Tỷ lệ phản hồi — Tháng 10/2026" in text
    assert "50 phiếu trên 450 hồ sơ đã trả kết quả (11,11 %)" in text
    assert "Lĩnh vực có hồ sơ nhưng chưa có phiếu nào: Xây dựng." in text
    assert "theo tỷ trọng hồ sơ của từng lĩnh vực" in text and "25,00 %" in text


def test_read_api_gives_rates_flags_and_the_weighted_sipas(app, client, district, make_key, october):
    from tests.api.conftest import bearer

    response = client.get("/api/v1/indices?unit=21040&period=2026-10&by=field",
                          headers=bearer(make_key(district.a, scopes="read")))  # fmt: skip
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    groups = {g["code"]: g for g in body["groups"]}
    # HT 40 / 100 = 40 %; DD 10 / 300 = 3,33 %; XD 0 / 50, flagged; the weighted SIPAS as computed above
    assert (groups["HT"]["n"], groups["HT"]["returned"], groups["HT"]["response_rate"]) == (40, 100, 40.0)
    assert (groups["DD"]["n"], groups["DD"]["returned"], groups["DD"]["response_rate"]) == (10, 300, 3.33)
    assert groups["XD"] == {"code": "XD", "name": "Xây dựng", "n": 0, "returned": 50, "response_rate": 0.0,
                            "flags": ["no_answers"], "figures": []}  # fmt: skip
    assert groups["DD"]["figures"][0]["code"] == "SIPAS" and groups["DD"]["figures"][0]["index"] == 0.0
    assert body["sipas_weighted_by_field"] == 25.0
    assert body["period"] == "2026-10" and body["period_label"] == "Tháng 10/2026"
