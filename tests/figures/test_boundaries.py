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
from survey.figures import boundaries, cells, derived, province, tables
from survey.figures.settings import Settings
from survey.models import Counter, Field, Unit
from survey.services import dossiers, response_rates
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


def _reform(old: dict[str, Unit], merged: tuple[str, ...], district: Unit, province: Unit) -> tuple[Unit, ...]:
    """1/7/2025: ``merged`` → Xã Bình Sơn (reusing 21040); Xã Bình Hiệp (21100) split 60 % to Xã Đông Sơn (with
    Xã Bình Thanh, 21110, whole) and 40 % to Xã Vạn Tường (with Xã Bình Trị, 21130, whole); the district closed."""
    basis = unit_service.LegalBasis("1677/NQ-UBTVQH15", date(2025, 6, 16))
    binh_son = unit_service.record_merger([old[c] for c in merged],
                                          unit_service.NewUnit("21040", "Xã Bình Sơn", "xa", province), MERGER,
                                          basis)  # fmt: skip
    for unit in (old["21100"], old["21130"], old["21110"], district):
        unit_service.close_unit(unit, LAST_OLD_DAY)
    add = unit_service.add_unit
    dong_son = add("21100", "Xã Đông Sơn", unit_type="xa", parent=province, valid_from=MERGER)
    van_tuong = add("21160", "Xã Vạn Tường", unit_type="xa", parent=province, valid_from=MERGER)
    succeed = unit_service.record_succession
    succeed(old["21100"], dong_son, MERGER, "split", share=0.6, share_basis="dân số", basis=basis)
    succeed(old["21100"], van_tuong, MERGER, "split", share=0.4, share_basis="dân số", basis=basis)
    succeed(old["21110"], dong_son, MERGER, "merge", basis=basis)
    succeed(old["21130"], van_tuong, MERGER, "merge", basis=basis)
    return binh_son, dong_son, van_tuong


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
        binh_son, dong_son, van_tuong = _reform(old, ("21040", "21052", "21043"), district, province)
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


# ---- every reader on the boundaries: channels, excluded ballots, dossiers and comments -----------------------
#
# A Xã Bình Sơn-like merge of seven former units, a split (60 % / 40 %) and the former district's counter.
# March 2025 (before the merger), per former unit: counted ballots per channel, excluded ballots (reason),
# dossiers returned (field Hộ tịch) and comments. All numbers are the test's.
SEVEN = {  # code: (name, {channel: counted ballots}, (excluded ballots, reason), dossiers returned, comment)
    "21040": ("Thị trấn Châu Ổ", {"qr": 3, "paper": 1}, (1, "device"), 20, "Cán bộ nhiệt tình"),
    "21043": ("Xã Bình Thạnh", {"qr": 2}, (0, None), None, None),
    "21052": ("Xã Bình Chánh", {"kiosk": 2}, (2, "rate"), 10, None),
    "21055": ("Xã Bình Dương", {"qr": 1, "web": 1}, (0, None), None, None),
    "21058": ("Xã Bình Nguyên", {"paper": 2}, (1, "hours"), None, None),
    "21061": ("Xã Bình Trung", {"qr": 1}, (0, None), None, None),
    "21064": ("Xã Bình Long", {"web": 2}, (1, "review"), None, "Phải chờ lâu"),
}
OTHERS = {
    "524": ("Huyện Bình Sơn", {"qr": 3}, (2, "rate"), 30, "Bãi xe chật"),  # the former district's own counter
    "21100": ("Xã Bình Hiệp", {"qr": 5, "paper": 3}, (5, "rate"), 50, "Cần thêm ghế ngồi"),  # split 60/40
    "21110": ("Xã Bình Thanh", {"qr": 1}, (0, None), 10, None),  # → Đông Sơn, whole
    "21130": ("Xã Bình Trị", {"kiosk": 2}, (1, "device"), 10, None),  # → Vạn Tường, whole
}


