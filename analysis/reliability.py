"""Reliability of each element's items: Cronbach's α (method §4)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.counts import group_keys, normalise_by, select_profile
from analysis.profile import Profile


def _alpha(scores: np.ndarray) -> float:
    n, k = scores.shape
    if n < 2 or k < 2:
        return float("nan")
    item_var = scores.var(axis=0, ddof=1).sum()
    total_var = scores.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_var / total_var))


def cronbach_alpha(
    df: pd.DataFrame, by: str | Sequence[str] | None = (), profile: str | Profile | None = None
) -> pd.DataFrame:
    """Cronbach's α of each element's items, from respondent-level answers.

    ``α = k/(k − 1) · (1 − Σ_i s_i² / s_T²)`` with ``k`` items, ``s_i²`` the
    sample variance (ddof 1) of item ``i`` and ``s_T²`` that of the respondents'
    item sum, on the 1–5 scores. Listwise: only respondents with a valid answer
    (1–5) to *every* item of the element count, since 0 (not applicable) and
    blank are not scores; ``n`` says how many remained. NaN when fewer than two
    respondents remain, the element has one item, or the sum has no variance.
    α needs respondent-level data, so it has no counts path.

    Returns
    -------
    pandas.DataFrame
        ``[*by, element, k, n, alpha]``.

    Examples
    --------
    >>> df = pd.DataFrame({"C1": [5, 4, 3, 2, 0], "C2": [5, 4, 3, 1, 5], "C3": [4, 4, 3, 2, 5]})
    >>> r = cronbach_alpha(df)
    >>> r.loc[r.element == "C", ["k", "n", "alpha"]].round(3).to_dict("records")
    [{'k': 3, 'n': 4, 'alpha': 0.962}]
    """
    sub, prof = select_profile(df, profile)
    cols = normalise_by(by, sub)
    gid, keys = group_keys(sub, cols)
    valid = [v for v, _ in prof.scale]
    rows = []
    for e in prof.elements:
        present = [c for c in e.item_codes if c in sub.columns]
        if present:
            block = sub[present].apply(lambda s: s.astype("Float64")).to_numpy(dtype=float, na_value=np.nan)
        else:
            block = np.empty((len(sub), 0))
        complete = np.isin(block, valid).all(axis=1) & (len(present) == len(e.item_codes))
        for g in range(len(keys)):
            scores = block[(gid == g) & complete]
            row = {c: keys.loc[g, c] for c in cols}
            alpha = _alpha(scores) if present else float("nan")
            rows.append({**row, "element": e.code, "k": len(e.item_codes), "n": len(scores), "alpha": alpha})
    out = pd.DataFrame(rows, columns=[*cols, "element", "k", "n", "alpha"])
    out["element"] = out["element"].astype("str")
    return out.sort_values([*cols, "element"], kind="stable").reset_index(drop=True)
