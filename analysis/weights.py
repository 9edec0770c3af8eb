"""Optional post-stratification weights and the raw-rows convenience path (method §4).

People who answer a QR code are self-selected; if, say, land dossiers are 60 %
of a unit's work but 30 % of its respondents, land answers are weighted up.
Weights apply on the **raw-rows path** only: they enter
:func:`analysis.counts.counts_from_responses` and
:func:`analysis.counts.moments_from_responses` (so the SQL path, which has no
per-response weights, stays unweighted unless the app multiplies by them itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from analysis.counts import (
    counts_from_responses,
    moments_from_responses,
    normalise_by,
    responses_per_group,
    select_profile,
)
from analysis.indices import Rule, sipas_table
from analysis.profile import Profile


def poststratify(
    df: pd.DataFrame,
    stratum_col: str,
    population_counts: Mapping[str, float] | pd.Series | pd.DataFrame,
    by: str | Sequence[str] | None = (),
    drop_empty: bool = False,
) -> pd.Series:
    """Post-stratification weights from population counts per stratum.

    Within each group of ``by``, a response in stratum ``h`` gets::

        w = (N_h / N) / (n_h / n)

    with ``N_h`` the population count (e.g. dossiers received in procedure field
    ``h``, from the one-stop system), ``n_h`` the respondents in ``h`` and
    ``N``, ``n`` their totals over the strata present. Weights average 1 in each
    group, so weighted counts stay on the respondent scale.

    Parameters
    ----------
    df : pandas.DataFrame
        Responses.
    stratum_col : str
        Column of ``df`` holding the stratum (e.g. ``field_code``).
    population_counts : mapping, Series or DataFrame
        Stratum → count; or, when weighting separately per group of ``by``, a
        DataFrame ``[*by, stratum_col, population]``.
    by : str or sequence of str
        Groups weighted separately (e.g. ``unit_code``).
    drop_empty : bool
        A stratum with population but no respondent cannot be represented. By
        default that raises; with ``drop_empty=True`` the other strata are
        re-scaled to the population of the strata present.

    Returns
    -------
    pandas.Series
        Weights aligned on ``df.index``.

    Examples
    --------
    >>> df = pd.DataFrame({"field_code": ["land", "land", "land", "civil"]})
    >>> poststratify(df, "field_code", {"land": 50, "civil": 50}).tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    cols = normalise_by(by, df)
    if stratum_col not in df.columns:
        raise ValueError(f"stratum_col: {stratum_col!r} is not a column of df")
    if isinstance(population_counts, pd.DataFrame):
        need = [*cols, stratum_col, "population"]
        if any(c not in population_counts.columns for c in need):
            raise ValueError(f"population_counts: expected columns {need}")
        pop = population_counts[need]
    else:
        if cols:
            raise ValueError("population_counts: give a DataFrame [*by, stratum, population] when by is used")
        series = pd.Series(population_counts, dtype=float)
        pop = pd.DataFrame({stratum_col: series.index, "population": series.to_numpy()})
    if (pd.to_numeric(pop["population"], errors="coerce").fillna(-1) < 0).any():
        raise ValueError("population_counts: counts must be numbers >= 0")
    sample = df.groupby([*cols, stratum_col], dropna=False).size().rename("sample").reset_index()
    merged = sample.merge(pop, on=[*cols, stratum_col], how="outer", indicator=True)
    no_pop = merged[merged["_merge"] == "left_only"]
    if len(no_pop):
        raise ValueError(f"population_counts: no count for stratum {no_pop[stratum_col].iloc[0]!r}")
    empty = merged[(merged["_merge"] == "right_only") & (merged["population"] > 0)]
    if len(empty) and not drop_empty:
        raise ValueError(
            f"population_counts: stratum {empty[stratum_col].iloc[0]!r} has no respondent; "
            "merge strata or pass drop_empty=True"
        )
    cells = merged[merged["_merge"] == "both"].copy()
    if (cells["population"] <= 0).any():
        raise ValueError(
            f"population_counts: stratum {cells.loc[cells['population'] <= 0, stratum_col].iloc[0]!r} "
            "has respondents but population 0"
        )
    if cols:
        totals = cells.groupby(cols, dropna=False)[["sample", "population"]].transform("sum")
    else:
        totals = cells[["sample", "population"]].sum().to_frame().T.loc[[0] * len(cells)]
        totals.index = cells.index
    cells["weight"] = (cells["population"] / totals["population"]) / (cells["sample"] / totals["sample"])
    keyed = df[[*cols, stratum_col]].merge(cells[[*cols, stratum_col, "weight"]], how="left")
    return pd.Series(keyed["weight"].to_numpy(dtype=float), index=df.index, name="weight")


def sipas_from_responses(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = (),
    profile: str | Profile | None = None,
    rule: Rule = "mean_of_items",
    weights: str | pd.Series | None = None,
    min_n: int = 30,
    *,
    satisfied: Iterable[int] | None = None,
    shares: bool = False,
    **options: object,
) -> pd.DataFrame:
    """:func:`analysis.indices.sipas_table` straight from response rows.

    Builds the counts, moments and respondent counts and calls ``sipas_table``.
    With ``weights`` (e.g. from :func:`poststratify`) the counts and moments are
    weighted: indices are weighted ratios, ``n_valid``/``n_satisfied`` weighted
    sums, item intervals use Wilson with the Kish effective size
    ``(Σ w v)² / Σ w² v`` and composite intervals the same linearization with
    ``w_r u_r`` in place of ``u_r``. The weights are treated as fixed, which
    ignores the (small) variance of the stratum shares. ``n_responses`` and the
    small-sample flag stay unweighted. ``options`` go to ``sipas_table``.

    With ``shares`` the weights are not sampling weights but shares of a response: the
    ``weight`` column of ``responses export --boundaries``, where the answers of a unit
    split among several new ones count in each by the recorded share. A response then
    counts as ``w`` of a respondent everywhere (counts, moments and ``n_responses``),
    exactly as the app's figures on a day's boundaries count it, so the two agree.
    """
    sub, prof = select_profile(df, profile)
    cols = normalise_by(by, sub)
    if isinstance(weights, pd.Series):
        weights = weights.reindex(sub.index)
    counts = counts_from_responses(sub, cols, prof, weights)
    moments = moments_from_responses(sub, cols, prof, weights, satisfied, shares=shares)
    n_resp = responses_per_group(sub, cols, prof, weights if shares else None)
    return sipas_table(
        counts,
        cols,
        prof,
        rule,
        moments,
        n_resp,
        min_n,
        satisfied=satisfied,
        **options,  # type: ignore[arg-type]
    )