@pytest.fixture
def seven(app, db, make_field):
    make_field("HT", "Hộ tịch")
    with app.app_context():
        field = _db.session.scalar(select(Field).where(Field.code == "HT"))
        add = unit_service.add_unit
        province = add("51", "Tỉnh Quảng Ngãi", unit_type="tinh")
        district = add("524", "Huyện Bình Sơn", unit_type="huyen", parent=province, valid_to=LAST_OLD_DAY)
        old = {code: add(code, name, unit_type="thi_tran" if code == "21040" else "xa", parent=district)
               for code, (name, *_rest) in {**SEVEN, **OTHERS}.items() if code != "524"}  # fmt: skip
        old["524"] = district
        counters = {code: Counter(unit=unit, code=f"Q-{code}", name="Quầy 1") for code, unit in old.items()}
        _db.session.add_all(counters.values())
        _db.session.flush()
        cells = []
        for code, (_name, channels, (excluded, reason), returned, comment) in {**SEVEN, **OTHERS}.items():
            i = 0
            for channel, n in [*channels.items(), ("qr", excluded)]:
                for _ in range(n):
                    i += 1
                    response = build_response(Ballot(
                        key=f"s-{code}-{i:04d}-xxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=old[code].id,
                        field_id=field.id, counter_id=counters[code].id, channel=channel,
                        answers=dict.fromkeys(ITEMS, 4), comment=comment if i == 1 else None,
                        submitted_at=datetime(2025, 3, 1 + i, 3, tzinfo=UTC)))  # fmt: skip
                    if channel == "qr" and i > sum(channels.values()):  # the last ``excluded`` ballots
                        response.is_excluded, response.flags = True, reason
                    _db.session.add(response)
            if returned is not None:
                cells.append(dossiers.Cell(old[code], field, None, 202503, returned, returned, 0))
        dossiers.record(cells)
        binh_son, dong_son, van_tuong = _reform(old, tuple(SEVEN), district, province)
        for user, unit in (("canbo.binhson", binh_son), ("canbo.dongson", dong_son), ("canbo.vantuong", van_tuong)):
            create_user(user, PASSWORD, "unit_officer", f"Cán bộ {unit.name}", unit)
        create_user("sonoivu", PASSWORD, "reviewer", "Sở Nội vụ", province)
        _db.session.commit()
        return {"province": province.id, "district": district.id, "binh_son": binh_son.id, "dong_son": dong_son.id,
                "van_tuong": van_tuong.id}  # fmt: skip


def _per_channel(scope: queries.Scope, by=("channel",)) -> dict:
    t = queries.responses_per_group(scope, list(by))
    return {tuple(r[:-1]) if len(by) > 1 else r[0]: r[-1] for r in t.itertuples(index=False, name=None)}


@pytest.mark.parametrize("folded", [False, True], ids=["rows", "cells"])
def test_channel_and_excluded_counts_of_seven_predecessors_add_up_for_the_merged_commune(app, seven, folded):
    with app.app_context():
        if folded:  # the channel counts from the folded cells (read per unit id) equal those from the rows
            cells.fold()
            _db.session.commit()
        scope = _scope([seven["binh_son"]])
        # qr: Châu Ổ 3 + Bình Thạnh 2 + Bình Dương 1 + Bình Trung 1 = 7; paper: Châu Ổ 1 + Bình Nguyên 2 = 3;
        # kiosk: Bình Chánh 2; web: Bình Dương 1 + Bình Long 2 = 3 (excluded ballots are not counted)
        assert _per_channel(scope) == {"kiosk": 2, "paper": 3, "qr": 7, "web": 3}
        assert int(queries.responses_per_group(scope)["n_responses"].iloc[0]) == 15
        excluded = derived.excluded_total(scope)
        # Châu Ổ 1 (device) + Bình Chánh 2 (rate) + Bình Nguyên 1 (hours) + Bình Long 1 (review) = 5
        assert (excluded.total, excluded.estimated) == (5, False)
        assert excluded.by_reason == {"rate": 2, "device": 1, "burst": 0, "hours": 1, "review": 1}
        # as recorded (no boundaries), Xã Bình Sơn had nothing in March 2025
        recorded = queries.Scope(start_month=202503, end_month=202503, unit_ids=(seven["binh_son"],))
        assert _per_channel(recorded) == {} and derived.excluded_total(recorded).total == 0


