"""Change versus the previous period, with a significance test (method §4)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats import two_proportion_test, z_value
from analysis.tables import group_columns

CHANGE_COLUMNS: tuple[str, ...] = (
    "level", "code", "index_previous", "index_current", "change", "ci_low", "ci_high",
    "z", "p_value", "significant", "test",
)  # fmt: skip


def compare_periods(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    on: str | Sequence[str] | None = (),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Change of every index between two independent samples (two periods).

    ``change = I_current − I_previous`` in percentage points.

    * Single proportions (items, and composites under ``general_question``,
      i.e. rows with ``ci_method = 'wilson'``): two-sided two-proportion z test
      with pooled variance on ``n_satisfied``/``n_valid``; ``significant`` when
      ``p_value < alpha``. The interval is the unpooled Wald interval of the
      difference.
    * Composites (``ci_method`` ``'delta'`` or ``'mean_of_children'``): the
      samples are independent, so ``se² = se_current² + se_previous²`` and the
      interval is ``change ± z·se``; ``significant`` when it excludes 0
      (``p_value`` is the matching Wald test).

    So a 1-point drop on 40 answers is not read as a real fall.

    Parameters
    ----------
    current, previous : pandas.DataFrame
        Results of :func:`analysis.indices.sipas_table` under the same rule.
    on : str or sequence of str
        Group columns to match on (e.g. ``unit_code``), not the period column.
    alpha : float
        Significance level; the interval has confidence ``1 − alpha``.

    Returns
    -------
    pandas.DataFrame
        ``[*on, level, code, index_previous, index_current, change, ci_low,
        ci_high, z, p_value, significant, test]`` for rows present in both.

    Examples
    --------
    >>> cur = pd.DataFrame({"level": ["item"], "code": ["C1"], "n_valid": [200], "n_satisfied": [150],
    ...                     "index": [75.0], "se": [3.06], "ci_method": ["wilson"], "rule": ["pooled"]})
    >>> prev = cur.assign(n_satisfied=170, index=85.0, se=2.52)
    >>> r = compare_periods(cur, prev)
    >>> r[["change", "p_value", "significant", "test"]].round(4)
       change  p_value  significant              test
    0   -10.0   0.0124         True  two_proportion_z
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must lie strictly between 0 and 1, got {alpha!r}")
    keys = [on] if isinstance(on, str) else list(on or ())
    for name, frame in (("current", current), ("previous", previous)):
        missing = [c for c in (*keys, "level", "code", "n_valid", "n_satisfied", "index", "se", "ci_method")
                   if c not in frame.columns]  # fmt: skip
        if missing:
            raise ValueError(f"{name}: missing column(s) {missing}")
    if "rule" in current.columns and "rule" in previous.columns:
        rules = set(current["rule"]) | set(previous["rule"])
        if len(rules) > 1:
            raise ValueError(f"previous: computed under another rule ({sorted(rules)}); compare like with like")
    cols = ["level", "code", "n_valid", "n_satisfied", "index", "se", "ci_method"]
    both = current[[*keys, *cols]].merge(
        previous[[*keys, *cols]],
        on=[*keys, "level", "code"],
        suffixes=("_cur", "_prev"),
        validate="one_to_one",
    )
    z_crit = z_value(1 - alpha)
    change = both["index_cur"] - both["index_prev"]
    single = (both["ci_method_cur"] == "wilson") & (both["ci_method_prev"] == "wilson")
    # items: pooled two-proportion z test; unpooled Wald interval for the difference
    z_item, p_item = two_proportion_test(
        both["n_satisfied_cur"], both["n_valid_cur"], both["n_satisfied_prev"], both["n_valid_prev"]
    )
    p1 = both["n_satisfied_cur"] / both["n_valid_cur"].where(both["n_valid_cur"] > 0)
    p0 = both["n_satisfied_prev"] / both["n_valid_prev"].where(both["n_valid_prev"] > 0)
    se_item = 100 * np.sqrt(p1 * (1 - p1) / both["n_valid_cur"] + p0 * (1 - p0) / both["n_valid_prev"])
    se_comp = np.sqrt(both["se_cur"] ** 2 + both["se_prev"] ** 2)
    se = se_item.where(single, se_comp)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_comp = np.where(se_comp > 0, change / se_comp, np.nan)
    z = np.where(single, z_item, z_comp)
    p_comp = 2 * stats.norm.sf(np.abs(z_comp))
    out = both[keys].copy()
    out["level"] = both["level"]
    out["code"] = both["code"]
    out["index_previous"] = both["index_prev"]
    out["index_current"] = both["index_cur"]
    out["change"] = change
    out["ci_low"] = change - z_crit * se
    out["ci_high"] = change + z_crit * se
    out["z"] = z
    out["p_value"] = np.where(single, p_item, p_comp)
    sig_comp = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    out["significant"] = np.where(single, out["p_value"] < alpha, sig_comp)
    out["test"] = np.where(single, "two_proportion_z", "difference_interval")
    out["test"] = out["test"].astype("str")
    return out.reset_index(drop=True)


def change_by_period(table: pd.DataFrame, period: str, alpha: float = 0.05) -> pd.DataFrame:
    """Compare every period of a result table with the period before it.

    ``period`` is a group column whose values sort chronologically (``month``
    ``'2026-03'``, ``quarter`` ``'2026-Q1'``, ``year``). The other group
    columns are matched; the output gains ``period`` and ``previous_period``
    columns. The first period has nothing to compare with and is left out.
    """
    groups = group_columns(table)
    if period not in groups:
        raise ValueError(f"period: {period!r} is not a group column of table ({groups})")
    on = [c for c in groups if c != period]
    periods = sorted(table[period].dropna().unique())
    frames = []
    for before, now in zip(periods, periods[1:], strict=False):
        res = compare_periods(table[table[period] == now], table[table[period] == before], on, alpha)
        res.insert(0, "previous_period", before)
        res.insert(0, period, now)
        frames.append(res)
    if not frames:
        return pd.DataFrame(columns=[period, "previous_period", *on, *CHANGE_COLUMNS])
    return pd.concat(frames, ignore_index=True)
