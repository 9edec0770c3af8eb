"""Property tests of the indices (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from analysis import sipas_from_responses
from analysis.profile import load_profile

P = load_profile("sipas-2024")
K = len(P.item_codes)
ANSWER = st.sampled_from([None, 0, 1, 2, 3, 4, 5])
VALID = st.sampled_from([1, 2, 3, 4, 5])
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(rows: list[list[int | None]], units: list[str] | None = None) -> pd.DataFrame:
    df = pd.DataFrame({c: pd.array([r[k] for r in rows], dtype="Int64") for k, c in enumerate(P.item_codes)})
    df.insert(0, "unit_code", pd.Series(units or ["U1"] * len(rows), dtype="str"))
    return df


responses = st.lists(st.lists(ANSWER, min_size=K, max_size=K), min_size=1, max_size=30)
all_valid = st.lists(st.lists(VALID, min_size=K, max_size=K), min_size=2, max_size=30)
rules = st.sampled_from(["mean_of_items", "pooled"])


@SETTINGS
@given(rows=responses, rule=rules)
def test_indices_within_0_100_and_inside_their_interval(rows: list[list[int | None]], rule: str) -> None:
    t = sipas_from_responses(frame(rows), rule=rule)  # type: ignore[arg-type]
    defined = t["index"].notna()
    for col in ("index", "ci_low", "ci_high"):
        values = t[col].dropna()
        assert ((values >= 0) & (values <= 100)).all()
    both = defined & t["ci_low"].notna()
    assert (t.loc[both, "ci_low"] <= t.loc[both, "index"] + 1e-9).all()
    assert (t.loc[both, "index"] <= t.loc[both, "ci_high"] + 1e-9).all()
    # undefined is NaN, never 0: exactly the rows without a valid answer (items, pooled)
    items = t["level"] == "item"
    assert (t.loc[items, "index"].isna() == (t.loc[items, "n_valid"] == 0)).all()
    assert (t.loc[~defined, "flag"].str.contains("no_valid_answers")).all()


@SETTINGS
@given(rows=responses, rule=rules, seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(rows: list[list[int | None]], rule: str, seed: int) -> None:
    units = [f"U{i % 2}" for i in range(len(rows))]
    df = frame(rows, units)
    shuffled = df.sample(frac=1.0, random_state=np.random.RandomState(seed % 2**31))
    a = sipas_from_responses(df, "unit_code", rule=rule)  # type: ignore[arg-type]
    b = sipas_from_responses(shuffled, "unit_code", rule=rule)  # type: ignore[arg-type]
    assert_frame_equal(a, b, rtol=1e-10)


@SETTINGS
@given(rows=responses, rule=rules, data=st.data())
def test_not_applicable_answers_change_no_index(rows: list[list[int | None]], rule: str, data: st.DataObject) -> None:
    base = sipas_from_responses(frame(rows), rule=rule)  # type: ignore[arg-type]
    # a new respondent who answers "not applicable" to some questions and nothing else
    extra = [data.draw(st.sampled_from([None, 0])) for _ in range(K)]
    more = sipas_from_responses(frame([*rows, extra]), rule=rule)  # type: ignore[arg-type]
    assert_frame_equal(base[["code", "index", "n_valid"]], more[["code", "index", "n_valid"]])
    # turning blanks into 0 changes neither an index nor its interval
    zeros = [[0 if v is None else v for v in r] for r in rows]
    same = sipas_from_responses(frame(zeros), rule=rule)  # type: ignore[arg-type]
    cols = ["code", "index", "ci_low", "ci_high", "n_valid", "n_satisfied"]
    assert_frame_equal(base[cols], same[cols])
    assert (same["n_blank"] == 0).all()


@SETTINGS
@given(rows=all_valid)
def test_pooled_equals_mean_of_items_when_items_have_equal_n_valid(rows: list[list[int]]) -> None:
    df = frame(rows)
    a = sipas_from_responses(df, rule="mean_of_items")
    b = sipas_from_responses(df, rule="pooled")
    elements = a["level"] == "element"
    np.testing.assert_allclose(a.loc[elements, "index"], b.loc[elements, "index"], rtol=1e-12)
    np.testing.assert_allclose(a.loc[elements, "se"], b.loc[elements, "se"], rtol=1e-9, atol=1e-6)


@SETTINGS
@given(rows=responses, rule=rules)
def test_unit_weights_change_nothing(rows: list[list[int | None]], rule: str) -> None:
    df = frame(rows)
    plain = sipas_from_responses(df, rule=rule)  # type: ignore[arg-type]
    weighted = sipas_from_responses(df, rule=rule, weights=pd.Series(1.0, index=df.index))  # type: ignore[arg-type]
    assert_frame_equal(plain, weighted, check_dtype=False, rtol=1e-10)
