"""Ranks, expectation and perception tables, rounding."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import expectations_table, perception_table, rank_desc, rank_table, round_half_up


def test_ties_share_the_better_rank() -> None:
    values = pd.Series([90.0, 85.0, 85.0, 80.0, 85.0, 70.0])
    assert rank_desc(values).tolist() == [1, 2, 2, 5, 2, 6]


def test_rank_on_the_published_two_decimals() -> None:
    # 84.004 and 83.996 are both published as 84.00; 84.005 rounds half-up to 84.01
    values = pd.Series([84.004, 83.996, 84.005, float("nan")])
    assert rank_desc(values).tolist() == [2, 2, 1, pd.NA]


def test_rank_table_skips_small_samples_per_indicator() -> None:
    table = pd.DataFrame(
        {
            "month": ["2026-03"] * 4 + ["2026-04"] * 4,
            "unit_code": ["U1", "U2", "U3", "U4"] * 2,
            "level": "overall",
            "code": "SIPAS",
            "index": [80.0, 85.0, 85.0, 99.0, 70.0, 60.0, 70.0, 65.0],
            "flag": ["", "", "", "small_sample", "", "", "", ""],
        }
    )
    ranked = rank_table(table, "unit_code")
    assert ranked["rank"].tolist() == [3, 1, 1, pd.NA, 1, 4, 1, 3]
    with pytest.raises(ValueError, match="among"):
        rank_table(table, "field_code")


def test_round_half_up() -> None:
    assert round_half_up(2.675) == 2.68  # binary float is 2.67499…; published tables show 2.68
    assert round_half_up(-1.005) == -1.01
    assert round_half_up(85.0) == 85.0


def test_expectations_ranked_descending() -> None:
    counts = pd.DataFrame(
        {
            "unit_code": ["U1"] * 7,
            "code": ["X1", "X1", "X2", "X2", "X3", "X3", "X4"],
            "value": [4, 1, 3, 2, 3, 4, 4],
            "n": [6, 4, 3, 7, 5, 5, 1],
        }
    ).astype({"value": "Int64"})
    table = expectations_table(counts, "unit_code")
    top = table.dropna(subset=["percent"]).set_index("code")
    # X1 6/10 = 60 %, X2 3/10 = 30 %, X3 10/10 = 100 %, X4 1/1 = 100 %
    assert top["percent"].to_dict() == {"X3": 100.0, "X4": 100.0, "X1": 60.0, "X2": 30.0}
    assert top["rank"].tolist() == [1, 1, 3, 4]
    assert table["percent"].isna().sum() == 6  # X5…X10 not answered: no 0, no rank
    assert table.loc[table["percent"].isna(), "rank"].isna().all()


def test_perception_percent_per_option() -> None:
    counts = pd.DataFrame(
        {"code": ["P1", "P1", "P1", "P2", "P2"], "value": [1, 2, None, 1, 3], "n": [18, 2, 5, 9, 1]}
    ).astype({"value": "Int64"})
    table = perception_table(counts).set_index(["code", "value"])
    assert table.loc[("P1", 1), "percent"] == 90.0  # 18 of 20 valid; blanks left out
    assert table.loc[("P1", 3), "percent"] == 0.0
    assert table.loc[("P2", 3), "percent"] == 10.0
    assert table.loc[("P1", 1), "label"].startswith("Không có công chức")
    with pytest.raises(ValueError, match="counts: value 7"):
        perception_table(pd.DataFrame({"code": ["P1"], "value": [7], "n": [1]}))
