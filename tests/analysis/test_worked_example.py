"""The worked example of the method note (docs/method.md §3), through the public API."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import par_points, sipas_table

#: method §3: answers 1..5 per item, plus blanks
C_ITEMS = {
    "C1": ([4, 6, 20, 110, 60], 5),  # n_valid 200, satisfied 170 → 85.00
    "C2": ([2, 8, 30, 100, 60], 0),  # satisfied 160 → 80.00
    "C3": ([0, 4, 22, 120, 54], 0),  # satisfied 174 → 87.00
}


def element_c_counts() -> pd.DataFrame:
    rows = []
    for code, (by_value, blanks) in C_ITEMS.items():
        rows += [(code, v, n) for v, n in zip([1, 2, 3, 4, 5], by_value, strict=True)]
        if blanks:
            rows.append((code, None, blanks))
    return pd.DataFrame(rows, columns=["code", "value", "n"]).astype({"value": "Int64"})


def element(table: pd.DataFrame, code: str) -> pd.Series:
    return table.loc[table["code"] == code].iloc[0]


@pytest.mark.parametrize(("code", "expected"), [("C1", 85.00), ("C2", 80.00), ("C3", 87.00)])
def test_item_indices(code: str, expected: float) -> None:
    row = element(sipas_table(element_c_counts()), code)
    assert row["index"] == pytest.approx(expected)
    assert row["n_valid"] == 200


def test_blanks_counted_not_in_denominator() -> None:
    row = element(sipas_table(element_c_counts()), "C1")
    assert (row["n_valid"], row["n_satisfied"], row["n_blank"]) == (200, 170, 5)


@pytest.mark.parametrize("rule", ["mean_of_items", "pooled"])
def test_element_c_is_84(rule: str) -> None:
    # mean_of_items: (85 + 80 + 87) / 3 = 84; pooled: 100 × 504 / 600 = 84 (equal n_valid)
    row = element(sipas_table(element_c_counts(), rule=rule), "C")
    assert row["index"] == pytest.approx(84.0)
    assert (row["n_valid"], row["n_satisfied"]) == (600, 504)
    assert row["rule"] == rule


def test_other_elements_undefined_not_zero() -> None:
    table = sipas_table(element_c_counts())
    a = element(table, "A")
    assert pd.isna(a["index"])
    assert "no_valid_answers" in a["flag"]


def test_sipas_83_45_and_par_points_8_35() -> None:
    """Elements 84.27, 83.50, 84.00, 83.10, 82.40 → SIPAS 83.45 → 8.35 points of 10.

    Elements A, B, D, E are built from items that all have the element's
    percentage on 10,000 valid answers; element C is the worked example.
    (84.27 + 83.50 + 84.00 + 83.10 + 82.40) / 5 = 417.27 / 5 = 83.454.
    """
    targets = {"A": 8427, "B": 8350, "D": 8310, "E": 8240}
    items = {"A": ["A1", "A2", "A3"], "B": ["B1", "B2", "B3", "B4"], "D": ["D1", "D2", "D3"]}
    items["E"] = ["E1", "E2", "E3"]
    rows = [tuple(r) for r in element_c_counts().itertuples(index=False)]
    for letter, satisfied in targets.items():
        for code in items[letter]:
            rows += [(code, 5, satisfied), (code, 2, 10_000 - satisfied)]
    counts = pd.DataFrame(rows, columns=["code", "value", "n"]).astype({"value": "Int64"})
    table = sipas_table(counts, max_points=10)
    got = {c: round(element(table, c)["index"], 2) for c in "ABCDE"}
    assert got == {"A": 84.27, "B": 83.50, "C": 84.00, "D": 83.10, "E": 82.40}
    overall = element(table, "SIPAS")
    assert overall["level"] == "overall"
    assert overall["index"] == pytest.approx(83.454)
    assert round(overall["index"], 2) == 83.45
    assert overall["points"] == 8.35
    assert table.loc[table["level"] != "overall", "points"].isna().all()


def test_par_points_published_examples() -> None:
    assert par_points(91.17) == 9.12  # provincial PAR INDEX up to 2021 (method §3)
    assert par_points(83.45) == 8.35  # binary floats would give 8.34
    assert par_points(83.45, max_points=2) == 1.67
    with pytest.raises(ValueError, match="max_points"):
        par_points(80.0, max_points=0)
