"""History on today's boundaries: a merged commune counts its predecessors' answers, a split one by shares.

The fixture is a small province as it was before and after 1/7/2025 (all names and numbers are the test's):

* Thị trấn Châu Ổ (21040), Xã Bình Chánh, Xã Bình Thạnh → Xã Bình Sơn (a whole merge; Bình Sơn reuses 21040);
* Xã Bình Hiệp is split: 60 % to Xã Đông Sơn (with Xã Bình Thanh, merged whole), 40 % to Xã Vạn Tường
  (with Xã Bình Trị, merged whole);
* Huyện Bình Sơn (524), the former district, had a one-stop counter of its own.

Each ballot answers every item with one value, except where said, so each expected index below is a
count of satisfied ballots (4 or 5) over valid ones, worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import select

from survey import queries
from survey.extensions import db as _db
from survey.figures import boundaries, cells, province, tables
from survey.figures.settings import Settings
from survey.models import Counter, Field, Unit
from survey.services import units as unit_service
from survey.services.responses import Ballot, build_response
from survey.services.users import create_user

MERGER = date(2025, 7, 1)
LAST_OLD_DAY = date(2025, 6, 30)
ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")
PASSWORD = "mat-khau-thu-nghiem"

#: answers of March 2025 (before the merger) at each former unit: one value a ballot, for every item
MARCH_2025 = {
    "21040": [5, 4, 4, 2],  # Châu Ổ: 3 of 4 satisfied (its first ballot: element E "not applicable")
    "21052": [3, 5],  # Bình Chánh: 1 of 2
    "21043": [4, 4],  # Bình Thạnh: 2 of 2
    "524": [1, 1, 1],  # the former district's own counter: 0 of 3
    "21100": [5, 5, 2, 2, 2],  # Bình Hiệp (split 60/40): 2 of 5
    "21130": [4],  # Bình Trị: 1 of 1
    "21110": [2, 4],  # Bình Thanh: 1 of 2
}
#: answers of March 2026 at the new communes
MARCH_2026 = {"21040": [5, 5, 3], "21100": [4, 2], "21160": [5]}


def _ballots(unit: Unit, counter: Counter, field_id: int, values: list[int], month: tuple[int, int],
             first_e_na: bool = False) -> list:  # fmt: skip
    out = []
    for i, value in enumerate(values):
        answers = dict.fromkeys(ITEMS, value)
        if first_e_na and i == 0:
            answers.update(dict.fromkeys(("E1", "E2", "E3"), 0))
        stamp = datetime(*month, 10 + i, 3, tzinfo=UTC)
        out.append(Ballot(key=f"k-{unit.id}-{month[0]}{month[1]:02d}-{i:04d}-xxxxxxxx", profile="sipas-2024",
                          unit_id=unit.id, field_id=field_id, counter_id=counter.id, answers=answers,
                          submitted_at=stamp))  # fmt: skip
    return out


@pytest.fixture
def history(app, db, make_field):
    make_field("HT", "Hộ tịch")
    with app.app_context():
        field_id = _db.session.scalar(select(Field.id).where(Field.code == "HT"))
        add = unit_service.add_unit
        province = add("51", "Tỉnh Quảng Ngãi", unit_type="tinh")
        district = add("524", "Huyện Bình Sơn", unit_type="huyen", parent=province, valid_to=LAST_OLD_DAY)
        old = {code: add(code, name, unit_type=kind, parent=district)
               for code, name, kind in [("21040", "Thị trấn Châu Ổ", "thi_tran"), ("21052", "Xã Bình Chánh", "xa"),
                                        ("21043", "Xã Bình Thạnh", "xa"), ("21100", "Xã Bình Hiệp", "xa"),
                                        ("21130", "Xã Bình Trị", "xa"), ("21110", "Xã Bình Thanh", "xa")]}  # fmt: skip
        counters = {}
        for code, unit in [*old.items(), ("524", district)]:
            counters[code] = Counter(unit=unit, code=f"Q-{code}", name="Quầy 1")
        _db.session.add_all(counters.values())
        _db.session.flush()
        ballots = []
        for code, values in MARCH_2025.items():
            unit = district if code == "524" else old[code]
            ballots += _ballots(unit, counters[code], field_id, values, (2025, 3), first_e_na=code == "21040")
        for b in ballots:  # given before the merger, where the citizens were served
            _db.session.add(build_response(b))
        _db.session.flush()
        basis = unit_service.LegalBasis("1677/NQ-UBTVQH15", date(2025, 6, 16))
        binh_son = unit_service.record_merger([old["21040"], old["21052"], old["21043"]],
                                              unit_service.NewUnit("21040", "Xã Bình Sơn", "xa", province), MERGER,
                                              basis)  # fmt: skip
        for code in ("21100", "21130", "21110"):
            unit_service.close_unit(old[code], LAST_OLD_DAY)
        unit_service.close_unit(district, LAST_OLD_DAY)
        dong_son = add("21100", "Xã Đông Sơn", unit_type="xa", parent=province, valid_from=MERGER)
        van_tuong = add("21160", "Xã Vạn Tường", unit_type="xa", parent=province, valid_from=MERGER)
        succeed = unit_service.record_succession
        succeed(old["21100"], dong_son, MERGER, "split", share=0.6, share_basis="dân số", basis=basis)
        succeed(old["21100"], van_tuong, MERGER, "split", share=0.4, share_basis="dân số", basis=basis)
        succeed(old["21110"], dong_son, MERGER, "merge", basis=basis)
        succeed(old["21130"], van_tuong, MERGER, "merge", basis=basis)
        new = {"21040": binh_son, "21100": dong_son, "21160": van_tuong}
        for code, unit in new.items():
            counters[f"new-{code}"] = Counter(unit=unit, code=f"Q-NEW-{code}", name="Điểm tiếp nhận số 1")
        _db.session.add_all([counters[f"new-{c}"] for c in new])
        _db.session.flush()
        for code, values in MARCH_2026.items():
            for b in _ballots(new[code], counters[f"new-{code}"], field_id, values, (2026, 3)):
                _db.session.add(build_response(b))
        create_user("sonoivu", PASSWORD, "reviewer", "Sở Nội vụ", province)
        create_user("canbo.binhson", PASSWORD, "unit_officer", "Cán bộ Xã Bình Sơn", binh_son)
        _db.session.commit()
        return {"province": province.id, "district": district.id, "binh_son": binh_son.id, "dong_son": dong_son.id,
                "van_tuong": van_tuong.id, "old": {code: u.id for code, u in old.items()}}  # fmt: skip


TODAY = date(2026, 1, 1)


def _login(client, username: str) -> None:
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def _scope(ids, month: int = 202503, on: date | None = TODAY, last: int | None = None) -> queries.Scope:
    """The scope the dashboard builds for units ``ids`` (each with its subtree) on the boundaries of ``on``."""
    if ids is not None:
        ids = [i for unit_id in ids for i in unit_service.subtree_ids(unit_id)]
    expanded = boundaries.expand(ids, on) if on is not None and ids is not None else ids
    return queries.Scope(start_month=month, end_month=last or month, unit_ids=expanded, boundaries=on)


def _overall(table: pd.DataFrame) -> pd.DataFrame:
    return table[(table["level"] == "overall")].set_index("unit_code") if "unit_code" in table else table


@pytest.mark.parametrize("folded", [False, True], ids=["rows", "cells"])
def test_a_merge_maps_every_predecessor_answer_exactly_once(app, history, folded):
    with app.app_context():
        if folded:  # the same from the folded cells as from the rows
            cells.fold()
            _db.session.commit()
        per_unit = queries.responses_per_group(queries.Scope(start_month=202503, end_month=202503), ["unit_id"])
        raw = dict(zip(per_unit["unit_id"].astype(int), per_unit["n_responses"], strict=True))
        frames = queries.frames(_scope(None), ["unit_code"])
        n = dict(zip(frames.n_responses["unit_code"], frames.n_responses["n_responses"], strict=True))
        old = history["old"]
        # Xã Bình Sơn = Châu Ổ + Bình Chánh + Bình Thạnh, each once: 4 + 2 + 2
        assert n["21040"] == raw[old["21040"]] + raw[old["21052"]] + raw[old["21043"]] == 8
        assert n["524"] == 3  # the former district's own line
        assert n["21100"] == pytest.approx(2 + 0.6 * 5) and n["21160"] == pytest.approx(1 + 0.4 * 5)
        assert sum(n.values()) == pytest.approx(sum(len(v) for v in MARCH_2025.values()))  # nothing lost or doubled
        # the whole-merge groups stay integer counts: exact
        assert float(n["21040"]).is_integer()
        # and as recorded (no boundaries): every answer where it was given
        recorded = queries.frames(queries.Scope(start_month=202503, end_month=202503), ["unit_code"]).n_responses
        assert "21052" in set(recorded["unit_code"])


def test_a_split_distributes_by_its_shares_and_is_marked_estimated(app, history):
    settings = Settings()
    with app.app_context():
        t = tables.table(_scope([history["dong_son"]]), [], settings)
        whole = tables.table(_scope([history["binh_son"]]), [], settings)
    a1 = t[t["code"] == "A1"].iloc[0]
    # Bình Thanh [2, 4] wholly + 60 % of Bình Hiệp [5, 5, 2, 2, 2]: (1 + 0.6·2) / (2 + 0.6·5) = 2.2 / 5
    assert a1["n_valid"] == pytest.approx(5.0) and a1["n_satisfied"] == pytest.approx(2.2)
    assert a1["index"] == pytest.approx(44.0)
    assert (t["flag"].str.contains("estimated")).all()
    assert not whole["flag"].str.contains("estimated").any()


def test_the_merged_commune_in_march_2025_on_todays_boundaries_equals_the_hand_count(app, history):
    settings = Settings()
    with app.app_context():
        t = tables.table(_scope([history["binh_son"]]), [], settings)
    got = t.set_index("code")["index"]
    # 8 ballots of Châu Ổ, Bình Chánh, Bình Thạnh; satisfied: 5, 4, 4 (Châu Ổ), 5 (Bình Chánh), 4, 4 (Bình Thạnh)
    assert got["A1"] == pytest.approx(600 / 8)  # 75 %
    assert got["A"] == got["B"] == got["C"] == got["D"] == pytest.approx(75.0)
    # E: Châu Ổ's first ballot (a 5) said "not applicable": 5 satisfied of 7 valid
    assert got["E"] == pytest.approx(500 / 7)
    # SIPAS = mean of the five elements = (4·75 + 500/7) / 5 = 74.2857…
    assert got["SIPAS"] == pytest.approx((300 + 500 / 7) / 5)
    assert int(t.loc[t["code"] == "SIPAS", "n_responses"].iloc[0]) == 8


def test_the_former_district_counter_never_leaks_into_one_commune(app, history):
    settings = Settings()
    with app.app_context():
        for commune in ("binh_son", "dong_son", "van_tuong"):
            ids = boundaries.expand([history[commune]], TODAY)
            assert history["district"] not in ids
        ranked = tables.by_unit(_scope([history["province"]]), settings).set_index("unit_code")
    assert (
        ranked.loc["524", "n_responses"] == 3
        and ranked.loc["524", "unit_name"] == "Huyện Bình Sơn (đơn vị cũ, đến 30/06/2025)"
    )
    assert pd.isna(ranked.loc["524", "rank"])  # shown as the former district's line, not ranked among communes
    assert ranked.loc["21040", "unit_name"] == "Xã Bình Sơn"  # the code's current bearer, not Châu Ổ
    assert ranked.loc["21040", "n_responses"] == 8


def test_the_trend_marks_the_merger_and_the_pages_say_on_which_boundaries(app, client, history):
    _login(client, "canbo.binhson")
    html = client.get("/admin/xu-huong?month=2026-03").get_data(as_text=True)
    assert "sáp nhập" in html and 'stroke-dasharray="4 4"' in html
    assert "theo địa giới hành chính ngày" in html and "01/07/2025" in html
    # the year before the merger is in the officer's series, on today's boundaries
    overview = client.get("/admin/?month=2025-03").get_data(as_text=True)
    assert "74,29 %" in overview
    recorded = client.get("/admin/?month=2025-03&boundaries=recorded").get_data(as_text=True)
    assert "74,29 %" not in recorded


def test_export_on_boundaries_through_the_analysis_cli_equals_the_dashboard(app, runner, history, tmp_path):
    out = tmp_path / "responses.csv"
    result = runner.invoke(args=["responses", "export", "--out", str(out), "--boundaries", "2026-01-01"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    moved = [r for r in rows if r["unit_code_original"] == "21052"]
    assert len(moved) == 2 and {r["unit_code"] for r in moved} == {"21040"}
    assert {r["unit_code"] for r in rows if r["unit_code_original"] == "21100" and r["submitted_at"] < "2026"} == {
        "21100",
        "21160",  # a split unit's answers: a row per successor, by share (tests/cli/test_boundaries_export.py)
    }
    assert {r["unit_code"] for r in rows if r["unit_code_original"] == "524"} == {"524"}
    cli = subprocess.run([sys.executable, "-m", "analysis", "sipas", str(out), "--by", "unit_code,month"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    analysed = pd.read_csv(io.StringIO(cli.stdout), dtype={"unit_code": str})
    sipas = analysed[(analysed["level"] == "overall")].set_index(["unit_code", "month"])["index"]
    with app.app_context():
        dashboard = tables.table(_scope([history["binh_son"]], on=date(2026, 1, 1), last=202603), ["unit_code", "month"],
                                 Settings())  # fmt: skip
    shown = dashboard[dashboard["level"] == "overall"].set_index(["unit_code", "month"])["index"]
    assert sipas[("21040", "2025-03")] == pytest.approx(shown[("21040", "2025-03")])
    assert sipas[("21040", "2025-03")] == pytest.approx((300 + 500 / 7) / 5)  # the hand count above
    assert sipas[("21040", "2026-03")] == pytest.approx(shown[("21040", "2026-03")]) == pytest.approx(200 / 3)


def test_province_index_is_the_mean_of_its_communes(app, client, history):
    settings = Settings()
    with app.app_context():
        result = province.province_index(_scope([history["province"]]), settings)
    # Bình Sơn (300 + 500/7)/5; Đông Sơn 2.2/5 = 44 %; Vạn Tường (1 + 0.4·2)/(1 + 0.4·5) = 60 %;
    # the former district's line (0 %) is no commune and does not count
    expected = ((300 + 500 / 7) / 5 + 44.0 + 60.0) / 3
    assert result.n_communes == 3
    assert result.overall == pytest.approx(expected)
    _login(client, "sonoivu")
    overview = client.get("/admin/?month=2025-03").get_data(as_text=True)
    assert "59,43 %" in overview  # the province's index as printed: (74,2857 + 44 + 60) / 3 = 59,4286
    ranking = client.get("/admin/don-vi?month=2025-03").get_data(as_text=True)
    assert "Xã Bình Sơn" in ranking and "Xã Đông Sơn" in ranking and "Huyện Bình Sơn" in ranking
    # a reviewer who sees every unit, with one province in the database, reads the same line
    with app.app_context():
        create_user("vanphong", PASSWORD, "reviewer", "Văn phòng UBND tỉnh")
        _db.session.commit()
    other = app.test_client()
    _login(other, "vanphong")
    assert "59,43 %" in other.get("/admin/?month=2025-03").get_data(as_text=True)
