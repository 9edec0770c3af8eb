"""A parent unit's indices from its child units (method §3, "Across units").

The national SIPAS is the unweighted mean of the provinces' indices, so the
default parent value is the mean of the children's indices
(:func:`parent_from_children`). The alternative pools the children's
respondents as if they were one sample (:func:`parent_pooled`); its rows are
labelled ``aggregation = 'pooled_respondents'``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.counts import normalise_by
from analysis.indices import Rule, sipas_table
from analysis.profile import Profile
from analysis.stats import z_value
from analysis.tables import group_columns


def _parent_column(frame: pd.DataFrame, child_col: str, parent_of: Mapping[str, str] | pd.Series) -> pd.Series:
    mapping = pd.Series(parent_of, dtype=object)
    children = frame[child_col]
    unknown = sorted(set(children.dropna()) - set(mapping.index))
    if unknown:
        raise ValueError(f"parent_of: no parent for {child_col} {unknown[:5]}")
    return children.map(mapping).astype("str")


def parent_from_children(
    table: pd.DataFrame,
    child_col: str,
    parent_of: Mapping[str, str] | pd.Series,
    parent_col: str = "parent_code",
    min_n: int = 30,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Parent indices as the unweighted mean of the children's indices (default rule).

    For each parent, group, level and code::

        index = (1/m) Σ_i I_i          over the m children with a defined index
        se    = sqrt(Σ_i se_i²) / m    children are independent samples

    and the interval is ``index ± z·se`` clipped to [0, 100] (``ci_method =
    'mean_of_children'``; NaN if a child lacks ``se``). Small children are
    included (the published method does so); counts (``n_valid`` …,
    ``n_responses``) are sums and ``n_children`` tells how many children had a
    defined index. ``small_sample`` is judged on the summed ``n_responses``.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`analysis.indices.sipas_table` with ``child_col`` among
        its group columns.
    child_col : str
        Column naming the child unit (e.g. ``unit_code``).
    parent_of : mapping or Series
        Child code → parent code.

    Examples
    --------
    >>> t = pd.DataFrame({"unit_code": ["X1", "X2"], "level": "overall", "code": "SIPAS",
    ...     "n_valid": [100, 300], "n_satisfied": [80, 270], "index": [80.0, 90.0],
    ...     "ci_low": 0.0, "ci_high": 100.0, "flag": "", "n_responses": [40, 60],
    ...     "n_na": 0, "n_blank": 0, "mean_score": [4.0, 4.5], "se": [3.0, 4.0],
    ...     "ci_method": "delta", "rule": "mean_of_items"})
    >>> p = parent_from_children(t, "unit_code", {"X1": "H", "X2": "H"})
    >>> p[["parent_code", "index", "se", "n_responses", "n_children"]]
      parent_code  index   se  n_responses  n_children
    0           H   85.0  2.5          100           2
    """
    groups = group_columns(table)
    if child_col not in groups:
        raise ValueError(f"child_col: {child_col!r} is not a group column of table ({groups})")
    if parent_col in table.columns:
        raise ValueError(f"parent_col: {parent_col!r} is already a column of table")
    work = table.copy()
    work[parent_col] = _parent_column(work, child_col, parent_of)
    keys = [*(c for c in groups if c != child_col), parent_col, "level", "code", "rule"]
    work["_defined"] = work["index"].notna()
    work["_se2"] = work["se"].where(work["_defined"], 0.0) ** 2
    work["_se_missing"] = work["_defined"] & work["se"].isna()
    grouped = work.groupby(keys, sort=False, dropna=False)
    out = grouped[["n_valid", "n_satisfied", "n_na", "n_blank"]].sum()
    out["n_responses"] = grouped["n_responses"].sum(min_count=1)
    m = grouped["_defined"].sum()
    out["index"] = grouped["index"].mean()
    out["mean_score"] = grouped["mean_score"].mean()
    se = np.sqrt(grouped["_se2"].sum()) / m.where(m > 0)
    se = se.where(~grouped["_se_missing"].any())
    z = z_value(confidence)
    out["se"] = se
    out["ci_low"] = (out["index"] - z * se).clip(0, 100)
    out["ci_high"] = (out["index"] + z * se).clip(0, 100)
    out["n_children"] = m.astype("int64")
    out = out.reset_index()
    small = out["n_responses"].fillna(0) < min_n
    undefined = out["index"].isna()
    out["flag"] = [
        ";".join(f for f, on in (("small_sample", s), ("no_valid_answers", u)) if on)
        for s, u in zip(small, undefined, strict=True)
    ]
    out["flag"] = out["flag"].astype("str")
    out["ci_method"] = np.where(se.isna().to_numpy(), "", "mean_of_children")
    out["ci_method"] = out["ci_method"].astype("str")
    out["aggregation"] = "mean_of_children"
    lead = [c for c in keys if c not in ("level", "code", "rule")]
    order = [*lead, "level", "code", "n_valid", "n_satisfied", "index", "ci_low", "ci_high", "flag",
             "n_responses", "n_na", "n_blank", "mean_score", "se", "ci_method", "rule", "n_children",
             "aggregation"]  # fmt: skip
    return out[order]


def parent_pooled(
    counts: pd.DataFrame,
    child_col: str,
    parent_of: Mapping[str, str] | pd.Series,
    by: str | Sequence[str] | None = (),
    profile: str | Profile | None = None,
    rule: Rule = "mean_of_items",
    moments: pd.DataFrame | None = None,
    n_responses: pd.DataFrame | None = None,
    parent_col: str = "parent_code",
    min_n: int = 30,
    **options: object,
) -> pd.DataFrame:
    """Parent indices pooling the children's respondents (labelled alternative).

    The children's counts, moments and respondent counts are summed per parent
    (valid because children are disjoint sets of respondents) and
    :func:`analysis.indices.sipas_table` is applied with ``[*by, parent_col]``.
    Large children weigh more than under :func:`parent_from_children`.
    ``options`` are passed on to ``sipas_table``. The result carries
    ``aggregation = 'pooled_respondents'``.
    """
    cols = normalise_by(by, counts, "counts")
    if child_col in cols:
        raise ValueError(f"by: must not contain child_col {child_col!r}")
    if child_col not in counts.columns:
        raise ValueError(f"child_col: {child_col!r} is not a column of counts")
    keys = [*cols, parent_col]

    def lift(frame: pd.DataFrame, detail: list[str], value: str, name: str) -> pd.DataFrame:
        if child_col not in frame.columns:
            raise ValueError(f"{name}: needs the child column {child_col!r}")
        work = frame.copy()
        work[parent_col] = _parent_column(work, child_col, parent_of)
        return work.groupby([*keys, *detail], sort=True, dropna=False)[value].sum().reset_index()

    parent_counts = lift(counts, ["code", "value"], "n", "counts")
    parent_counts["value"] = parent_counts["value"].astype("Int64")
    parent_moments = None
    if moments is not None:
        # one orientation per pair, so that children giving different triangles add up
        swap = moments["row"].astype("str") > moments["col"].astype("str")
        canon = moments.assign(
            row=moments["row"].where(~swap, moments["col"]), col=moments["col"].where(~swap, moments["row"])
        ).drop_duplicates()
        parent_moments = lift(canon, ["row", "col"], "sum", "moments")
    parent_resp = lift(n_responses, [], "n_responses", "n_responses") if n_responses is not None else None
    out = sipas_table(
        parent_counts,
        keys,
        profile,
        rule,
        parent_moments,
        parent_resp,
        min_n,
        **options,  # type: ignore[arg-type]
    )
    out["aggregation"] = "pooled_respondents"
    return out