def test_a_split_units_channel_and_excluded_counts_go_by_shares_rounded_and_marked(app, seven):
    with app.app_context():
        dong_son, van_tuong = _scope([seven["dong_son"]]), _scope([seven["van_tuong"]])
        # Đông Sơn: Bình Thanh qr 1 wholly + 60 % of Bình Hiệp (qr 5, paper 3): qr 1 + 3 = 4, paper 1,8 → 2
        assert _per_channel(dong_son) == {"paper": 2, "qr": 4}
        # Vạn Tường: Bình Trị kiosk 2 wholly + 40 % of Bình Hiệp: qr 2, paper 1,2 → 1
        assert _per_channel(van_tuong) == {"kiosk": 2, "paper": 1, "qr": 2}
        # excluded: Đông Sơn 60 % of Bình Hiệp's 5 (rate) = 3; Vạn Tường 40 % of 5 = 2 (rate) + Bình Trị's 1 (device)
        ds, vt = derived.excluded_total(dong_son), derived.excluded_total(van_tuong)
        assert (ds.total, ds.by_reason["rate"], ds.estimated) == (3, 3, True)
        assert (vt.total, vt.by_reason["rate"], vt.by_reason["device"], vt.estimated) == (3, 2, 1, True)
        assert ds.text() == ("3 phiếu bị loại (quá nhiều phiếu tại một quầy trong một phút: 3) — Ước tính (đơn vị cũ "
                             "bị chia tách, phiếu chia theo tỷ lệ)")  # fmt: skip
        # the province by commune: each group once, the split commune's marked
        by_unit = _per_channel(_scope([seven["province"]]), ("unit_code", "channel"))
        assert by_unit[("21040", "qr")] == 7 and by_unit[("21100", "paper")] == 2 and by_unit[("21160", "paper")] == 1
        assert boundaries.estimated_groups(_scope([seven["province"]]), ["unit_code"]) == {("21100",), ("21160",)}
        per_unit = derived.excluded(_scope([seven["province"]]), ["unit_code"])
        assert {k: (s.total, s.estimated) for k, s in per_unit.items()} == {
            ("21040",): (5, False),
            ("524",): (2, False),
            ("21100",): (3, True),
            ("21160",): (3, True),
        }


def test_the_former_districts_counter_is_never_counted_for_one_commune(app, seven):
    with app.app_context():
        for commune in ("binh_son", "dong_son", "van_tuong"):
            scope = _scope([seven[commune]])
            assert seven["district"] not in scope.unit_ids
            assert "Bãi xe chật" not in [r["comment"] for r in boundaries.comments(scope)]
        # the district's 3 counted ballots (qr) and 2 excluded stay on its own line, in the province's scope
        by_unit = _per_channel(_scope([seven["province"]]), ("unit_code", "channel"))
        assert by_unit[("524", "qr")] == 3
        # province total: every counted ballot of March 2025 once = 15 + 3 + 8 + 1 + 2 = 29
        assert int(queries.responses_per_group(_scope([seven["province"]]))["n_responses"].iloc[0]) == 29
        rates = response_rates.rates(_scope([seven["province"]]), ["unit_code"]).set_index("unit_code")
        assert rates.loc["524", "returned"] == 30 and rates.loc["21040", "returned"] == 30


def test_response_rates_follow_the_boundaries(app, seven):
    with app.app_context():
        binh_son = response_rates.overview(_scope([seven["binh_son"]]))
        dong_son = response_rates.overview(_scope([seven["dong_son"]]))
        van_tuong = response_rates.rates(_scope([seven["van_tuong"]]), [])
    # Xã Bình Sơn: 15 counted ballots; dossiers Châu Ổ 20 + Bình Chánh 10 = 30: 50 %
    assert (binh_son["answers"], binh_son["returned"], binh_son["rate"], binh_son["estimated"]) == (15, 30, 50.0, "")
    assert response_rates.rate_text(binh_son) == "15 phiếu trên 30 hồ sơ đã trả kết quả (50,00 %)"
    # Đông Sơn: ballots 1 + 0,6 · 8 = 5,8 → 6; dossiers 10 + 0,6 · 50 = 40; 6 / 40 = 15 %, estimated
    assert (dong_son["answers"], dong_son["returned"], bool(dong_son["estimated"])) == (6, 40, True)
    assert response_rates.rate_text(dong_son) == ("6 phiếu trên 40 hồ sơ đã trả kết quả (15,00 %) — Ước tính (đơn vị "
                                                  "cũ bị chia tách, phiếu chia theo tỷ lệ)")  # fmt: skip
    # Vạn Tường: ballots 2 + 0,4 · 8 = 5,2 → 5; dossiers 10 + 0,4 · 50 = 30; 5 / 30 = 16,67 %
    row = van_tuong.iloc[0]
    assert (row["answers"], row["returned"]) == (5, 30) and row["rate"] == pytest.approx(100 * 5 / 30)


