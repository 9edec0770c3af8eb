"""The canonical intermediates: answer counts, respondent counts and cross-product moments.

Every index is computed from these three frames, never from raw rows, so the app
can build them with SQL ``GROUP BY`` / ``SUM`` and get exactly what the raw-rows
path (:func:`counts_from_responses` and friends) gives.

Schemas (``*by`` = the grouping columns, any names):

``counts``  ``[*by, code, value, n]``
    one row per question code and answer value seen in the group; ``value`` is
    nullable ``Int64`` (``<NA>`` = blank / not answered, ``0`` = not applicable),
    ``n`` the number of answers (a weighted sum on the weighted path). A missing
    row means zero. ``<NA>`` rows are optional and only feed ``n_blank``.
``n_responses``  ``[*by, n_responses]``
    respondents per group (drives the small-sample flag).
``moments``  ``[*by, row, col, sum]``
    ``sum`` of ``a_r * b_r`` over the group's respondents for the variables
    ``'1'`` (constant 1), ``'s:<code>'`` (1 if the answer to ``code`` is satisfied,
    i.e. 4 or 5) and ``'v:<code>'`` (1 if it is valid, 1–5). ``('1','1')`` is the
    number of respondents, ``('1','s:C2')`` the satisfied total of C2,
    ``('s:C1','v:C2')`` the number of respondents satisfied on C1 *and* valid on
    C2. Each unordered pair at most once per group, in either orientation (both
    triangles are accepted if they agree); missing entries are zero. See
    :func:`analysis.indices.sipas_table` for how they give the interval.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.profile import DEFAULT_PROFILE, Profile, load_profile

RESERVED = ("code", "value", "n", "row", "col", "sum", "level", "n_responses")


def resolve_profile(profile: str | Profile | None) -> Profile:
    """A :class:`Profile` from a code, a profile or ``None`` (the default profile)."""
    if isinstance(profile, Profile):
        return profile
    if profile is not None and not isinstance(profile, str):
        raise ValueError(f"profile: expected a profile code, got {profile!r}")
    return load_profile(profile or DEFAULT_PROFILE)


def normalise_by(by: str | Sequence[str] | None, frame: pd.DataFrame, name: str = "df") -> list[str]:
    """``by`` as a list of existing, non-reserved column names of ``frame``."""
    cols = [by] if isinstance(by, str) else list(by or ())
    for col in cols:
        if col not in frame.columns:
            raise ValueError(f"by: {col!r} is not a column of {name}")
        if col in RESERVED:
            raise ValueError(f"by: {col!r} is a reserved column name")
    if len(set(cols)) != len(cols):
        raise ValueError(f"by: repeated column in {cols!r}")
    return cols


def select_profile(df: pd.DataFrame, profile: str | Profile | None) -> tuple[pd.DataFrame, Profile]:
    """Rows of one profile: results are never pooled across profiles.

    With ``profile=None`` the frame must hold a single profile (read from its
    ``profile`` column, or the default profile when there is none); with a
    profile given, only that profile's rows are kept.
    """
    if "profile" not in df.columns:
        return df, resolve_profile(profile)
    present = df["profile"].dropna().unique().tolist()
    if profile is None:
        if len(present) > 1:
            raise ValueError(
                f"profile: df holds responses of several profiles {sorted(present)!r}; "
                "pass profile= or analyse each profile separately"
            )
        return df, resolve_profile(present[0] if present else None)
    prof = resolve_profile(profile)
    return df.loc[df["profile"] == prof.code], prof


def _weights(df: pd.DataFrame, weights: str | pd.Series | None) -> np.ndarray | None:
    if weights is None:
        return None
    w = df[weights] if isinstance(weights, str) and weights in df.columns else weights
    if isinstance(w, str):
        raise ValueError(f"weights: {w!r} is not a column of df")
    w = pd.Series(w).reindex(df.index).to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(w).any() or (w < 0).any():
        raise ValueError("weights: every response needs a finite weight >= 0")
    return w


def _answers(df: pd.DataFrame, code: str) -> pd.Series:
    column = df[code]
    if isinstance(column.dtype, pd.Int64Dtype):
        return column
    try:
        return column.astype("Int64")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"df: column {code!r} holds non-integer answers") from exc


def group_keys(df: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number of each row and the groups' key frame (sorted)."""
    if not by:
        return np.zeros(len(df), dtype=np.intp), pd.DataFrame(index=range(1))
    grouped = df.groupby(by, sort=True, dropna=False, observed=True)
    keys = grouped.size().index.to_frame(index=False)
    return grouped.ngroup().to_numpy(dtype=np.intp), keys


