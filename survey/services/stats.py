"""The figures of the dashboard and the reports: queries → analysis, nothing computed here."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select

from analysis.change import compare_periods
from analysis.indices import sipas_table
from analysis.profile import load_profile
from analysis.tables import expectations_table, perception_table, rank_table
from survey import queries
from survey.extensions import db
from survey.models import Field, Response, Unit
from survey.queries import Scope

DEFAULT_RULE = "mean_of_items"
MIN_N = 30


def table(scope: Scope, by: Sequence[str] = (), rule: str = DEFAULT_RULE, min_n: int = MIN_N,
          frames: queries.Frames | None = None) -> pd.DataFrame:  # fmt: skip
    """The full SIPAS table (items, elements, overall) with intervals, from database counts.

    ``frames`` are the result of ``queries.frames`` for the same scope, grouping and rule, when
    the caller needs them too: one scan serves both.
    """
    by = list(by)
    if frames is None:
        # perception and expectation counts are not needed here
        frames = queries.frames(scope, by, rule == "general_question", all_questions=False)
    counts, n_responses, moments = frames
    if counts.empty:
        return pd.DataFrame()
    return sipas_table(counts, by, profile=scope.profile, rule=rule, moments=moments, n_responses=n_responses,
                       min_n=min_n)  # fmt: skip


def composites(t: pd.DataFrame) -> pd.DataFrame:
    """Overall and element rows only."""
    if t.empty:
        return t
    return t[t["level"].isin(["overall", "element"])].reset_index(drop=True)


def overall(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return t[t["level"] == "overall"].reset_index(drop=True)


def change(current: pd.DataFrame, previous: pd.DataFrame, on: Sequence[str] = ()) -> pd.DataFrame:
    if current.empty or previous.empty:
        return pd.DataFrame()
    return compare_periods(current, previous, list(on))


def by_unit(scope: Scope, rule: str = DEFAULT_RULE, min_n: int = MIN_N) -> pd.DataFrame:
    """Overall SIPAS per unit, ranked (small samples unranked)."""
    t = overall(table(scope, ["unit_code"], rule, min_n))
    if t.empty:
        return t
    ranked = rank_table(t, "unit_code")
    names = unit_names(ranked["unit_code"])
    ranked.insert(1, "unit_name", ranked["unit_code"].map(names))
    return ranked.sort_values(["rank", "index"], ascending=[True, False], na_position="last").reset_index(drop=True)


def by_field(scope: Scope, rule: str = DEFAULT_RULE, min_n: int = MIN_N) -> pd.DataFrame:
    t = overall(table(scope, ["field_code"], rule, min_n))
    if t.empty:
        return t
    names = field_names()
    t.insert(1, "field_name", t["field_code"].map(names))
    return t.sort_values("index", ascending=True, na_position="last").reset_index(drop=True)


def item_distribution(scope: Scope) -> pd.DataFrame:
    """Per satisfaction item: counts of 1…5, not applicable and blank, and the item index."""
    profile = load_profile(scope.profile)
    frames = queries.frames(scope, (), with_general=False, all_questions=False)
    counts = frames.counts
    rows = []
    for element in profile.elements:
        for code in element.item_codes:
            part = counts[counts["code"] == code]
            by_value = {(None if pd.isna(v) else int(v)): int(n) for v, n in zip(part["value"], part["n"], strict=True)}
            row = {"element": element.code, "code": code, "text": profile.text_of(code)}
            for v in range(1, 6):
                row[f"n{v}"] = by_value.get(v, 0)
            row["n_na"] = by_value.get(0, 0)
            row["n_blank"] = by_value.get(None, 0)
            rows.append(row)
    frame = pd.DataFrame(rows)
    t = table(scope, frames=frames)
    if not t.empty:
        items = t[t["level"] == "item"].set_index("code")
        frame["index"] = frame["code"].map(items["index"])
        frame["ci_low"] = frame["code"].map(items["ci_low"])
        frame["ci_high"] = frame["code"].map(items["ci_high"])
    return frame


def _with_text(table_of, scope: Scope, counts: pd.DataFrame | None) -> pd.DataFrame:
    counts = queries.counts(scope) if counts is None else counts
    if counts.empty:
        return pd.DataFrame()
    t = table_of(counts, profile=scope.profile)
    t.insert(1, "text", t["code"].map(load_profile(scope.profile).text_of))
    return t


def expectations(scope: Scope, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Expectation items ranked by the share wanting an improvement, with their wording."""
    return _with_text(expectations_table, scope, counts)


def perception(scope: Scope, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Perception items (harassment, informal payment): percent per option, with their wording."""
    return _with_text(perception_table, scope, counts)


def comments(scope: Scope, limit: int = 200) -> list[dict]:
    """Newest comments first (never anything that identifies the respondent)."""
    conditions = queries.where_clauses(scope)
    stmt = (
        select(Response.id, Response.submitted_at, Response.comment, Unit.name, Field.name, Response.is_excluded)
        .join(Unit, Response.unit_id == Unit.id)
        .join(Field, Response.field_id == Field.id)
        .where(*conditions, Response.comment.is_not(None))
        .order_by(Response.submitted_at.desc())
        .limit(limit)
    )
    return [
        {"id": rid, "submitted_at": at, "comment": text, "unit": unit, "field": field, "excluded": excluded}
        for rid, at, text, unit, field, excluded in db.session.execute(stmt)
    ]


def unit_names(codes) -> dict[str, str]:
    codes = [c for c in set(codes) if c]
    return {code: name for code, name in db.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes)))}


def field_names() -> dict[str, str]:
    return {code: name for code, name in db.session.execute(select(Field.code, Field.name))}
