"""The one read path from the database to ``analysis/``: SQL GROUP BY into tidy frames.

Dashboards and reports never pull raw responses into Python. They ask for
*counts* (``[*by, code, value, n]``), respondent counts and, for composite
intervals, *moments* (``[*by, row, col, sum]``, the cross-product sums of
each respondent's satisfied/valid indicators) — the same frames
``analysis.counts`` builds from raw rows, so both paths give one result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import and_, case, func, literal, select

from analysis.counts import moment_variables
from analysis.profile import Profile, load_profile
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
        model = {"unit_code": Unit, "counter_code": Counter, "field_code": Field, "procedure_code": Procedure}[name]
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


def _grouped(scope: Scope, by: Sequence[str], aggregates: list) -> pd.DataFrame:
    unknown = set(by) - set(GROUPS)
    if unknown:
        raise ValueError(f"by: unknown group column(s) {sorted(unknown)}; known: {', '.join(GROUPS)}")
    keys = [_group_expr(name).label(f"g_{name}") for name in by]
    stmt = select(*keys, *aggregates).where(and_(*where_clauses(scope)))
    if keys:
        stmt = stmt.group_by(*keys)
    result = db.session.execute(stmt)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    labels = pd.DataFrame({name: _labels(name, frame[f"g_{name}"]) for name in by}, index=frame.index)
    return pd.concat([labels, frame.drop(columns=[f"g_{name}" for name in by])], axis=1)


def _question_values(profile: Profile, code: str) -> list[int]:
    return list(profile.allowed_values(code))


def counts(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, code, value, n]`` for every question of the profile; ``value`` <NA> = blank."""
    profile = load_profile(scope.profile)
    aggregates, labels = [], []
    for code in profile.question_codes:
        column = getattr(Response, answer_column(code))
        for value in (*_question_values(profile, code), None):
            condition = column.is_(None) if value is None else column == value
            aggregates.append(func.sum(case((condition, 1), else_=0)).label(f"c{len(labels)}"))
            labels.append((code, value))
    aggregates.append(func.count().label("n_rows"))
    wide = _grouped(scope, by, aggregates)
    if wide.empty:
        return pd.DataFrame({**{b: pd.Series(dtype="str") for b in by}, "code": pd.Series(dtype="str"),
                             "value": pd.Series(dtype="Int64"), "n": pd.Series(dtype="int64")})  # fmt: skip
    long = wide.melt(id_vars=list(by), value_vars=[f"c{i}" for i in range(len(labels))], var_name="k", value_name="n")
    position = long.pop("k").str[1:].astype(int)
    long["code"] = position.map(lambda i: labels[i][0]).astype("str")
    long["value"] = pd.array(position.map(lambda i: labels[i][1]).tolist(), dtype="Int64")
    long["n"] = long["n"].fillna(0).astype("int64")
    long = long[long["n"] > 0]
    order = {code: i for i, code in enumerate(profile.question_codes)}
    long = long.assign(_o=long["code"].map(order)).sort_values([*by, "_o", "value"], na_position="last")
    return long.drop(columns="_o")[[*by, "code", "value", "n"]].reset_index(drop=True)


def responses_per_group(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, n_responses]``."""
    frame = _grouped(scope, by, [func.count().label("n_responses")])
    frame["n_responses"] = frame["n_responses"].astype("int64")
    return frame[[*by, "n_responses"]]


def moments(scope: Scope, by: Sequence[str] = (), with_general: bool = False) -> pd.DataFrame:
    """``[*by, row, col, sum]``: Σ u_r u_rᵀ over respondents, u = (1, s…, v…), as in analysis.counts."""
    profile = load_profile(scope.profile)
    codes = list(profile.item_codes) + (list(profile.general_codes) if with_general else [])
    satisfied = sorted(profile.satisfied)
    valid = [v for v, _ in profile.scale]
    indicator = {"1": None}
    for code in codes:
        column = getattr(Response, answer_column(code))
        indicator[f"s:{code}"] = column.in_(satisfied)
        indicator[f"v:{code}"] = column.in_(valid)
    names = moment_variables(codes)
    aggregates, pairs = [], []
    for i, a in enumerate(names):
        for b in names[i:]:
            conditions = [c for c in (indicator[a], indicator[b]) if c is not None]
            if a != "1" and a[2:] == b[2:] and a[0] == "s" and b[0] == "v":
                conditions = [indicator[a]]  # satisfied implies valid
            expr = func.count() if not conditions else func.sum(case((and_(*conditions), 1), else_=literal(0)))
            aggregates.append(expr.label(f"m{len(pairs)}"))
            pairs.append((a, b))
    wide = _grouped(scope, by, aggregates)
    if wide.empty:
        return pd.DataFrame({**{b: pd.Series(dtype="str") for b in by}, "row": pd.Series(dtype="str"),
                             "col": pd.Series(dtype="str"), "sum": pd.Series(dtype="float64")})  # fmt: skip
    long = wide.melt(id_vars=list(by), value_vars=[f"m{i}" for i in range(len(pairs))], var_name="k", value_name="sum")
    position = long.pop("k").str[1:].astype(int)
    long["row"] = position.map(lambda i: pairs[i][0]).astype("str")
    long["col"] = position.map(lambda i: pairs[i][1]).astype("str")
    long["sum"] = long["sum"].fillna(0).astype("float64")
    return long[[*by, "row", "col", "sum"]].reset_index(drop=True)
