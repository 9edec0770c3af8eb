"""``responses export --boundaries`` piped into ``python -m analysis sipas`` gives the dashboard's figures,
the split units' estimated ones too (issue 14, "Done when").

The fixture is the small province of tests/figures/test_boundaries.py: Bình Hiệp (21100) is split 60 % to
Xã Đông Sơn (which reuses 21100) and 40 % to Xã Vạn Tường (21160); Châu Ổ, Bình Chánh and Bình Thạnh merge
whole into Xã Bình Sơn (21040). The expected figures are counted by hand in the comments.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from survey.figures import fmt, tables
from survey.figures.settings import Settings
from tests.figures.test_boundaries import MARCH_2025, MARCH_2026, _scope

ON = date(2026, 1, 1)


def _export(runner, path, *extra) -> list[dict[str, str]]:
    result = runner.invoke(args=["responses", "export", "--out", str(path), "--boundaries", ON.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _analyse(path, *extra) -> pd.DataFrame:
    cli = subprocess.run([sys.executable, "-m", "analysis", "sipas", str(path), "--by", "unit_code,month", *extra],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return pd.read_csv(io.StringIO(cli.stdout), dtype={"unit_code": str, "flag": str}).fillna({"flag": ""})


def test_a_split_units_answers_are_written_once_per_successor_with_its_share(app, runner, history, tmp_path):
    out = tmp_path / "responses.csv"
    result = runner.invoke(args=["responses", "export", "--out", str(out), "--boundaries", "2026-01-01"])
    # every response counted once, whatever the rows: 19 answers of March 2025 and 6 of March 2026
    total = sum(map(len, MARCH_2025.values())) + sum(map(len, MARCH_2026.values()))
    assert f"Đã xuất {total} phiếu" in result.output
    rows = _export(runner, out)
    split = [r for r in rows if r["unit_code_original"] == "21100" and r["submitted_at"] < "2026"]
    assert len(split) == 2 * 5  # Bình Hiệp's five answers, once for each successor
    assert sorted({(r["unit_code"], r["weight"], r["estimated"]) for r in split}) == [
        ("21100", "0.6", "1"),
        ("21160", "0.4", "1"),
    ]
    for key in {r["response_id"] for r in split}:
        assert sorted(r["unit_code"] for r in split if r["response_id"] == key) == ["21100", "21160"]
    whole = [r for r in rows if r not in split]
    assert len(whole) == total - 5 and {(r["weight"], r["estimated"]) for r in whole} == {("1", "")}
    assert {r["unit_code"] for r in whole if r["unit_code_original"] in ("21052", "21043")} == {"21040"}
    assert {r["unit_code"] for r in whole if r["unit_code_original"] == "524"} == {"524"}  # the former district
    # the shares add up to each response once
    assert sum(float(r["weight"]) for r in rows) == pytest.approx(total)
    # such a file names the units of a later day: it is for analysis, never imported back
    refused = runner.invoke(args=["responses", "import", str(out)])
    assert refused.exit_code == 1 and "--boundaries" in refused.output


def test_the_analysis_cli_on_the_export_prints_the_dashboards_figures_estimated_ones_too(app, runner, history,
                                                                                        tmp_path):  # fmt: skip
    out = tmp_path / "responses.csv"
    _export(runner, out)
    analysed = _analyse(out)
    cli = analysed[analysed["level"] == "overall"].set_index(["unit_code", "month"])
    with app.app_context():
        dashboard = tables.table(_scope([history["province"]], on=ON, last=202603), ["unit_code", "month"],
                                 Settings())  # fmt: skip
    shown = dashboard[dashboard["level"] == "overall"].set_index(["unit_code", "month"])
    # Xã Đông Sơn, 03/2025: Bình Thanh [2, 4] whole + 0.6 of Bình Hiệp [5, 5, 2, 2, 2] = 2.2 satisfied of 5: 44 %
    # Xã Vạn Tường, 03/2025: Bình Trị [4] whole + 0.4 of Bình Hiệp = 1.8 of 3: 60 %
    expected = {("21100", "2025-03"): "44,00 %", ("21160", "2025-03"): "60,00 %",
                ("21040", "2025-03"): fmt.percent((300 + 500 / 7) / 5)}  # fmt: skip
    for key, printed in expected.items():
        assert fmt.percent(cli.loc[key, "index"]) == fmt.percent(shown.loc[key, "index"]) == printed, key
    assert set(cli.index) == set(shown.index)
    for key in shown.index:  # every unit and month: the same index, respondents, interval, flags
        assert fmt.percent(cli.loc[key, "index"]) == fmt.percent(shown.loc[key, "index"]), key
        assert cli.loc[key, "n_responses"] == pytest.approx(shown.loc[key, "n_responses"]), key
        assert cli.loc[key, "ci_low"] == pytest.approx(shown.loc[key, "ci_low"], nan_ok=True), key
        assert ("estimated" in cli.loc[key, "flag"]) == (key in {("21100", "2025-03"), ("21160", "2025-03")}), key
    assert "estimated" in shown.loc[("21100", "2025-03"), "flag"]
    assert cli.loc[("21100", "2025-03"), "n_responses"] == pytest.approx(2 + 0.6 * 5)


def test_the_analysis_cli_refuses_a_bad_weight_and_a_response_twice_on_one_unit(tmp_path):
    head = ("response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,channel,"
            "A1,A2,A3,B1,B2,B3,B4,C1,C2,C3,D1,D2,D3,E1,E2,E3,unit_code_original,weight,estimated")  # fmt: skip
    row = "{id},2025-03-10T10:00:00+07:00,sipas-2024,{unit},,HT,,qr," + ",".join(["4"] * 16) + ",21100,{w},{e}"
    path = tmp_path / "x.csv"
    path.write_text("\n".join([head, row.format(id="r1", unit="21100", w="0.6", e="1"),
                               row.format(id="r1", unit="21160", w="-0.4", e="có"),
                               row.format(id="r1", unit="21100", w="0.6", e="1")]) + "\n", encoding="utf-8")  # fmt: skip
    cli = subprocess.run([sys.executable, "-m", "analysis", "sipas", str(path)], capture_output=True, text=True)
    assert cli.returncode == 1 and cli.stdout == ""
    assert "Dòng 3, cột weight" in cli.stderr and "Dòng 3, cột estimated" in cli.stderr
    assert "Dòng 4, cột response_id: mã phiếu 'r1' trùng với dòng 2" in cli.stderr


def test_officers_on_a_boundaries_file_are_each_where_they_served(tmp_path):
    """A split unit's response is on two rows of a boundaries export: the per-officer figure counts it once,
    at the unit where the officer served, as from the plain export."""
    head = ("response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,channel,"
            "A1,A2,A3,B1,B2,B3,B4,C1,C2,C3,D1,D2,D3,E1,E2,E3,officer_code")  # fmt: skip
    plain, split = [head], [head + ",unit_code_original,weight,estimated"]
    for i in range(40):
        value = 5 if i % 3 else 2
        row = f"r{i},2025-03-10T10:00:00+07:00,sipas-2024,{{unit}},,HT,,qr," + ",".join([str(value)] * 16)
        officer = "CB-1" if i % 2 else "CB-2"
        plain.append(row.format(unit="21100") + f",{officer}")
        split.append(row.format(unit="21100") + f",{officer},21100,0.6,1")
        split.append(row.format(unit="21160") + f",{officer},21100,0.4,1")
    outputs = []
    for name, lines in (("plain.csv", plain), ("split.csv", split)):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cli = subprocess.run([sys.executable, "-m", "analysis", "officers", str(path), "--min-n", "1"],
                             capture_output=True, text=True, check=True)  # fmt: skip
        outputs.append(cli.stdout)
    assert outputs[0] == outputs[1] and "CB-1" in outputs[0]
