"""Expectation and perception tables (method §3) and rankings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.counts import group_keys, normalise_by, resolve_profile
from analysis.profile import Profile
from analysis.stats import rank_desc
from analysis.tallies import match_groups


def _choice_counts(
    counts: pd.DataFrame, by: list[str], codes: Sequence[str], allowed: dict[str, tuple[int, ...]]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Per group × code × allowed value, the answer count (zeros filled)."""
    for col in ("code", "value", "n"):
        if col not in counts.columns:
            raise ValueError(f"counts: missing column {col!r}; expected [*by, code, value, n]")
    _, keys = group_keys(counts, by)
    sub = counts.loc[counts["code"].isin(codes) & counts["value"].notna()]
    gid = match_groups(keys, sub, by)
    table: dict[str, np.ndarray] = {}
    for code in codes:
        values = allowed[code]
        arr = np.zeros((len(keys), len(values)))
        mask = (sub["code"] == code).to_numpy()
        vals = sub.loc[mask, "value"].astype("int64").to_numpy()
        bad = sorted(set(vals) - set(values))
        if bad:
            raise ValueError(f"counts: value {bad[0]} is not allowed for {code}")
        pos = np.searchsorted(np.array(values), vals)
        np.add.at(arr, (gid[mask], pos), sub.loc[mask, "n"].to_numpy(dtype=float))
        table[code] = arr
    return keys, table


def expectations_table(
    counts: pd.DataFrame, by: str | Sequence[str] | None = (), profile: str | Profile | None = None
) -> pd.DataFrame:
    """Share of valid answers that want an improvement, ranked (method §3).

    ``percent = 100 × n(3 or 4) / n(valid 1–4)`` per expectation item ``X1…``;
    ``rank`` 1 = most wanted within the group (ties share the better rank,
    compared on the 2-decimal value). Items nobody answered get NaN and no rank.

    Returns
    -------
    pandas.DataFrame
        ``[*by, code, n_valid, n_expected, percent, rank]`` sorted by group and rank.

    Examples
    --------
    >>> c = pd.DataFrame({"code": ["X1", "X1", "X2"], "value": [4, 1, 3], "n": [3, 1, 2]})
    >>> expectations_table(c).head(3)[["code", "n_valid", "percent", "rank"]]
      code  n_valid  percent  rank
    0   X2        2    100.0     1
    1   X1        4     75.0     2
    2   X3        0      NaN  <NA>
    """
    prof = resolve_profile(profile)
    cols = normalise_by(by, counts, "counts")
    codes = prof.expectation_codes
    scale = tuple(v for v, _ in prof.expectation_scale)
    keys, table = _choice_counts(counts, cols, codes, dict.fromkeys(codes, scale))
    expected = np.isin(np.array(scale), list(prof.expected))
    frames = []
    for g in range(len(keys)):
        rows = pd.DataFrame({"code": pd.Series(codes, dtype="str")})
        rows["n_valid"] = [table[c][g].sum() for c in codes]
        rows["n_expected"] = [table[c][g][expected].sum() for c in codes]
        rows["percent"] = 100 * rows["n_expected"] / rows["n_valid"].where(rows["n_valid"] > 0)
        rows["rank"] = rank_desc(rows["percent"])
        frames.append((g, rows.sort_values("rank", na_position="last", kind="stable")))  # ties keep profile order
    return _stack(frames, keys, cols, counts, ["n_valid", "n_expected"])


def perception_table(
    counts: pd.DataFrame, by: str | Sequence[str] | None = (), profile: str | Profile | None = None
) -> pd.DataFrame:
    """Percent of valid answers per option of each perception item (``P1``, ``P2``).

    Returns
    -------
    pandas.DataFrame
        ``[*by, code, value, label, n, n_valid, percent]``, every option listed.

    Examples
    --------
    >>> c = pd.DataFrame({"code": ["P1", "P1"], "value": [1, 2], "n": [3, 1]})
    >>> perception_table(c)[["code", "value", "n", "percent"]].head(3)
      code  value  n  percent
    0   P1      1  3     75.0
    1   P1      2  1     25.0
    2   P1      3  0      0.0
    """
    prof = resolve_profile(profile)
    cols = normalise_by(by, counts, "counts")
    allowed = {p.code: p.values for p in prof.perception}
    keys, table = _choice_counts(counts, cols, list(allowed), allowed)
    frames = []
    for g in range(len(keys)):
        for item in prof.perception:
            arr = table[item.code][g]
            total = arr.sum()
            rows = pd.DataFrame(
                {
                    "code": pd.Series([item.code] * len(arr), dtype="str"),
                    "value": pd.array(item.values, dtype="Int64"),
                    "label": pd.Series([label for _, label in item.options], dtype="str"),
                    "n": arr,
                    "n_valid": total,
                    "percent": 100 * arr / total if total > 0 else np.nan,
                }
            )
            frames.append((g, rows))
    return _stack(frames, keys, cols, counts, ["n", "n_valid"])


def _stack(frames: list[tuple[int, pd.DataFrame]], keys: pd.DataFrame, cols: list[str], counts: pd.DataFrame,
           count_columns: list[str]) -> pd.DataFrame:  # fmt: skip
    """(group number, rows) frames as one table, each row led by its group's ``cols`` (from ``keys``), the counts
    typed as the input's."""
    for g, rows in frames:
        for col in reversed(cols):
            rows.insert(0, col, keys.loc[g, col])
    out = pd.concat([rows for _, rows in frames], ignore_index=True) if frames else pd.DataFrame()
    if len(out):
        out = out.astype(dict.fromkeys(count_columns, _count_type(counts)))
    return out


def _count_type(counts: pd.DataFrame) -> str:
    n = pd.to_numeric(counts["n"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return "int64" if np.all(n == np.round(n)) else "float64"


def group_columns(table: pd.DataFrame) -> list[str]:
    """Group columns of a result table: those before ``level``."""
    if "level" not in table.columns:
        raise ValueError("table: expected a result of sipas_table (no 'level' column)")
    return list(table.columns[: table.columns.get_loc("level")])


def rank_table(table: pd.DataFrame, among: str) -> pd.DataFrame:
    """Add a ``rank`` column: rank of each ``among`` value (e.g. unit) per indicator.

    Within every combination of the other group columns, ``level`` and ``code``,
    rows are ranked descending on the index rounded (half-up) to 2 decimals;
    equal published values share the better rank (1, 2, 2, 4). Rows flagged
    ``small_sample`` or with an undefined index get no rank (``<NA>``).

    Examples
    --------
    >>> t = pd.DataFrame({"unit_code": list("ABCD"), "level": "overall", "code": "SIPAS",
    ...                   "index": [84.004, 83.996, 85.1, 99.0],
    ...                   "flag": ["", "", "", "small_sample"]})
    >>> rank_table(t, "unit_code")["rank"].tolist()
    [2, 2, 1, <NA>]
    """
    groups = group_columns(table)
    if among not in groups:
        raise ValueError(f"among: {among!r} is not a group column of table ({groups})")
    part = [c for c in groups if c != among] + ["level", "code"]
    eligible = ~table["flag"].astype("str").str.contains("small_sample", regex=False)
    out = table.copy()
    ranks = pd.Series(pd.NA, index=table.index, dtype="Int64")
    for _, idx in table.groupby(part, sort=False, dropna=False).groups.items():
        ranks.loc[idx] = rank_desc(table.loc[idx, "index"], eligible.loc[idx])
    out["rank"] = ranks
    return out
