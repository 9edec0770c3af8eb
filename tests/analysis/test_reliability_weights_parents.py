"""Cronbach's α, post-stratification weights, parent units."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from analysis import (
    counts_from_responses,
    cronbach_alpha,
    moments_from_responses,
    parent_from_children,
    parent_pooled,
    poststratify,
    responses_per_group,
    sipas_from_responses,
)
from analysis.profile import load_profile

P = load_profile("sipas-2024")


def test_cronbach_alpha_by_hand_listwise() -> None:
    # complete C rows (1–5 on C1, C2, C3): (5,5,4) (4,4,4) (3,3,3) (2,1,2); the 0 and blank rows drop out
    # item variances 1.6667 + 2.9167 + 0.9167 = 5.5; sum variance 15.3333
    # α = 3/2 · (1 − 5.5/15.3333) = 0.96196
    df = pd.DataFrame({"C1": [5, 4, 3, 2, 0, 4], "C2": [5, 4, 3, 1, 5, None], "C3": [4, 4, 3, 2, 5, 4]}, dtype="Int64")
    row = cronbach_alpha(df).set_index("element").loc["C"]
    assert (row["k"], row["n"]) == (3, 4)
    assert row["alpha"] == pytest.approx(0.961957, abs=1e-6)


def test_cronbach_alpha_identical_items_is_one_and_groups(
    make_responses: Callable[..., pd.DataFrame],
) -> None:
    df = make_responses(200, seed=3, units=("U1", "U2"), p=(0, 0, 0.2, 0.2, 0.2, 0.2, 0.2))
    df["D2"] = df["D1"]
    df["D3"] = df["D1"]
    out = cronbach_alpha(df, "unit_code")
    assert len(out) == 2 * 5
    d = out[out["element"] == "D"]
    assert np.allclose(d["alpha"], 1.0)
    assert out.loc[out["element"] == "A", "alpha"].abs().lt(0.5).all()  # independent random items


def test_poststratify_weights_by_hand() -> None:
    df = pd.DataFrame({"field_code": ["land"] * 3 + ["civil"], "C1": pd.array([5, 5, 5, 1], dtype="Int64")})
    # land: 50 % of dossiers, 75 % of respondents → w = 0.5/0.75 = 2/3; civil 0.5/0.25 = 2
    w = poststratify(df, "field_code", {"land": 50, "civil": 50})
    assert w.tolist() == pytest.approx([2 / 3] * 3 + [2.0])
    table = sipas_from_responses(df, weights=w, min_n=1).set_index("code")
    # weighted C1 index = 100 · (3 · 2/3) / (3 · 2/3 + 2) = 50 %, against 75 % unweighted
    assert table.loc["C1", "index"] == pytest.approx(50.0)
    assert table.loc["C1", "n_valid"] == pytest.approx(4.0)
    assert table.loc["C1", "n_responses"] == 4  # the small-sample count stays unweighted


def test_poststratify_errors(make_responses: Callable[..., pd.DataFrame]) -> None:
    df = pd.DataFrame({"field_code": ["land", "civil"]})
    with pytest.raises(ValueError, match="population_counts: no count for stratum 'civil'"):
        poststratify(df, "field_code", {"land": 10})
    with pytest.raises(ValueError, match="population_counts: stratum 'tax' has no respondent"):
        poststratify(df, "field_code", {"land": 10, "civil": 10, "tax": 5})
    w = poststratify(df, "field_code", {"land": 10, "civil": 30, "tax": 5}, drop_empty=True)
    assert w.tolist() == pytest.approx([0.5, 1.5])
    with pytest.raises(ValueError, match="stratum_col"):
        poststratify(df, "sector", {"land": 10})


def test_weighted_interval_uses_effective_size(make_responses: Callable[..., pd.DataFrame]) -> None:
    df = make_responses(400, seed=9)
    w = poststratify(df, "field_code", {"land": 80, "civil": 20})
    plain = sipas_from_responses(df).set_index("code")
    weighted = sipas_from_responses(df, weights=w).set_index("code")
    # unequal weights lose information: every interval gets wider (Kish / linearization)
    width = (weighted["ci_high"] - weighted["ci_low"]) - (plain["ci_high"] - plain["ci_low"])
    assert (width.dropna() > 0).mean() > 0.9


def children() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    frames = []
    for unit, n, p5 in (("X1", 40, 0.8), ("X2", 160, 0.4), ("Y1", 60, 0.6)):
        df = pd.DataFrame({c: pd.array(np.where(rng.random(n) < p5, 5, 2), dtype="Int64") for c in P.item_codes})
        df.insert(0, "unit_code", unit)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


PARENT = {"X1": "X", "X2": "X", "Y1": "Y"}


def test_parent_is_mean_of_children_by_default() -> None:
    df = children()
    child = sipas_from_responses(df, "unit_code")
    parent = parent_from_children(child, "unit_code", PARENT)
    x = parent[(parent["parent_code"] == "X") & (parent["code"] == "SIPAS")].iloc[0]
    kids = child[child["unit_code"].isin(["X1", "X2"]) & (child["code"] == "SIPAS")]
    assert x["index"] == pytest.approx(kids["index"].mean())
    assert x["se"] == pytest.approx(np.sqrt((kids["se"] ** 2).sum()) / 2)
    assert (x["n_responses"], x["n_children"], x["aggregation"]) == (200, 2, "mean_of_children")
    with pytest.raises(ValueError, match="parent_of: no parent"):
        parent_from_children(child, "unit_code", {"X1": "X"})


def test_parent_pooled_equals_grouping_by_parent() -> None:
    df = children()
    by = ["unit_code"]
    pooled = parent_pooled(
        counts_from_responses(df, by), "unit_code", PARENT,
        moments=moments_from_responses(df, by), n_responses=responses_per_group(df, by),
    )  # fmt: skip
    direct = sipas_from_responses(df.assign(parent_code=df["unit_code"].map(PARENT)), "parent_code")
    assert (pooled["aggregation"] == "pooled_respondents").all()
    pd.testing.assert_frame_equal(pooled.drop(columns="aggregation"), direct, check_dtype=False, rtol=1e-12)
    # X pools 200 respondents, 160 of them from the weaker X2: lower than the mean of children
    mean = parent_from_children(sipas_from_responses(df, by), "unit_code", PARENT)
    x_pooled = pooled.loc[(pooled["parent_code"] == "X") & (pooled["code"] == "SIPAS"), "index"].iloc[0]
    x_mean = mean.loc[(mean["parent_code"] == "X") & (mean["code"] == "SIPAS"), "index"].iloc[0]
    assert x_pooled < x_mean