def counts_from_responses(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = (),
    profile: str | Profile | None = None,
    weights: str | pd.Series | None = None,
) -> pd.DataFrame:
    """Count answers per group, question and value: the canonical intermediate.

    Parameters
    ----------
    df : pandas.DataFrame
        Responses (one row each), e.g. from :func:`analysis.io.read_responses`.
    by : str or sequence of str
        Grouping columns (empty = the whole frame is one group).
    profile : str, Profile or None
        Method profile; see :func:`select_profile` for mixed frames.
    weights : str, pandas.Series or None
        Optional response weights (column name or Series aligned on ``df``);
        ``n`` is then the sum of weights.

    Returns
    -------
    pandas.DataFrame
        ``[*by, code, value, n]`` for every question column of the profile that
        is present in ``df``; ``value`` is ``Int64`` with ``<NA>`` for blanks.

    Examples
    --------
    >>> df = pd.DataFrame({"C1": [4, 5, 0, None], "C2": [3, 3, 4, 4]})
    >>> counts_from_responses(df)
      code  value  n
    0   C1      0  1
    1   C1      4  1
    2   C1      5  1
    3   C1   <NA>  1
    4   C2      3  2
    5   C2      4  2
    """
    sub, prof = select_profile(df, profile)
    cols = normalise_by(by, sub)
    codes = [c for c in prof.question_codes if c in sub.columns]
    w = _weights(sub, weights)
    if not codes:
        out = pd.DataFrame({**{c: sub[c].iloc[:0] for c in cols}, "code": [], "value": [], "n": []})
        return out.astype({"code": "str", "value": "Int64", "n": "int64" if w is None else "float64"})
    rows = len(sub)
    values = np.column_stack([_answers(sub, c).to_numpy(dtype=float, na_value=np.nan) for c in codes])
    flat = values.T.ravel()  # code-major, as a melt would give
    blank = np.isnan(flat)
    stacked = sub[cols].iloc[np.tile(np.arange(rows), len(codes))].reset_index(drop=True)
    stacked["code"] = np.repeat(np.array(codes, dtype=object), rows)
    stacked["value"] = pd.arrays.IntegerArray(np.where(blank, 0, flat).astype("int64"), blank)
    stacked["n"] = 1 if w is None else np.tile(w, len(codes))
    stacked["code"] = pd.Categorical(stacked["code"], categories=codes, ordered=True)
    out = stacked.groupby([*cols, "code", "value"], sort=True, dropna=False, observed=True)["n"].sum()
    out = out.reset_index()
    out["code"] = out["code"].astype("str")
    out["value"] = out["value"].astype("Int64")
    return out


def responses_per_group(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = (),
    profile: str | Profile | None = None,
    weights: str | pd.Series | None = None,
) -> pd.DataFrame:
    """Number of respondents per group: ``[*by, n_responses]`` (with ``weights``, their sum: shares of responses).

    >>> responses_per_group(pd.DataFrame({"unit_code": ["U1", "U1", "U2"]}), "unit_code")
      unit_code  n_responses
    0        U1            2
    1        U2            1
    """
    sub, _ = select_profile(df, profile)
    cols = normalise_by(by, sub)
    w = _weights(sub, weights)
    if not cols:
        return pd.DataFrame({"n_responses": [len(sub) if w is None else float(w.sum())]})
    grouped = sub.groupby(cols, sort=True, dropna=False, observed=True)
    out = grouped.size() if w is None else pd.Series(w, index=sub.index).groupby(
        [sub[c] for c in cols], sort=True, dropna=False, observed=True).sum()  # fmt: skip
    return out.rename("n_responses").reset_index()


