"""Change versus the previous period."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import change_by_period, compare_periods, sipas_from_responses


def item_row(satisfied: int, valid: int) -> dict[str, object]:
    p = satisfied / valid
    return {
        "level": "item", "code": "C1", "n_valid": valid, "n_satisfied": satisfied, "index": 100 * p,
        "se": 100 * math.sqrt(p * (1 - p) / valid), "ci_method": "wilson", "rule": "mean_of_items",
    }  # fmt: skip


def test_two_proportion_z_test_by_hand() -> None:
    # 150/200 now vs 170/200 before: pooled p = 0.8, se = sqrt(0.8·0.2·(2/200)) = 0.04,
    # z = (0.75 − 0.85)/0.04 = −2.5, two-sided p = 2·Φ(−2.5) = 0.01242
    out = compare_periods(pd.DataFrame([item_row(150, 200)]), pd.DataFrame([item_row(170, 200)]))
    row = out.iloc[0]
    assert row["change"] == pytest.approx(-10.0)
    assert row["z"] == pytest.approx(-2.5)
    assert row["p_value"] == pytest.approx(0.012419, abs=1e-6)
    assert bool(row["significant"]) and row["test"] == "two_proportion_z"


def test_small_drop_on_40_answers_is_not_significant() -> None:
    # 35/40 = 87.5 % → 34/40 = 85 %: one answer less, a 2.5-point drop, p ≈ 0.75
    out = compare_periods(pd.DataFrame([item_row(34, 40)]), pd.DataFrame([item_row(35, 40)]))
    assert not bool(out.iloc[0]["significant"])
    assert out.iloc[0]["p_value"] > 0.5


def test_composite_difference_interval_by_hand() -> None:
    row = {"level": "overall", "code": "SIPAS", "n_valid": 3000, "n_satisfied": 2400, "index": 80.0}
    cur = pd.DataFrame([{**row, "se": 1.2, "ci_method": "delta", "rule": "mean_of_items"}])
    prev = cur.assign(index=83.5, se=1.6)
    row = compare_periods(cur, prev).iloc[0]
    # se = sqrt(1.2² + 1.6²) = 2.0; interval −3.5 ± 1.96·2.0 = (−7.42, 0.42): contains 0
    assert row["ci_low"] == pytest.approx(-3.5 - 1.959964 * 2.0, abs=1e-5)
    assert row["ci_high"] == pytest.approx(-3.5 + 1.959964 * 2.0, abs=1e-5)
    assert not bool(row["significant"]) and row["test"] == "difference_interval"
    row = compare_periods(cur, prev.assign(index=86.0)).iloc[0]  # −6 ± 3.92: significant
    assert bool(row["significant"])


def test_rule_mismatch_and_missing_columns() -> None:
    a = pd.DataFrame([item_row(10, 20)])
    with pytest.raises(ValueError, match="previous"):
        compare_periods(a, a.assign(rule="pooled"))
    with pytest.raises(ValueError, match="current"):
        compare_periods(a.drop(columns="se"), a)
    with pytest.raises(ValueError, match="alpha"):
        compare_periods(a, a, alpha=5)


def test_change_by_month_on_real_tables(make_responses) -> None:  # type: ignore[no-untyped-def]
    df = make_responses(300, seed=11, units=("U1", "U2"))
    df["month"] = pd.Series(["2026-01", "2026-02", "2026-03"] * 100, dtype="str")
    table = sipas_from_responses(df, ["unit_code", "month"])
    out = change_by_period(table, "month")
    assert set(zip(out["month"], out["previous_period"], strict=True)) == {
        ("2026-02", "2026-01"),
        ("2026-03", "2026-02"),
    }
    assert len(out) == 2 * 2 * (16 + 5 + 1)
    assert set(out["test"]) == {"two_proportion_z", "difference_interval"}
    assert out["p_value"].between(0, 1).all()
