"""Golden outputs of ``python -m analysis sipas`` on a hand-checked exchange file.

``tests/data/analysis/golden_responses.csv`` has 12 responses (profile
sipas-2024), units U1 (r01–r06) and U2 (r07–r12). Each respondent has a *base*
answer given to every question, with a few exceptions:

    resp unit base exceptions                       Vietnam time → month
    r01  U1   5    E1,E2,E3 = 0                     2026-03-05 09:00  03
    r02  U1   4    C2 = 3, D1 blank                 2026-03-12 10:00  03
    r03  U1   3    A1 = 5, C0 blank                 2026-03-31T18:30Z = 04-01 01:30 → 04
    r04  U1   5    B3 = 2, E1,E2,E3 = 0             2026-04-02 08:15  04
    r05  U1   4    C1 = 1, C2 blank                 2026-04-10 21:00  04
    r06  U1   1    A2 = 0, S0 blank                 2026-03-20 10:00  03
    r07  U2   4    —                                2026-03-03 08:00  03
    r08  U2   5    D2 = 3, E3 blank                 2026-03-15 09:30  03
    r09  U2   3    B1 = 4, B2 = 4                   2026-03-31T16:59:59Z = 03-31 23:59:59 → 03
    r10  U2   4    E1,E2,E3 = 0                     2026-04-05 10:00  04
    r11  U2   2    C3 = 5                           2026-04-20 08:00  04
    r12  U2   5    A3 = 0, E0 = 0                   2026-04-28 15:00  04

Satisfied = 4 or 5, so 8 respondents are satisfied by default (r01 r02 r04 r05
r07 r08 r10 r12) and 4 are not (r03 r06 r09 r11).

Whole file, items (S/V): A1 9/12 = 75.00 (8 + r03); A2 8/11 = 72.73 (r06 = 0);
A3 7/11 = 63.64 (r12 = 0); B1 = B2 = 9/12 = 75.00 (+ r09); B3 7/12 = 58.33
(− r04); B4 8/12 = 66.67; C1 7/12 = 58.33 (− r05); C2 6/11 = 54.55 (− r02,
r05 blank); C3 9/12 = 75.00 (+ r11); D1 7/11 = 63.64 (r02 blank); D2 7/12 =
58.33 (− r08); D3 8/12 = 66.67; E1 = E2 = 5/9 = 55.56 (r01 r04 r10 = 0); E3
4/8 = 50.00 (and r08 blank). General questions: A0 = B0 = D0 = 8/12 = 66.67,
C0 8/11 = 72.73 (r03 blank), E0 7/11 = 63.64 (r12 = 0), S0 8/11 = 72.73.

Elements, mean_of_items: A (75 + 72.727 + 63.636)/3 = 70.45; B (75 + 75 +
58.333 + 66.667)/4 = 68.75; C (58.333 + 54.545 + 75)/3 = 62.63; D (63.636 +
58.333 + 66.667)/3 = 62.88; E (55.556 + 55.556 + 50)/3 = 53.70; SIPAS = mean of
the five = 318.4133/5 = 63.68. Pooled: A 24/34 = 70.59, B 33/48 = 68.75, C 22/35
= 62.86, D 22/35 = 62.86, E 14/26 = 53.85, SIPAS 115/178 = 64.61.
general_question: A0…E0 as above, SIPAS = S0 = 72.73.

By unit and month (3 respondents each), e.g. U1 2026-03 = r01, r02, r06:
A1 2/3, A2 2/2 (r06 = 0), A3 2/3 → A = (66.67 + 100 + 66.67)/3 = 77.78, pooled
6/8 = 75.00; B 8/12 = 66.67; C1 2/3, C2 1/3 (r02 = 3), C3 2/3 → 55.56 (pooled
5/9); D1 1/2 (r02 blank), D2 2/3, D3 2/3 → 61.11, pooled 5/8 = 62.50; E 1/2 each
(r01 = 0) → 50.00; SIPAS (77.78 + 66.67 + 55.56 + 61.11 + 50)/5 = 62.22, pooled
27/43 = 62.79. The other cells, worked the same way, are in
``golden_unit_month.csv``: U1 2026-04 (r03 r04 r05) SIPAS 60.56 / pooled 27/44 =
61.36; U2 2026-03 (r07 r08 r09) 66.67 / 32/47 = 68.09; U2 2026-04 (r10 r11 r12)
64.44 / 29/44 = 65.91.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "analysis", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )


def cli_table(*args: str) -> pd.DataFrame:
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    text_columns = dict.fromkeys(["flag", "unit_code", "month", "quarter", "year", "ci_method"], "str")
    table = pd.read_csv(io.StringIO(done.stdout), dtype=text_columns)
    table["flag"] = table["flag"].fillna("")
    return table


def check_against(golden: pd.DataFrame, got: pd.DataFrame, keys: list[str]) -> None:
    merged = golden.merge(got, on=keys, how="left", suffixes=("_golden", ""), validate="one_to_one")
    assert merged["index"].notna().all(), "a golden row is missing from the CLI output"
    assert (merged["index"].round(2) == merged["index_golden"]).all(), merged[[*keys, "index", "index_golden"]]
    assert (merged["n_valid"] == merged["n_valid_golden"]).all()
    assert (merged["n_satisfied"] == merged["n_satisfied_golden"]).all()


@pytest.mark.parametrize("rule", ["mean_of_items", "pooled", "general_question"])
def test_whole_file(data_dir: Path, rule: str) -> None:
    golden = pd.read_csv(data_dir / "golden_whole_file.csv")
    golden = golden[golden["rule"] == rule].drop(columns="rule")
    got = cli_table("sipas", str(data_dir / "golden_responses.csv"), "--rule", rule, "--min-n", "10")
    assert list(got.columns[:4]) == ["profile", "level", "code", "n_valid"]
    assert (got["profile"] == "sipas-2024").all()
    assert (got["rule"] == rule).all()
    assert (got["n_responses"] == 12).all()
    assert (got["flag"] == "").all()  # 12 respondents >= --min-n 10
    check_against(golden, got, ["level", "code"])
    # item rows, general questions included, are the same under every rule
    assert (got["level"] == "item").sum() == 16 + 6


def test_whole_file_blank_and_not_applicable_counts(data_dir: Path) -> None:
    got = cli_table("sipas", str(data_dir / "golden_responses.csv"))
    overall = got[got["code"] == "SIPAS"].iloc[0]
    # 0s: A2 (r06), A3 (r12), E1–E3 for r01 r04 r10 = 11; blanks: D1 r02, C2 r05, E3 r08 = 3
    assert (overall["n_na"], overall["n_blank"]) == (11, 3)
    assert overall["flag"] == "small_sample"  # 12 < default min-n 30


@pytest.mark.parametrize("rule", ["mean_of_items", "pooled"])
def test_by_unit_and_month(data_dir: Path, rule: str) -> None:
    golden = pd.read_csv(data_dir / "golden_unit_month.csv", dtype={"month": "str"})
    golden = golden[golden["rule"] == rule].drop(columns="rule")
    got = cli_table("sipas", str(data_dir / "golden_responses.csv"), "--by", "unit_code,month", "--rule", rule)
    assert list(got.columns[:4]) == ["profile", "unit_code", "month", "level"]
    assert sorted(set(zip(got["unit_code"], got["month"], strict=True))) == [
        ("U1", "2026-03"),
        ("U1", "2026-04"),
        ("U2", "2026-03"),
        ("U2", "2026-04"),
    ]
    assert (got["n_responses"] == 3).all()
    assert (got["flag"].str.contains("small_sample")).all()
    check_against(golden, got, ["unit_code", "month", "level", "code"])


def test_by_quarter_and_year_json(data_dir: Path) -> None:
    done = run_cli("sipas", str(data_dir / "golden_responses.csv"), "--by", "quarter", "--format", "json")
    assert done.returncode == 0, done.stderr
    got = pd.read_json(io.StringIO(done.stdout), orient="records")
    sipas = got[got["code"] == "SIPAS"].set_index("quarter")
    # Q1 = the 6 March responses (r01 r02 r06 r07 r08 r09), Q2 = the 6 April ones
    assert sipas["n_responses"].to_dict() == {"2026-Q1": 6, "2026-Q2": 6}
    year = cli_table("sipas", str(data_dir / "golden_responses.csv"), "--by", "year")
    assert set(year["year"]) == {"2026"}


def test_rank_among_units(data_dir: Path) -> None:
    got = cli_table(
        "sipas", str(data_dir / "golden_responses.csv"), "--by", "unit_code", "--min-n", "1",
        "--rank-among", "unit_code", "--max-points", "10",
    )  # fmt: skip
    sipas = got[got["code"] == "SIPAS"].set_index("unit_code")
    best = sipas["index"].idxmax()
    assert sipas.loc[best, "rank"] == 1
    assert sipas["rank"].tolist().count(2) == 1
    assert sipas["points"].notna().all()