def moment_variables(codes: Iterable[str]) -> list[str]:
    """Variable names of the moments frame, in canonical order: ``1, s:…, v:…``."""
    codes = list(codes)
    return ["1", *(f"s:{c}" for c in codes), *(f"v:{c}" for c in codes)]


def moments_from_responses(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = (),
    profile: str | Profile | None = None,
    weights: str | pd.Series | None = None,
    satisfied: Iterable[int] | None = None,
    shares: bool = False,
) -> pd.DataFrame:
    """Respondent-level cross-product sums that give the composite intervals.

    For respondent ``r`` let ``u_r = (1, s_r1..s_rK, v_r1..v_rK)`` with
    ``s_rk = 1`` if the answer to item ``k`` is satisfied and ``v_rk = 1`` if it
    is valid (1–5). The frame holds ``M = Σ_r u_r u_rᵀ`` (upper triangle, in the
    order of :func:`moment_variables`) per group: in SQL, ``SUM(a * b)``.

    The items are the profile's element items plus any "in general" question
    present in ``df``. With ``weights``, ``s`` and ``v`` are multiplied by the
    weight ``w_r`` (the constant stays 1), so row ``'1'`` holds weighted totals,
    the other entries ``Σ w_r² a_r b_r`` and ``('1','1')`` the respondent count.
    With ``shares`` the weights are shares of a response (a split unit's answers counted in
    each successor by its share, as the app does): every entry is ``Σ w_r a_r b_r``, the
    response counted as ``w_r`` of a respondent, ``('1','1')`` the sum of the shares.

    Returns
    -------
    pandas.DataFrame
        ``[*by, row, col, sum]``.

    Examples
    --------
    >>> df = pd.DataFrame({"C1": [4, 3, None]})
    >>> m = moments_from_responses(df)
    >>> m[m.col.isin(["1", "s:C1", "v:C1"]) & (m.row == "1")][["row", "col", "sum"]].to_dict("list")
    {'row': ['1', '1', '1'], 'col': ['1', 's:C1', 'v:C1'], 'sum': [3, 1, 2]}
    """
    sub, prof = select_profile(df, profile)
    cols = normalise_by(by, sub)
    sat = set(prof.satisfied if satisfied is None else satisfied)
    valid = {v for v, _ in prof.scale}
    codes = [*prof.item_codes, *(c for c in prof.general_codes if c in sub.columns)]
    w = _weights(sub, weights)
    u = np.zeros((len(sub), 1 + 2 * len(codes)))
    u[:, 0] = 1.0
    for k, code in enumerate(codes):
        if code not in sub.columns:
            continue
        values = _answers(sub, code)
        u[:, 1 + k] = values.isin(sat).fillna(False).to_numpy(dtype=float)
        u[:, 1 + len(codes) + k] = values.isin(valid).fillna(False).to_numpy(dtype=float)
    if w is not None and shares:
        u *= np.sqrt(w)[:, None]  # Σ (√w u)(√w u)ᵀ = Σ w u uᵀ
    elif w is not None:
        u[:, 1:] *= w[:, None]
    gid, keys = group_keys(sub, cols)
    order = np.argsort(gid, kind="stable")
    bounds = np.searchsorted(gid[order], np.arange(len(keys) + 1))
    iu, ju = np.triu_indices(u.shape[1])
    sums = np.empty((len(keys), len(iu)))
    for g in range(len(keys)):
        block = u[order[bounds[g] : bounds[g + 1]]]
        sums[g] = (block.T @ block)[iu, ju]
    names = np.array(moment_variables(codes), dtype=object)
    out = keys.loc[np.repeat(np.arange(len(keys)), len(iu))].reset_index(drop=True)
    out["row"] = pd.Series(np.tile(names[iu], len(keys)), dtype="str")
    out["col"] = pd.Series(np.tile(names[ju], len(keys)), dtype="str")
    flat = sums.ravel()
    out["sum"] = flat.round().astype("int64") if w is None else flat
    return out
