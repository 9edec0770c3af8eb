"""Satisfaction with each civil servant, fairly (method §4.1).

A raw per-officer percentage ranks people by the fields they serve and by luck. The
figure computed here is the officer's index *had they served the unit's mix of fields*,
estimated with a model that shrinks officers with few answers toward the unit
(:mod:`analysis.mixed`), with a 95 % interval, withheld under ``min_n`` answers, and
grouped "above / about / below the unit" instead of ranked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import expit

from analysis.counts import select_profile
from analysis.indices import RULES
from analysis.mixed import fit_item, logit_interval, standardised
from analysis.profile import Profile
from analysis.stats import z_value

#: the columns ``python -m analysis officers`` prints, in order (method §4.1)
OFFICER_COLUMNS: tuple[str, ...] = (
    "officer_code", "n_responses", "index_raw", "index_adjusted", "ci_low", "ci_high", "flag",
)  # fmt: skip
#: columns of :func:`officer_table`
TABLE_COLUMNS: tuple[str, ...] = (
    "unit_code", "officer_code", "level", "code", "n_responses", "n_valid", "index_raw",
    "index_adjusted", "ci_low", "ci_high", "flag", "group", "unit_index", "rule",
)  # fmt: skip
SMALL_SAMPLE = "small_sample"
#: groups shown instead of ranks: the interval lies above the unit's index, holds it, or lies below
GROUPS: tuple[str, ...] = ("above", "about", "below")


def _items(profile: Profile, element: str, rule: str, columns: pd.Index) -> tuple[str, ...]:
    match = [e for e in profile.elements if e.code == element]
    if not match:
        known = ", ".join(e.code for e in profile.elements)
        raise ValueError(f"element: {element!r} is not an element of {profile.code} ({known})")
    if rule == "general_question":
        general = match[0].general
        if general is None or general.code not in columns:
            raise ValueError(f"rule: element {element!r} has no 'in general' question in the data")
        return (general.code,)
    missing = [c for c in match[0].item_codes if c not in columns]
    if missing:
        raise ValueError(f"df: missing item column {missing[0]!r}")
    return match[0].item_codes


def _combine(values: np.ndarray, valid: np.ndarray, rule: str) -> np.ndarray:
    """Element value per row of ``values`` (shape (..., K)) under the rule; NaN where no item is defined."""
    ok = valid > 0
    weights = np.where(ok, valid, 0.0) if rule == "pooled" else ok.astype(float)
    total = weights.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (np.where(ok, values, 0.0) * weights).sum(axis=-1) / total, np.nan)


def _group(low: float, high: float, unit: float) -> str:
    if np.isnan(low) or np.isnan(unit):
        return ""
    return "above" if low > unit else "below" if high < unit else "about"


def _unit_rows(
    part: pd.DataFrame, items: tuple[str, ...], profile: Profile, cols: tuple[str, str, str],
    rule: str, min_n: int, z: float, tau: float | None,
) -> list[dict[str, object]]:  # fmt: skip
    unit_col, officer_col, field_col = cols
    scale = [v for v, _ in profile.scale]
    answers = {c: part[c].astype("Int64") for c in items}
    valid = pd.DataFrame({c: answers[c].isin(scale).fillna(False).to_numpy(bool) for c in items}, index=part.index)
    sat = pd.DataFrame(
        {c: (answers[c].isin(list(profile.satisfied)).fillna(False)).to_numpy(bool) for c in items}, index=part.index
    )
    field = part[field_col].fillna("").astype(str)
    officer = part[officer_col].fillna("").astype(str).str.strip()
    served = (officer != "") & valid.any(axis=1)
    officers = sorted(officer[served].unique())
    k = len(items)
    o_index = {code: i for i, code in enumerate(officers)}
    raw_n, raw_s = np.zeros((len(officers), k)), np.zeros((len(officers), k))
    adj, se = np.full((len(officers), k), np.nan), np.full((len(officers), k), np.nan)
    share = np.zeros((len(officers), k))
    resid = pd.DataFrame(np.nan, index=part.index, columns=list(items))
    unit_n, unit_s = valid.sum().to_numpy(float), (valid & sat).sum().to_numpy(float)
    for j, code in enumerate(items):
        rows = served & valid[code]
        fields = sorted(field[rows].unique())
        if not fields:
            continue
        f_index = {f: i for i, f in enumerate(fields)}
        who = officer[rows].map(o_index).to_numpy(int)
        where = field[rows].map(f_index).to_numpy(int)
        n = np.zeros((len(officers), len(fields)))
        s = np.zeros_like(n)
        np.add.at(n, (who, where), 1.0)
        np.add.at(s, (who, where), sat.loc[rows, code].to_numpy(float))
        raw_n[:, j], raw_s[:, j] = n.sum(axis=1), s.sum(axis=1)
        present = n.sum(axis=1) > 0
        fit = fit_item(n[present], s[present], tau=tau)
        # w_f: the unit's share of valid answers in field f (fields no served answer reached drop out)
        unit_fields = field[valid[code]].value_counts()
        w = unit_fields.reindex(fields).fillna(0.0).to_numpy(float)
        theta, err, prior = standardised(fit, w / w.sum())
        adj[present, j], se[present, j], share[present, j] = theta, err, prior
        u_full = np.zeros(len(officers))
        u_full[present] = fit.u
        p = expit(fit.alpha[where] + u_full[who])
        resid.loc[rows, code] = (sat.loc[rows, code].to_numpy(float) - p) / np.sqrt(p * (1.0 - p))
    # the items of one respondent move together: their estimates' errors correlate as their residuals do
    rho = np.eye(k)
    for a in range(k):
        for b in range(a + 1, k):
            both = resid[[items[a], items[b]]].dropna()
            if len(both) >= 3:
                ra, rb = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
                denom = np.sqrt((ra**2).sum() * (rb**2).sum())
                rho[a, b] = rho[b, a] = float(np.clip((ra * rb).sum() / denom, -1.0, 1.0)) if denom > 0 else 0.0
    n_resp = (
        pd.Series(served.to_numpy(), index=officer.to_numpy()).groupby(level=0).sum().reindex(officers).to_numpy(int)
    )
    unit_items = np.where(unit_n > 0, 100.0 * unit_s / np.where(unit_n > 0, unit_n, 1.0), np.nan)
    unit_element = float(_combine(unit_items, unit_n, rule))
    raw_items = np.where(raw_n > 0, 100.0 * raw_s / np.where(raw_n > 0, raw_n, 1.0), np.nan)
    raw_element = _combine(raw_items, raw_n, rule)
    # standardised element: items weighted by the rule (pooled: by the unit's valid answers per item)
    item_weight = np.where(raw_n > 0, unit_n[None, :] if rule == "pooled" else 1.0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = item_weight / item_weight.sum(axis=1, keepdims=True)
    adj_element = np.nansum(c * adj, axis=1)
    cse = np.where(np.isnan(se), 0.0, c * se)
    # error = shrinkage part (one officer effect, moves together across items) + noise (correlated as residuals)
    a, b = cse * np.sqrt(share), cse * np.sqrt(1.0 - share)
    se_element = np.sqrt(a.sum(axis=1) ** 2 + np.einsum("oi,ij,oj->o", b, rho, b))
    out: list[dict[str, object]] = []
    unit = part[unit_col].iloc[0]
    for i, code in enumerate(officers):
        small = n_resp[i] < min_n
        levels = [
            ("item", items[j], raw_n[i, j], raw_items[i, j], adj[i, j], se[i, j], unit_items[j]) for j in range(k)
        ]
        element_code = profile.element_of(items[0]) if rule != "general_question" else items[0].rstrip("0")
        levels.append(
            ("element", element_code, raw_n[i].sum(), raw_element[i], adj_element[i], se_element[i], unit_element)
        )
        for level, qcode, n_valid, raw, est, err, unit_value in levels:
            low, high = logit_interval(np.array([est / 1.0]), np.array([err]), z) if not np.isnan(est) else (
                np.array([np.nan]), np.array([np.nan]))  # fmt: skip
            figure = np.nan if small else 100.0 * est
            lo, hi = (np.nan, np.nan) if small else (100.0 * float(low[0]), 100.0 * float(high[0]))
            out.append({
                "unit_code": unit, "officer_code": code, "level": level, "code": qcode,
                "n_responses": int(n_resp[i]), "n_valid": int(n_valid), "index_raw": float(raw),
                "index_adjusted": float(figure), "ci_low": lo, "ci_high": hi,
                "flag": SMALL_SAMPLE if small else "", "group": "" if small else _group(lo, hi, unit_value),
                "unit_index": float(unit_value), "rule": rule,
            })  # fmt: skip
    return out


def officer_table(
    df: pd.DataFrame,
    element: str = "C",
    *,
    profile: str | Profile | None = None,
    rule: str = "mean_of_items",
    min_n: int = 30,
    confidence: float = 0.95,
    tau: float | None = None,
    columns: Sequence[str] = ("unit_code", "officer_code", "field_code"),
) -> pd.DataFrame:
    r"""Raw and field-adjusted index of each officer, per item of ``element`` and for the element.

    Model (per unit and item :math:`i`; one row per valid answer of a response with an
    officer)::

        logit P(answer ∈ satisfied | officer o, field f) = α_f + u_o,   u_o ~ N(0, τ²)

    with τ estimated by the Laplace approximation of the marginal likelihood (empirical
    Bayes; :func:`analysis.mixed.fit_item`), α_f fixed (a very wide N(0, 100²) prior keeps
    them finite). The officer effect û_o is the posterior mode, hence shrunk toward the
    unit the more, the fewer answers the officer has. The estimand, standardised to the
    unit's field mix::

        θ_oi = Σ_f w_f · expit(α_f + u_o),   w_f = unit's valid answers of item i in field f / all of them
        index_adjusted = 100 · Σ_i c_i θ_oi    (mean_of_items: c_i = 1/K; pooled: c_i ∝ unit's valid answers)

    Interval: delta method over the approximate posterior covariance (inverse Hessian)
    on the logit scale. For the element, each item's error variance ``v_i`` is split into
    its shrinkage part ``s_i·v_i`` (``s_i = var(u_o | data)/τ²``), taken as moving together
    across the items of one officer, and the noise of the officer's answers ``(1−s_i)·v_i``,
    correlated across items as the items' Pearson residuals are (a respondent who answers
    three items is not three respondents)::

        var(Σ c_i θ̂_i) ≈ (Σ_i c_i √(s_i v_i))² + Σ_ij c_i c_j ρ_ij √((1−s_i) v_i (1−s_j) v_j)
    ``index_raw`` is the officer's own index under the rule (method §3), unadjusted.

    Guards: officers with fewer than ``min_n`` responses (with at least one valid answer
    on the element) get ``flag = 'small_sample'`` and no adjusted figure, interval or
    group. ``group`` is ``above`` / ``about`` / ``below`` as the interval lies above,
    holds, or lies below the unit's index (``unit_index``); no rank is given.

    Parameters
    ----------
    df : DataFrame
        Responses in the exchange format (:func:`analysis.io.read_responses`) with an
        ``officer_code`` column; rows without one count in the unit's field mix only.
    element : str
        Element code (default ``C``, "Công chức giải quyết công việc").
    profile, rule, min_n, confidence
        As in :func:`analysis.indices.sipas_table`.
    tau : float, optional
        Fix the spread of officer effects (``numpy.inf``: no shrinkage); default estimated.
    columns : (unit, officer, field) column names

    Returns
    -------
    DataFrame
        Columns :data:`TABLE_COLUMNS`; per officer one row per item (``level='item'``)
        and one for the element (``level='element'``). Indices in percent.

    Examples
    --------
    Officer ``a`` served only field L (1 of 2 satisfied), ``b`` served L (4 of 5) and
    H (1 of 2); without shrinkage ``a`` in H is logit 0 + (logit ½ − logit ⅘) = −ln 4,
    i.e. ⅕, and over the unit's mix (7 L, 2 H answers): (7·½ + 2·⅕)/9 = 43.33 %.

    >>> rows = [("a", "L", 5), ("a", "L", 1), ("b", "L", 5), ("b", "L", 4), ("b", "L", 4), ("b", "L", 5),
    ...         ("b", "L", 2), ("b", "H", 4), ("b", "H", 1)]
    >>> df = pd.DataFrame(rows, columns=["officer_code", "field_code", "C1"]).assign(unit_code="U")
    >>> df["C1"] = df["C1"].astype("Int64")
    >>> t = officer_table(df.assign(C2=df["C1"], C3=df["C1"]), min_n=1, tau=np.inf)
    >>> a = t[(t.officer_code == "a") & (t.level == "element")].iloc[0]
    >>> round(float(a.index_raw), 2), round(float(a.index_adjusted), 2)
    (50.0, 43.33)
    """
    if rule not in RULES:
        raise ValueError(f"rule: expected one of {RULES!r}, got {rule!r}")
    if not isinstance(min_n, int | np.integer) or min_n < 0:
        raise ValueError(f"min_n: expected a whole number >= 0, got {min_n!r}")
    cols = tuple(columns)
    if len(cols) != 3:
        raise ValueError("columns: expected (unit, officer, field) column names")
    for name in cols:
        if name not in df.columns:
            raise ValueError(f"df: missing column {name!r}")
    data, prof = select_profile(df, profile)
    items = _items(prof, element, rule, data.columns)
    z = z_value(confidence)
    rows: list[dict[str, object]] = []
    for _, part in data.groupby(cols[0], sort=True):
        rows.extend(_unit_rows(part, items, prof, cols, rule, min_n, z, tau))  # type: ignore[arg-type]
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    return table.astype({"n_responses": "int64", "n_valid": "int64"})


def officer_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The element rows of :func:`officer_table` with the columns of method §4.1."""
    return table.loc[table["level"] == "element", list(OFFICER_COLUMNS)].reset_index(drop=True)
