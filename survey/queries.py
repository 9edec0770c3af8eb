"""The one read path from the database to ``analysis/``: SQL GROUP BY into tidy frames.

Dashboards and reports never pull raw responses into Python. They ask for
*counts* (``[*by, code, value, n]``), respondent counts and, for composite
intervals, *moments* (``[*by, row, col, sum]``, the cross-product sums of
each respondent's satisfied/valid indicators) — the same frames
``analysis.counts`` builds from raw rows, so both paths give one result.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, reduce

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, and_, case, func, literal, select

from analysis.counts import moment_variables
from analysis.profile import load_profile
from survey.extensions import db
from survey.models import Counter, Field, Procedure, Response, Unit
from survey.models.responses import answer_column

#: what results can be grouped by (the exchange format's columns and calendar periods)
GROUPS = ("unit_code", "counter_code", "field_code", "procedure_code", "channel", "month", "quarter", "year")


@dataclass(frozen=True)
class Scope:
    """Which responses a view or report is about. Months are YYYYMM in Vietnam time, both ends included."""

    profile: str = "sipas-2024"
    start_month: int | None = None
    end_month: int | None = None
    #: None = every unit; otherwise the ids (already expanded to the subtree and checked for access)
    unit_ids: tuple[int, ...] | None = None
    field_codes: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    #: flagged responses are left out of indices unless a reviewer restored them
    include_excluded: bool = False
    extra: tuple = field(default=(), compare=False)


def _group_expr(name: str):
    month = Response.period_month
    return {
        "unit_code": Response.unit_id,
        "counter_code": Response.counter_id,
        "field_code": Response.field_id,
        "procedure_code": Response.procedure_id,
        "channel": Response.channel,
        "month": month,
        "quarter": (month // 100) * 10 + ((month % 100) + 2) // 3,
        "year": month // 100,
    }[name]


def _labels(name: str, values: pd.Series) -> pd.Series:
    """Turn the ids and integers SQL grouped by into the labels analysis and people use."""
    if name in ("unit_code", "counter_code", "field_code", "procedure_code"):
        models = {"unit_code": Unit, "counter_code": Counter, "field_code": Field, "procedure_code": Procedure}
        model = models[name]
        ids = [int(v) for v in values.dropna().unique()]
        rows = db.session.execute(select(model.id, model.code).where(model.id.in_(ids))).all() if ids else []
        codes = {row_id: code for row_id, code in rows}
        return values.map(lambda v: codes.get(int(v), "") if pd.notna(v) else "").astype("str")
    if name == "month":
        return values.map(lambda v: f"{int(v) // 100:04d}-{int(v) % 100:02d}").astype("str")
    if name == "quarter":
        return values.map(lambda v: f"{int(v) // 10:04d}-Q{int(v) % 10}").astype("str")
    if name == "year":
        return values.map(lambda v: f"{int(v):04d}").astype("str")
    return values.astype("str")


def where_clauses(scope: Scope) -> list:
    conditions = [Response.profile == scope.profile]
    if scope.start_month is not None:
        conditions.append(Response.period_month >= scope.start_month)
    if scope.end_month is not None:
        conditions.append(Response.period_month <= scope.end_month)
    if scope.unit_ids is not None:
        conditions.append(Response.unit_id.in_(scope.unit_ids))
    if scope.field_codes:
        conditions.append(Response.field_id.in_(select(Field.id).where(Field.code.in_(scope.field_codes))))
    if scope.channels:
        conditions.append(Response.channel.in_(scope.channels))
    if not scope.include_excluded:
        conditions.append(Response.is_excluded.is_(False))
    return conditions


def _grouped(scope: Scope, by: Sequence[str], aggregates: list, extra_keys: Sequence = ()) -> pd.DataFrame:
    unknown = set(by) - set(GROUPS)
    if unknown:
        raise ValueError(f"by: unknown group column(s) {sorted(unknown)}; known: {', '.join(GROUPS)}")
    keys = [_group_expr(name).label(f"g_{name}") for name in by] + list(extra_keys)
    stmt = select(*keys, *aggregates).where(and_(*where_clauses(scope)))
    if keys:
        stmt = stmt.group_by(*keys)
    result = db.session.execute(stmt)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    labels = pd.DataFrame({name: _labels(name, frame[f"g_{name}"]) for name in by}, index=frame.index)
    return pd.concat([labels, frame.drop(columns=[f"g_{name}" for name in by])], axis=1)


@cache
def _count_aggregates(profile_code: str) -> tuple[list, list[tuple[str, int | None]]]:
    """One SUM(CASE …) per question and answer value (and blank), built once per profile."""
    profile = load_profile(profile_code)
    aggregates, labels = [], []
    for code in profile.question_codes:
        column = getattr(Response, answer_column(code))
        for value in (*profile.allowed_values(code), None):
            condition = column.is_(None) if value is None else column == value
            aggregates.append(func.sum(case((condition, 1), else_=0)).label(f"c{len(labels)}"))
            labels.append((code, value))
    return aggregates, labels


@cache
def _pattern(profile_code: str, with_general: bool) -> tuple[object, tuple[str, ...]]:
    """Each respondent's satisfied/valid pattern as one base-3 integer (2 satisfied, 1 valid, 0 neither).

    Respondents with the same pattern contribute the same u_r, so grouping by it
    (one COUNT) replaces hundreds of SUM(a*b) per row; numpy does the products.
    """
    profile = load_profile(profile_code)
    codes = tuple(profile.item_codes) + (tuple(profile.general_codes) if with_general else ())
    satisfied = sorted(profile.satisfied)
    valid = [v for v, _ in profile.scale]
    terms = []
    for k, code in enumerate(codes):
        column = getattr(Response, answer_column(code))
        state = case((column.in_(satisfied), 2), (column.in_(valid), 1), else_=0)
        terms.append(state * literal(3**k, BigInteger))
    return reduce(operator.add, terms).label("pattern"), codes


def _long(wide: pd.DataFrame, by: Sequence[str], n_values: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Wide aggregate columns (after the group columns) to long rows: groups, value position, value."""
    values = wide.iloc[:, len(by) : len(by) + n_values].to_numpy(dtype="float64", na_value=0.0)
    groups, width = values.shape
    keys = wide[list(by)].iloc[np.repeat(np.arange(groups), width)].reset_index(drop=True)
    return keys, np.tile(np.arange(width), groups), values.ravel()


