"""The raw-rows path and the SQL-like counts path give the same numbers.

Counts and moments are rebuilt here by naive Python loops (as a GROUP BY /
SUM(a*b) would), independently of ``analysis.counts``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis import (
    counts_from_responses,
    moments_from_responses,
    responses_per_group,
    sipas_from_responses,
    sipas_table,
)
from analysis.counts import moment_variables
from analysis.profile import load_profile

P = load_profile("sipas-2024")


def naive_counts(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    tally: Counter[tuple] = Counter()
    for _, row in df.iterrows():
        key = tuple(row[c] for c in by)
        for code in P.question_codes:
            if code in df.columns:
                value = row[code]
                tally[(*key, code, None if pd.isna(value) else int(value))] += 1
    frame = pd.DataFrame([(*k, n) for k, n in tally.items()], columns=[*by, "code", "value", "n"])
    return frame.astype({"value": "Int64"}).sample(frac=1.0, random_state=3)  # SQL gives no order


def naive_moments(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    names = moment_variables(P.item_codes)
    sums: dict[tuple, float] = {}
    for _, row in df.iterrows():
        key = tuple(row[c] for c in by)
        u = {"1": 1}
        for code in P.item_codes:
            value = row[code]
            u[f"s:{code}"] = int(not pd.isna(value) and value in (4, 5))
            u[f"v:{code}"] = int(not pd.isna(value) and 1 <= value <= 5)
        for a in names:
            for b in names:  # both triangles, as a naive cross join would give
                sums[(*key, a, b)] = sums.get((*key, a, b), 0) + u[a] * u[b]
    return pd.DataFrame([(*k, s) for k, s in sums.items()], columns=[*by, "row", "col", "sum"])


@pytest.mark.parametrize("by", [[], ["unit_code"], ["unit_code", "field_code"]])
def test_counts_equal_naive_group_by(make_responses: Callable[..., pd.DataFrame], by: list[str]) -> None:
    df = make_responses(120, seed=1, units=("U1", "U2", "U3"))
    got = counts_from_responses(df, by)
    want = naive_counts(df, by)
    key = [*by, "code", "value"]
    got = got.sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.parametrize("rule", ["mean_of_items", "pooled"])
def test_raw_and_sql_paths_agree(make_responses: Callable[..., pd.DataFrame], rule: str) -> None:
    df = make_responses(90, seed=2, units=("U1", "U2"))
    by = ["unit_code"]
    raw = sipas_from_responses(df, by, rule=rule)
    sql = sipas_table(
        naive_counts(df, by),
        by,
        rule=rule,
        moments=naive_moments(df, by),
        n_responses=responses_per_group(df, by),
    )
    assert_frame_equal(raw, sql, check_dtype=False, rtol=1e-12)
    assert raw.loc[raw["level"] != "item", "ci_method"].eq("delta").all()


def test_moments_equal_naive_sums(make_responses: Callable[..., pd.DataFrame]) -> None:
    df = make_responses(40, seed=4, units=("U1", "U2"))
    got = moments_from_responses(df, "unit_code")
    want = naive_moments(df, ["unit_code"])
    merged = got.merge(want, on=["unit_code", "row", "col"], suffixes=("", "_naive"))
    assert len(merged) == len(got)
    assert (merged["sum"] == merged["sum_naive"]).all()
    n = got[(got["row"] == "1") & (got["col"] == "1")].set_index("unit_code")["sum"]
    assert n.to_dict() == df["unit_code"].value_counts().to_dict()


def test_moment_orientation_does_not_matter(make_responses: Callable[..., pd.DataFrame]) -> None:
    df = make_responses(60, seed=5)
    counts = counts_from_responses(df)
    upper = moments_from_responses(df)
    lower = upper.rename(columns={"row": "col", "col": "row"})
    both = pd.concat([upper, lower], ignore_index=True)
    a, b, c = (sipas_table(counts, moments=m) for m in (upper, lower, both))
    assert_frame_equal(a, b)
    assert_frame_equal(a, c)


def test_moment_layout_does_not_matter(make_responses: Callable[..., pd.DataFrame]) -> None:
    # the canonical layout (one block of pairs per group) is read a block at a time, any other row by row
    df = make_responses(150, seed=9, units=("U1", "U2", "U3"))
    by = ["unit_code", "field_code"]
    counts = counts_from_responses(df, by)
    blocks = moments_from_responses(df, by)
    shuffled = blocks.sample(frac=1.0, random_state=1)
    categorical = blocks.astype({c: "category" for c in [*by, "row", "col"]})
    without_first = blocks[blocks["unit_code"] != "U1"]  # blocks, but not of every group
    fewer_pairs = blocks[~blocks["col"].isin(["s:E3", "v:E3"])]  # E3 has no moments: its composites none
    expected = sipas_table(counts, by, moments=blocks)
    for moments in (shuffled, categorical):
        assert_frame_equal(sipas_table(counts, by, moments=moments), expected)
    partial = sipas_table(counts, by, moments=without_first)
    u1 = partial["unit_code"] == "U1"
    assert partial.loc[u1 & (partial["level"] != "item"), "se"].isna().all()
    assert_frame_equal(partial[~u1], expected[~u1])
    no_e3 = sipas_table(counts, by, moments=fewer_pairs)
    composite = no_e3["code"].isin(["E", "SIPAS"])
    assert no_e3.loc[composite, "se"].isna().all()
    assert_frame_equal(no_e3[~composite], expected[~composite])


def test_a_pair_given_twice_must_agree(make_responses: Callable[..., pd.DataFrame]) -> None:
    df = make_responses(40, seed=10, units=("U1", "U2"))
    counts = counts_from_responses(df, "unit_code")
    moments = moments_from_responses(df, "unit_code")
    twice = pd.concat([moments, moments.iloc[[5]].assign(sum=lambda m: m["sum"] + 1)], ignore_index=True)
    with pytest.raises(ValueError, match="^moments: a \\(row, col\\) pair is given twice"):
        sipas_table(counts, "unit_code", moments=twice)


def test_n_responses_from_counts_when_not_given(make_responses: Callable[..., pd.DataFrame]) -> None:
    df = make_responses(45, seed=6, units=("U1", "U2"))
    table = sipas_table(counts_from_responses(df, "unit_code"), "unit_code")
    got = table.groupby("unit_code")["n_responses"].first().to_dict()
    assert got == df["unit_code"].value_counts().to_dict()
    assert table["ci_low"][table["level"] != "item"].isna().all()  # no moments: no composite interval


def test_bad_frames_name_their_argument(make_responses: Callable[..., pd.DataFrame]) -> None:
    df = make_responses(30, seed=7)
    counts = counts_from_responses(df)
    moments = moments_from_responses(df)
    with pytest.raises(ValueError, match="^counts: missing"):
        sipas_table(counts.drop(columns="n"))
    with pytest.raises(ValueError, match="^counts: value 9"):
        sipas_table(pd.concat([counts, pd.DataFrame({"code": ["C1"], "value": [9], "n": [1]})]))
    with pytest.raises(ValueError, match="^counts: code"):
        sipas_table(pd.DataFrame({"code": ["Z9"], "value": [1], "n": [1]}))
    with pytest.raises(ValueError, match="^rule"):
        sipas_table(counts, rule="median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^by"):
        sipas_table(counts, by="unit_code")
    with pytest.raises(ValueError, match="^min_n"):
        sipas_table(counts, min_n=-1)
    with pytest.raises(ValueError, match="^satisfied"):
        sipas_table(counts, satisfied={6})
    tampered = moments.copy()
    tampered.loc[(tampered["row"] == "1") & (tampered["col"] == "s:C1"), "sum"] += 1
    with pytest.raises(ValueError, match="^moments: total of 's:C1'"):
        sipas_table(counts, moments=tampered)
    with pytest.raises(ValueError, match="^moments: unknown"):
        sipas_table(counts, moments=pd.DataFrame({"row": ["1"], "col": ["q:C1"], "sum": [1]}))


def test_delta_variance_equals_naive_linearized_residuals(
    make_responses: Callable[..., pd.DataFrame],
) -> None:
    """Var = n/(n−1) Σ z_r² with z_r = Σ_k c_k (s_rk − p_k v_rk) / V_k, computed per respondent."""
    df = make_responses(80, seed=8)
    table = sipas_from_responses(df)
    pooled = sipas_from_responses(df, rule="pooled")
    s = np.column_stack([df[c].isin([4, 5]).fillna(False).to_numpy(dtype=float) for c in P.item_codes])
    v = np.column_stack([df[c].isin([1, 2, 3, 4, 5]).fillna(False).to_numpy(dtype=float) for c in P.item_codes])
    n = len(df)
    S, V = s.sum(0), v.sum(0)
    p = S / V
    item_resid = (s - p * v) / V  # linearized residual of each item proportion
    for e in P.elements:
        k = [P.item_codes.index(c) for c in e.item_codes]
        z = 100 * item_resid[:, k].mean(axis=1)
        se = np.sqrt(n / (n - 1) * (z**2).sum())
        assert table.loc[table["code"] == e.code, "se"].iloc[0] == pytest.approx(se, rel=1e-10)
        zp = 100 * (s[:, k].sum(1) - S[k].sum() / V[k].sum() * v[:, k].sum(1)) / V[k].sum()
        se_p = np.sqrt(n / (n - 1) * (zp**2).sum())
        assert pooled.loc[pooled["code"] == e.code, "se"].iloc[0] == pytest.approx(se_p, rel=1e-10)
    z_all = 100 * np.mean(
        [item_resid[:, [P.item_codes.index(c) for c in e.item_codes]].mean(axis=1) for e in P.elements],
        axis=0,
    )
    se_all = np.sqrt(n / (n - 1) * (z_all**2).sum())
    assert table.loc[table["code"] == "SIPAS", "se"].iloc[0] == pytest.approx(se_all, rel=1e-10)


def test_single_item_composite_matches_binomial_variance() -> None:
    """Pooled element with one answered item: se² = n/(n−1) · p(1−p)/V (respondent count n)."""
    df = pd.DataFrame({c: pd.array([None] * 50, dtype="Int64") for c in P.item_codes})
    df["D1"] = pd.array([5] * 30 + [2] * 15 + [0] * 5, dtype="Int64")
    row = sipas_from_responses(df, rule="pooled").set_index("code").loc["D"]
    p, valid, n = 30 / 45, 45, 50
    assert row["index"] == pytest.approx(100 * p)
    assert row["se"] == pytest.approx(100 * np.sqrt(n / (n - 1) * p * (1 - p) / valid))
