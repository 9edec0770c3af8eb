"""Interval methods: Wilson for items, delta method for composites, checked by simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, norm

from analysis import counts_from_responses, moments_from_responses, sipas_table, wilson_interval
from analysis.profile import load_profile

P = load_profile("sipas-2024")


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857–872, score method, examples (i)–(iv)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_published_values(x: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(x, n)
    assert (round(float(lo), 4), round(float(hi), 4)) == (low, high)


@pytest.mark.parametrize(("x", "n"), [(170, 200), (0, 7), (7, 7), (1, 1), (33, 61)])
def test_wilson_matches_scipy_and_hand_formula(x: int, n: int) -> None:
    z = norm.ppf(0.975)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    ref = binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    lo, hi = wilson_interval(x, n)
    assert float(lo) == pytest.approx(max(0.0, centre - half), abs=1e-12)
    assert float(hi) == pytest.approx(min(1.0, centre + half), abs=1e-12)
    assert float(lo) == pytest.approx(ref.low, abs=1e-12)
    assert float(hi) == pytest.approx(ref.high, abs=1e-12)


def test_wilson_in_the_item_rows_and_undefined() -> None:
    counts = pd.DataFrame({"code": ["C1", "C1", "C2"], "value": [5, 2, 0], "n": [170, 30, 4]})
    table = sipas_table(counts.astype({"value": "Int64"})).set_index("code")
    ref = binomtest(170, 200).proportion_ci(method="wilson")
    assert table.loc["C1", "ci_low"] == pytest.approx(100 * ref.low)
    assert table.loc["C1", "ci_high"] == pytest.approx(100 * ref.high)
    assert table.loc["C1", "ci_method"] == "wilson"
    assert np.isnan(table.loc["C2", "ci_low"]) and np.isnan(table.loc["C2", "index"])
    lo, hi = wilson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 2, confidence=95)


# --- coverage simulation -------------------------------------------------------
# Respondents answer through a latent normal y_rk = 0.6 f_r + 0.5 g_r,e(k) + 0.62 e_rk
# (a general factor, an element factor and item noise: items are correlated within
# and across elements). The answer is 1 + #{cuts crossed}; satisfied (4 or 5) iff
# y_rk > shift_k − 0.3, so p_k = Φ(0.3 − shift_k) exactly. Independently of y,
# an item is "not applicable" (0) with probability na_k (35 % for the complaint
# items E1–E3) and blank with probability 3 %, so valid_k = 1 − na_k − 0.03.
# Truths: mean_of_items element = mean of its p_k; SIPAS = mean of the element
# truths; pooled = Σ valid_k p_k / Σ valid_k over the items concerned.

REPS, N = 1000, 200


def simulate(seed: int = 20260331) -> tuple[pd.DataFrame, dict[tuple[str, str], float]]:
    rng = np.random.default_rng(seed)
    items = np.array(P.item_codes)
    element_of = np.array([P.element_of(c) for c in items])
    letters = sorted(set(element_of))
    k = len(items)
    shift = rng.permutation(np.linspace(-0.9, 0.4, k))
    na = np.where(np.char.startswith(items, "E"), 0.35, np.linspace(0.0, 0.15, k))
    total = REPS * N
    general = rng.standard_normal(total)
    by_element = rng.standard_normal((total, len(letters)))
    which = np.array([letters.index(e) for e in element_of])
    y = 0.6 * general[:, None] + 0.5 * by_element[:, which] + math.sqrt(0.39) * rng.standard_normal((total, k))
    cuts = shift[:, None] + np.array([-1.8, -1.0, -0.3, 0.9])[None, :]
    answer = 1 + (y[:, :, None] > cuts[None]).sum(axis=2)
    u = rng.random((total, k))
    blank = (u >= na) & (u < na + 0.03)
    answer = np.where(u < na, 0, answer)
    df = pd.DataFrame({c: pd.arrays.IntegerArray(answer[:, j], blank[:, j]) for j, c in enumerate(items)})
    df["rep"] = np.repeat(np.arange(REPS), N)

    p = norm.cdf(0.3 - shift)
    valid = 1 - na - 0.03
    truth: dict[tuple[str, str], float] = {}
    for letter in letters:
        mask = element_of == letter
        truth[("mean_of_items", letter)] = 100 * p[mask].mean()
        truth[("pooled", letter)] = 100 * (valid[mask] * p[mask]).sum() / valid[mask].sum()
    truth[("mean_of_items", "SIPAS")] = float(np.mean([truth[("mean_of_items", e)] for e in letters]))
    truth[("pooled", "SIPAS")] = 100 * (valid * p).sum() / valid.sum()
    truth.update({("item", c): 100 * p[j] for j, c in enumerate(items)})
    return df, truth


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, pd.DataFrame, dict[tuple[str, str], float]]:
    df, truth = simulate()
    return counts_from_responses(df, "rep"), moments_from_responses(df, "rep"), truth


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("mean_of_items", "C"),
        ("mean_of_items", "E"),
        ("mean_of_items", "SIPAS"),
        ("pooled", "E"),
        ("pooled", "SIPAS"),
    ],
)
def test_composite_interval_covers_truth_93_to_97_percent(
    simulated: tuple[pd.DataFrame, pd.DataFrame, dict[tuple[str, str], float]], rule: str, code: str
) -> None:
    counts, moments, truth = simulated
    table = sipas_table(counts, "rep", rule=rule, moments=moments)  # type: ignore[arg-type]
    rows = table[table["code"] == code]
    assert len(rows) == REPS
    assert (rows["ci_method"] == "delta").all()
    target = truth[(rule, code)]
    covered = ((rows["ci_low"] <= target) & (target <= rows["ci_high"])).mean()
    assert 0.93 <= covered <= 0.97, f"{rule} {code}: coverage {covered:.3f}"
    # the estimator is (nearly) unbiased, so the check is about the spread
    assert rows["index"].mean() == pytest.approx(target, abs=0.3)


def test_item_wilson_coverage(
    simulated: tuple[pd.DataFrame, pd.DataFrame, dict[tuple[str, str], float]],
) -> None:
    counts, moments, truth = simulated
    table = sipas_table(counts, "rep", moments=moments)
    items = table[table["level"] == "item"]
    target = items["code"].map(lambda c: truth[("item", c)])
    rate = ((items["ci_low"] <= target) & (target <= items["ci_high"])).mean()  # 16,000 intervals
    assert 0.93 <= rate <= 0.97