def counts(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, code, value, n]`` for every question of the profile; ``value`` <NA> = blank."""
    profile = load_profile(scope.profile)
    aggregates, labels = _count_aggregates(profile.code)
    wide = _grouped(scope, by, aggregates)
    keys, position, n = _long(wide, by, len(labels))
    keep = n > 0
    codes = np.array([code for code, _ in labels], dtype=object)
    values = np.array([-1 if v is None else v for _, v in labels])
    long = keys[keep].reset_index(drop=True)
    long["code"] = pd.array(codes[position[keep]], dtype="str")
    value = values[position[keep]]
    long["value"] = pd.array(np.where(value < 0, 0, value), dtype="Int64")
    long.loc[value < 0, "value"] = pd.NA
    long["n"] = n[keep].astype("int64")
    # labels are in profile order and blank last within a question: sort by group only
    return long.sort_values(list(by), kind="stable").reset_index(drop=True) if by else long


def responses_per_group(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, n_responses]``."""
    frame = _grouped(scope, by, [func.count().label("n_responses")])
    frame["n_responses"] = frame["n_responses"].astype("int64")
    return frame[[*by, "n_responses"]]


def moments(scope: Scope, by: Sequence[str] = (), with_general: bool = False) -> pd.DataFrame:
    """``[*by, row, col, sum]``: Σ u_r u_rᵀ over respondents, u = (1, s…, v…), as in analysis.counts."""
    pattern, codes = _pattern(scope.profile, with_general)
    frame = _grouped(scope, by, [func.count().label("n")], extra_keys=[pattern])
    names = moment_variables(codes)
    upper = np.triu_indices(len(names))
    if frame.empty:
        empty = {b: pd.Series(dtype="str") for b in by}
        return pd.DataFrame({**empty, "row": pd.Series(dtype="str"), "col": pd.Series(dtype="str"),
                             "sum": pd.Series(dtype="float64")})  # fmt: skip
    states = (frame["pattern"].to_numpy(dtype="int64")[:, None] // 3 ** np.arange(len(codes))) % 3
    u = np.hstack([np.ones((len(frame), 1)), (states == 2).astype(float), (states >= 1).astype(float)])
    weight = frame["n"].to_numpy(dtype="float64")
    if by:
        group_index = frame.groupby(list(by), sort=True, dropna=False).ngroup().to_numpy()
        keys = frame[list(by)].drop_duplicates().sort_values(list(by)).reset_index(drop=True)
    else:
        group_index = np.zeros(len(frame), dtype=int)
        keys = pd.DataFrame(index=[0])
    sums = np.empty((len(keys), len(upper[0])))
    for g in range(len(keys)):
        rows = group_index == g
        block = u[rows]
        sums[g] = (block.T @ (block * weight[rows, None]))[upper]
    long = keys.iloc[np.repeat(np.arange(len(keys)), len(upper[0]))].reset_index(drop=True)
    if not by:
        long = pd.DataFrame(index=range(len(upper[0])))
    row_names = np.array(names, dtype=object)
    long["row"] = pd.array(np.tile(row_names[upper[0]], len(keys)), dtype="str")
    long["col"] = pd.array(np.tile(row_names[upper[1]], len(keys)), dtype="str")
    long["sum"] = sums.ravel()
    return long
