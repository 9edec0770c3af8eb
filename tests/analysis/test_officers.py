"""Per-officer indices (method §4.1): a hand-worked example, the guards, the CLI, a simulation.

Hand example (every officer answers C1 = C2 = C3 alike, so the element equals each item):

    officer  field L (easy)   field H (hard)   raw
    a        5 / 10           —                50.00
    b        8 / 10           5 / 10           13/20 = 65.00
    c        —                5 / 10           50.00

Without shrinkage (τ = ∞) the additive logit model has 4 cells and 4 free parameters,
so every observed cell is fitted exactly and the empty cells follow from the additivity:

    a in H: logit ½ + (logit ½ − logit ⅘) = 0 + (0 − ln 4) = −ln 4  → ⅕
    c in L: logit ½ + (logit ⅘ − logit ½) = ln 4                     → ⅘

The unit's mix is 20 L and 20 H answers, w = (½, ½):

    a: ½·½ + ½·⅕ = 0.35 → 35.00;  b: ½·⅘ + ½·½ = 65.00;  c: ½·⅘ + ½·½ = 65.00

a and c have the same raw 50 %, but a served only the easy field: adjusted, c is 30 points
above a.
"""

from __future__ import annotations

import io
import json
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from scipy.stats import norm

from analysis.cli import main
from analysis.io import META_COLUMNS
from analysis.officers import OFFICER_COLUMNS, officer_summary, officer_table
from analysis.profile import load_profile

ITEMS = ("C1", "C2", "C3")


def _frame(cells: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    """Responses from (officer, field, answers, satisfied) cells: satisfied answer 5, others 2."""
    rows = []
    for officer, field, n, s in cells:
        rows += [(officer, field, 5 if k < s else 2) for k in range(n)]
    df = pd.DataFrame(rows, columns=["officer_code", "field_code", "C1"])
    df["C1"] = df["C1"].astype("Int64")
    return df.assign(C2=df["C1"], C3=df["C1"], unit_code="U1", profile="sipas-2024")


HAND = [("a", "L", 10, 5), ("b", "L", 10, 8), ("b", "H", 10, 5), ("c", "H", 10, 5)]


def test_hand_example_without_shrinkage() -> None:
    table = officer_table(_frame(HAND), min_n=1, tau=np.inf)
    element = table[table["level"] == "element"].set_index("officer_code")
    assert element["index_raw"].round(2).to_dict() == {"a": 50.0, "b": 65.0, "c": 50.0}
    assert element["index_adjusted"].round(2).to_dict() == {"a": 35.0, "b": 65.0, "c": 65.0}
    items = table[(table["officer_code"] == "a") & (table["level"] == "item")]
    assert items["code"].tolist() == list(ITEMS)
    assert items["index_adjusted"].round(2).tolist() == [35.0, 35.0, 35.0]
    assert (element["ci_low"] < element["index_adjusted"]).all()
    assert (element["index_adjusted"] < element["ci_high"]).all()


def test_shrinkage_is_toward_the_unit_and_symmetric() -> None:
    # one field, p 28/40 = 70 %, q 12/40 = 30 %: by symmetry the field effect is 0 and
    # û_p = −û_q, so the adjusted figures add up to 100, and shrinkage puts p strictly
    # between the unit (50) and its raw 70
    table = officer_table(_frame([("p", "L", 40, 28), ("q", "L", 40, 12)]), min_n=30)
    element = table[table["level"] == "element"].set_index("officer_code")
    p, q = element.loc["p", "index_adjusted"], element.loc["q", "index_adjusted"]
    assert p + q == pytest.approx(100.0, abs=1e-6)
    assert 50.0 < p < 70.0
    assert element.loc["p", "unit_index"] == pytest.approx(50.0)
    assert element.loc["p", "group"] in ("above", "about")
    assert element.loc["q", "group"] in ("below", "about")


def test_groups_not_ranks() -> None:
    # a clearly better officer (95 of 100) and a clearly worse one (40 of 100) among average ones
    cells = [("top", "L", 100, 95), ("low", "L", 100, 40)] + [(f"m{i}", "L", 100, 70) for i in range(4)]
    element = officer_table(_frame(cells), min_n=30).query("level == 'element'").set_index("officer_code")
    assert element.loc["top", "group"] == "above"
    assert element.loc["low", "group"] == "below"
    assert set(element.loc[[f"m{i}" for i in range(4)], "group"]) == {"about"}
    assert "rank" not in element.columns


def test_under_min_n_no_figure() -> None:
    table = officer_table(_frame(HAND), min_n=11)
    small = table[table["officer_code"].isin(["a", "c"])]
    assert (small["flag"] == "small_sample").all()
    assert small[["index_adjusted", "ci_low", "ci_high"]].isna().all().all()
    assert (small["group"] == "").all()
    assert small["index_raw"].round(2).eq(50.0).all()  # the raw figure stays, labelled as such
    assert table.loc[table["officer_code"] == "b", "index_adjusted"].notna().all()


def _exchange_csv(path: Path, df: pd.DataFrame) -> Path:
    prof = load_profile("sipas-2024")
    out = pd.DataFrame({c: "" for c in META_COLUMNS}, index=df.index)
    out["response_id"] = [f"r{i}" for i in range(len(df))]
    out["submitted_at"] = "2026-11-02T09:00:00+07:00"
    out["profile"], out["unit_code"], out["channel"] = "sipas-2024", "U1", "qr"
    out["field_code"], out["counter_code"] = df["field_code"], "Q1"
    for code in prof.item_codes:
        out[code] = df[code].astype(str) if code in df.columns else "4"
    out["comment"] = ""
    out["officer_code"] = df["officer_code"]
    out.to_csv(path, index=False)
    return path


def _run(*args: str) -> tuple[int, str]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["officers", *args])
    return code, buffer.getvalue()


