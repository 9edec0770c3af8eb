"""GET /api/v1/indices on the boundaries of a day (``boundaries``): the dashboard's figures, strings and counts.

The fixture is tests/figures/test_boundaries.py's ``seven`` (made visible by tests/api/conftest.py): Xã Bình Sơn made from seven former units, Xã Bình
Hiệp split 60 % / 40 % between Xã Đông Sơn and Xã Vạn Tường, the former district's own counter; March 2025
is before the merger. Every counted ballot answers 4 to every item (satisfied), so every index is 100 %.
"""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

from tests.api.conftest import assert_problem, bearer
from tests.figures.test_boundaries import _login

ESTIMATED = "Ước tính (đơn vị cũ bị chia tách, phiếu chia theo tỷ lệ)"


def _get(client, secret: str, query: str):
    return client.get(f"/api/v1/indices?{query}", headers=bearer(secret))


def _groups(body) -> dict:
    return {g["code"]: g for g in body["groups"]}


def test_a_merged_commune_in_march_2025_counts_its_seven_predecessors(client, seven, make_key):
    secret = make_key(SimpleNamespace(id=seven["province"]), scopes="read")
    body = _get(client, secret, "unit=21040&period=2025-03&by=field&boundaries=2026-01-01").get_json()
    assert body["boundaries"] == "2026-01-01" and body["unit"]["name"] == "Xã Bình Sơn"
    (group,) = body["groups"]
    # 15 counted ballots of the seven (4 + 2 + 2 + 2 + 2 + 1 + 2); dossiers Châu Ổ 20 + Bình Chánh 10 = 30: 50 %
    assert (group["code"], group["n"], group["returned"], group["response_rate"], group["flags"]) == (
        "HT",
        15,
        30,
        50.0,
        [],
    )
    sipas = next(f for f in group["figures"] if f["code"] == "SIPAS")
    assert (sipas["index"], sipas["flags"]) == (100.0, ["small_sample"])  # a whole merge: exact, not estimated
    assert body["notes"] and "theo địa giới hành chính ngày 01/01/2026" in body["notes"][0]
    # the default is today's boundaries, as on the dashboard (today is after the merger)
    assert _get(client, secret, "unit=21040&period=2025-03&by=field").get_json()["groups"] == body["groups"]
    # as recorded, Xã Bình Sơn had no answer in March 2025
    recorded = _get(client, secret, "unit=21040&period=2025-03&by=field&boundaries=recorded").get_json()
    assert recorded["boundaries"] is None and recorded["groups"] == []


def test_split_communes_and_the_former_district_by_unit(client, seven, make_key):
    secret = make_key(SimpleNamespace(id=seven["province"]), scopes="read")
    groups = _groups(_get(client, secret, "unit=51&period=2025-03&by=unit&boundaries=2026-01-01").get_json())
    # Đông Sơn: 1 + 0,6 · 8 = 5,8 → 6 ballots, 10 + 0,6 · 50 = 40 dossiers (6/40 = 15 %), marked estimated
    assert (groups["21100"]["name"], groups["21100"]["n"], groups["21100"]["returned"]) == ("Xã Đông Sơn", 6, 40)
    assert groups["21100"]["response_rate"] == 15.0 and groups["21100"]["flags"] == ["estimated"]
    assert "estimated" in next(f for f in groups["21100"]["figures"] if f["code"] == "SIPAS")["flags"]
    # Vạn Tường: 2 + 0,4 · 8 = 5,2 → 5 ballots, 10 + 0,4 · 50 = 30 dossiers: 16,67 %
    assert (groups["21160"]["n"], groups["21160"]["returned"], groups["21160"]["response_rate"]) == (5, 30, 16.67)
    # the former district's own counter: its own line (3 ballots, 30 dossiers), never one commune's
    assert groups["524"]["name"] == "Huyện Bình Sơn (đơn vị cũ, đến 30/06/2025)"
    assert (groups["524"]["n"], groups["524"]["returned"]) == (3, 30)
    assert (groups["21040"]["name"], groups["21040"]["n"], groups["21040"]["flags"]) == ("Xã Bình Sơn", 15, [])


def test_the_api_says_what_the_dashboard_says_for_the_same_units_month_and_boundaries(app, client, seven, make_key):
    secret = make_key(SimpleNamespace(id=seven["province"]), scopes="read")
    api = _groups(_get(client, secret, "unit=51&period=2025-03&by=unit&boundaries=2026-01-01").get_json())
    _login(client, "sonoivu")
    export = client.get("/admin/xuat/units.csv?unit=51&month=2025-03&boundaries=2026-01-01")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    shown = {r[1]: r for r in rows if len(r) == 7}  # rank; unit; index; from; to; ballots; notes
    # the communes: the same name, number of ballots, index (as printed) and estimate mark
    for code in ("21040", "21100", "21160"):
        group, row = api[code], shown[api[code]["name"]]
        index = next(f for f in group["figures"] if f["code"] == "SIPAS")["index"]
        assert (row[2], row[5]) == (f"{index:.2f}".replace(".", ","), str(group["n"]))
        assert (ESTIMATED in row[6]) == ("estimated" in group["flags"])
    assert [shown[api[c]["name"]][5] for c in ("21040", "21100", "21160")] == ["15", "6", "5"]
    # the former district: the units view's "Toàn huyện Bình Sơn" line is its own 3 ballots, as the API's line
    assert shown["Toàn huyện Bình Sơn"][5] == str(api["524"]["n"]) == "3"
    # the officer of Đông Sơn reads on the overview the ballots and response rate the API gives
    other = app.test_client()
    _login(other, "canbo.dongson")
    page = other.get("/admin/?month=2025-03&boundaries=2026-01-01").get_data(as_text=True)
    assert "<strong>6</strong> phiếu trên <strong>40</strong> hồ sơ" in page and "15,00 %" in page


def test_a_day_that_is_no_date_is_refused_and_the_parameter_is_documented(client, seven, make_key):
    secret = make_key(SimpleNamespace(id=seven["province"]), scopes="read")
    problem = assert_problem(_get(client, secret, "unit=21040&period=2025-03&boundaries=2025-02-30"), 422)
    assert "boundaries" in problem["errors"]
    assert_problem(_get(client, secret, "unit=21040&period=2025-03&boundaries=hom-nay"), 422)
    spec = client.get("/api/openapi.json").get_json()
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/indices"]["get"]["parameters"]}
    assert "địa giới hành chính" in parameters["boundaries"]["description"]
    result = spec["components"]["schemas"]["IndicesResult"]["properties"]
    assert "boundaries" in result and "notes" in result