def test_comments_of_predecessors_and_of_a_split_unit_for_every_successor(app, client, seven):
    _login(client, "canbo.binhson")
    page = client.get("/admin/y-kien?month=2025-03").get_data(as_text=True)
    assert "Cán bộ nhiệt tình" in page and "Phải chờ lâu" in page
    assert "Thị trấn Châu Ổ (đơn vị cũ, nay thuộc Xã Bình Sơn)" in page
    assert "Bãi xe chật" not in page and "Cần thêm ghế ngồi" not in page
    assert "gồm cả ý kiến tại các đơn vị cũ" in page and "mọi đơn vị mới nhận phần" not in page  # no split here
    for officer in ("canbo.dongson", "canbo.vantuong"):  # the split unit's comment: both successors, said so
        other = app.test_client()
        _login(other, officer)
        page = other.get("/admin/y-kien?month=2025-03").get_data(as_text=True)
        assert "Cần thêm ghế ngồi" in page and "Cán bộ nhiệt tình" not in page and "Bãi xe chật" not in page
        assert "Xã Bình Hiệp (đơn vị cũ, chia cho Xã Đông Sơn và Xã Vạn Tường)" in page
        assert "được hiển thị cho mọi đơn vị mới nhận phần của đơn vị đó" in page
    export = client.get("/admin/xuat/comments.csv?month=2025-03")  # the view's CSV carries the same rows
    assert export.status_code == 200
    assert "Thị trấn Châu Ổ (đơn vị cũ, nay thuộc Xã Bình Sơn)" in export.get_data(as_text=True)


def test_the_dashboard_overview_shows_excluded_and_rates_on_the_boundaries(app, client, seven):
    _login(client, "canbo.dongson")
    page = client.get("/admin/?month=2025-03").get_data(as_text=True)
    # 6 ballots (5,8 rounded), 3 excluded (60 % of 5), 6 / 40 dossiers, each marked as an estimate
    text = re.sub(r"<[^>]+>", "", page)
    assert "6 phiếu trên 40 hồ sơ đã trả kết quả\n    (15,00 %) — Ước tính" in text
    assert "3 phiếu bị loại (quá nhiều phiếu tại một quầy trong một phút: 3) — Ước tính" in text
    export = client.get("/admin/xuat/overview.csv?month=2025-03").get_data(as_text=True)
    total = next(line for line in export.splitlines() if line.startswith("Tổng cộng;"))
    # received; returned; returned late; ballots; rate; note
    assert total == "Tổng cộng;40;40;0;6;15,00;Ước tính (đơn vị cũ bị chia tách, phiếu chia theo tỷ lệ)"


def test_report_comments_of_a_split_unit_go_to_every_successor(app, seven):
    from survey.figures.periods import Period
    from survey.reports.data import comments_of

    with app.app_context():
        ids = (seven["binh_son"], seven["dong_son"], seven["van_tuong"])
        got = comments_of(Period.of_month(202503), ids, Settings(), TODAY)[0]
        recorded = comments_of(Period.of_month(202503), ids, Settings())[0]
    assert got == {
        seven["binh_son"]: [("Cán bộ nhiệt tình", 1), ("Phải chờ lâu", 1)],
        seven["dong_son"]: [("Cần thêm ghế ngồi", 1)],
        seven["van_tuong"]: [("Cần thêm ghế ngồi", 1)],
    }
    assert recorded == {}