def test_cli_columns_and_min_n(tmp_path: Path) -> None:
    path = _exchange_csv(tmp_path / "officers.csv", _frame(HAND))
    code, text = _run(str(path), "--min-n", "11")
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == ",".join(OFFICER_COLUMNS)
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert rows["a"] == ["a", "10", "50.0", "", "", "", "small_sample"]
    assert rows["c"] == ["c", "10", "50.0", "", "", "", "small_sample"]
    assert rows["b"][1:3] == ["20", "65.0"] and rows["b"][3] != "" and rows["b"][6] == ""
    code, text = _run(str(path), "--min-n", "11", "--format", "json")
    records = {r["officer_code"]: r for r in json.loads(text)}
    assert records["a"]["index_adjusted"] is None and records["a"]["flag"] == "small_sample"
    assert list(records["b"]) == list(OFFICER_COLUMNS)


def test_cli_refuses_a_file_without_officers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _exchange_csv(tmp_path / "x.csv", _frame(HAND))
    pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="officer_code").to_csv(path, index=False)
    assert _run(str(path))[0] == 1
    assert "officer_code" in capsys.readouterr().err


def _simulate(rng: np.random.Generator, n_officers: int = 30, tau: float = 0.6) -> tuple[pd.DataFrame, pd.Series]:
    """A unit of 4 fields of very different difficulty; officers with skewed field mixes.

    Truth from the simulation's parameters: P(satisfied | o, f, item) = expit(α_fi + u_o),
    u_o ~ N(0, τ²); the three items of a respondent are tied by a Gaussian copula (ρ = 0.5)
    that keeps those margins. True index = mean over items of Σ_f w_f P(…), w_f the unit's
    share of answers in f.
    """
    fields = np.array(["DD", "HT", "CT", "KD"])
    alpha = np.array([[-0.2, 0.0, 0.1], [1.0, 0.8, 1.2], [2.0, 1.8, 2.2], [1.2, 1.0, 1.3]])
    u = rng.normal(0.0, tau, n_officers)
    mixes = rng.dirichlet(np.full(4, 0.5), n_officers)
    sizes = rng.integers(12, 160, n_officers)
    chol = np.linalg.cholesky(np.full((3, 3), 0.5) + 0.5 * np.eye(3))
    frames = []
    for o in range(n_officers):
        f = rng.choice(4, size=sizes[o], p=mixes[o])
        sat = norm.cdf(rng.standard_normal((sizes[o], 3)) @ chol.T) < expit(alpha[f] + u[o])
        answers = np.where(sat, rng.integers(4, 6, sat.shape), rng.integers(1, 4, sat.shape))
        part = pd.DataFrame(answers, columns=list(ITEMS)).astype("Int64")
        frames.append(part.assign(officer_code=f"O{o:02d}", field_code=fields[f]))
    df = pd.concat(frames, ignore_index=True).assign(unit_code="U1", profile="sipas-2024")
    w = df["field_code"].value_counts().reindex(fields).to_numpy(float)
    w /= w.sum()
    truth = 100.0 * (expit(alpha[None, :, :] + u[:, None, None]) * w[None, :, None]).sum(axis=1).mean(axis=1)
    return df, pd.Series(truth, index=[f"O{o:02d}" for o in range(n_officers)])


def test_simulation_coverage_and_accuracy() -> None:
    rng = np.random.default_rng(2026)
    started = time.perf_counter()
    covered, err_raw, err_adj, withheld, small = [], [], [], 0, 0
    for _ in range(20):
        df, truth = _simulate(rng)
        summary = officer_summary(officer_table(df, min_n=30)).set_index("officer_code")
        small += int((summary["n_responses"] < 30).sum())
        withheld += int(((summary["n_responses"] < 30) & summary["index_adjusted"].isna()).sum())
        shown = summary[summary["n_responses"] >= 30]
        t = truth.reindex(shown.index)
        covered += ((shown["ci_low"] <= t) & (t <= shown["ci_high"])).tolist()
        err_raw += (shown["index_raw"] - t).abs().tolist()
        err_adj += (shown["index_adjusted"] - t).abs().tolist()
    coverage = float(np.mean(covered))
    assert len(covered) > 400
    assert 0.90 <= coverage <= 0.98, coverage
    assert np.mean(err_adj) < np.mean(err_raw)
    assert small > 0 and withheld == small  # every officer under 30 withheld
    assert time.perf_counter() - started < 20
