"""Every figure of a scope, as tidy tables: ``survey.queries`` → ``analysis``, computed here once.

The dashboard views, their exports, the reports and the API call these functions with a
:class:`survey.queries.Scope` and the app's :class:`~survey.figures.settings.Settings`; none of
them computes an index, an interval, a rank or a change itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis.change import compare_periods
from analysis.indices import sipas_table
from analysis.profile import load_profile
from analysis.tables import expectations_table, perception_table, rank_table
from survey import queries, unit_tree
from survey.database import reading
from survey.extensions import db
from survey.figures import boundaries
from survey.figures.periods import Period
from survey.figures.settings import Settings
from survey.models import Field, Response, Unit
from survey.queries import Scope
from survey.sums import counts_frame, moment_codes, moments_frame


def table(scope: Scope, by: Sequence[str], settings: Settings, frames: queries.Frames | None = None,
          intervals: bool = True) -> pd.DataFrame:  # fmt: skip
    """The SIPAS table (items, elements, overall) with intervals and PAR points, grouped ``by``.

    ``frames``: the result of ``queries.frames`` for the same scope and grouping, when the caller
    needs the counts too (one scan serves both). No rows when nothing is in scope.
    """
    by = list(by)
    if frames is None:
        frames = queries.frames(scope, by, settings.rule == "general_question", all_questions=False,
                                with_moments=intervals)  # fmt: skip
    # an empty scope still gives the table's columns, without rows: readers test ``.empty``
    out = sipas_table(
        frames.counts, by, scope.profile, settings.rule,  # type: ignore[arg-type]
        moments=frames.moments if intervals and frames.moments is not None and not frames.counts.empty else None, n_responses=frames.n_responses,
        min_n=settings.min_n, max_points=settings.max_points, confidence=settings.confidence,
    )  # fmt: skip
    return boundaries.mark_estimated(out, scope, by) if scope.boundaries is not None else out


def table_and_counts(scope: Scope, by: Sequence[str], settings: Settings,
                     intervals: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """:func:`table` and the counts of every question it came from (one scan)."""
    frames = queries.frames(scope, list(by), with_general=settings.rule == "general_question", with_moments=intervals)
    return table(scope, by, settings, frames, intervals), frames.counts


def composites(t: pd.DataFrame) -> pd.DataFrame:
    """Overall and element rows only."""
    return t if t.empty else t[t["level"].isin(["overall", "element"])].reset_index(drop=True)


def overall(t: pd.DataFrame) -> pd.DataFrame:
    return t if t.empty else t[t["level"] == "overall"].reset_index(drop=True)


def change(current: pd.DataFrame, previous: pd.DataFrame, settings: Settings, on: Sequence[str] = ()) -> pd.DataFrame:
    """Change against another period, significant at the settings' level (empty if either is empty)."""
    if current.empty or previous.empty:
        return pd.DataFrame()
    return compare_periods(current, previous, list(on), alpha=1 - settings.confidence)


def changes(current: pd.DataFrame, others: Sequence[pd.DataFrame], settings: Settings) -> list[pd.DataFrame]:
    """:func:`change` of ``current`` against each of ``others`` (e.g. the period before and a year ago), in
    one comparison: the pairs are told apart by a column of their own, each row compared on its own."""
    pairs = [i for i, other in enumerate(others) if not current.empty and not other.empty]
    if not pairs:
        return [pd.DataFrame() for _ in others]
    key = "_against"
    both = compare_periods(pd.concat([current.assign(**{key: i}) for i in pairs], ignore_index=True),
                           pd.concat([others[i].assign(**{key: i}) for i in pairs], ignore_index=True),
                           [key], alpha=1 - settings.confidence)  # fmt: skip
    return [both[both[key] == i].drop(columns=key).reset_index(drop=True) if i in pairs else pd.DataFrame()
            for i in range(len(others))]  # fmt: skip


def by_unit(scope: Scope, settings: Settings) -> pd.DataFrame:
    """Overall SIPAS per unit with ``unit_name``, ranked (small samples unranked), best first."""
    t = overall(table(scope, ["unit_code"], settings))
    if t.empty:
        return t
    # on a day's boundaries, communes are ranked among communes (a former district's line is shown, not ranked)
    peers = t["unit_code"].isin(boundaries.rank_peers(scope, t["unit_code"]))
    if peers.all():
        ranked = rank_table(t, "unit_code")
    else:
        ranked = t.assign(rank=pd.array([pd.NA] * len(t), dtype="Int64"))
        if peers.any():
            ranked.loc[peers, "rank"] = rank_table(t[peers], "unit_code")["rank"]
    names = boundaries.former_names(scope, unit_names(ranked["unit_code"]))
    ranked.insert(1, "unit_name", ranked["unit_code"].map(names))
    return ranked.sort_values(["rank", "index"], ascending=[True, False], na_position="last").reset_index(drop=True)


def _set_frames(scope: Scope, settings: Settings, members: Sequence[tuple[str, set[str]]]) -> queries.Frames:
    """The frames of ``scope`` grouped by ``unit_code``, summed into named sets of units (``key``); sets may
    overlap. Counts, respondent counts and moments are sums over respondents, so a set's are its units'
    sums: one product with the sets' membership matrix. A set without respondents has no row."""
    profile = load_profile(scope.profile)
    codes = profile.satisfaction_codes
    moment_of = moment_codes(profile, settings.rule == "general_question")
    t = queries.tallies(scope, ["unit_code"], profile, codes, moment_of)
    column = {code: i for i, code in enumerate(t.keys["unit_code"])} if len(t.keys.columns) else {}
    member = np.zeros((len(members), len(column)), dtype=np.int64)
    for row, (_, unit_codes) in enumerate(members):
        member[row, [column[c] for c in unit_codes if c in column]] = 1

    def summed(values: np.ndarray) -> np.ndarray:  # integers stay integers (shares of a split unit are not)
        return member @ values if values.dtype.kind in "iu" else member.astype("float64") @ values

    n = summed(t.n)
    kept = n > 0
    n, counts = n[kept], summed(t.counts)[kept]
    sums = summed(t.sums)[kept] if t.sums is not None else None
    keys = pd.DataFrame({"key": pd.array([key for key, _ in members], dtype="str")})[kept].reset_index(drop=True)
    n_responses = keys.assign(n_responses=n)
    return queries.Frames(counts_frame(keys, ["key"], counts, profile, codes), n_responses,
                          moments_frame(keys, ["key"], sums, moment_of, not kept.any()))  # fmt: skip


def by_scopes(scope: Scope, settings: Settings, scopes: Sequence[tuple[str, tuple[int, ...]]],
              ranked: bool = True) -> pd.DataFrame:  # fmt: skip
    """Overall SIPAS of each named set of units (``(key, unit ids)``, e.g. each unit under a unit with
    everything under it), ranked among themselves (column ``key``), best first; unranked: in the given order.

    ``scope``'s other filters apply to every set. One read grouped by unit serves every set, whose
    index comes from its summed answers (never from its units' indices); when two units of the sets
    share a code (codes are reused across mergers), each set is read on its own instead. Ranks follow
    ``rank_table`` (small samples unranked); with fewer than two ranked sets, or ``ranked=False``, no
    set gets a rank: one set is never "1st of 1".
    """
    return _ranked(_set_indices(scope, settings, scopes), ranked)


def by_scopes_and_apart(scope: Scope, settings: Settings, scopes: Sequence[tuple[str, tuple[int, ...]]],
                        apart: Sequence[tuple[str, tuple[int, ...]]]) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """:func:`by_scopes` of ``scopes`` (ranked) and of ``apart`` (unranked, e.g. their parent as a whole and
    its own counters), from one read (from two when a key is in both: a code reused across a merger)."""
    if {key for key, _ in scopes} & {key for key, _ in apart}:
        return by_scopes(scope, settings, scopes), by_scopes(scope, settings, apart, ranked=False)
    t = _set_indices(scope, settings, [*scopes, *apart])
    if t.empty:
        return pd.DataFrame(), pd.DataFrame()
    shown_apart = t["key"].isin({key for key, _ in apart}).to_numpy()
    return (_ranked(t[~shown_apart].reset_index(drop=True), True),
            _ranked(t[shown_apart].reset_index(drop=True), False))  # fmt: skip


def _set_indices(scope: Scope, settings: Settings, scopes: Sequence[tuple[str, tuple[int, ...]]]) -> pd.DataFrame:
    """The overall rows of each named set of units (column ``key``), unranked (see :func:`by_scopes`)."""
    ids = sorted({i for _, unit_ids in scopes for i in unit_ids})
    nodes = unit_tree.tree().nodes
    code_of = {i: nodes[i].code for i in ids if i in nodes}
    if ids and len(set(code_of.values())) == len(code_of):
        summed = _set_frames(replace(scope, unit_ids=tuple(ids)), settings,
                             [(key, {code_of[i] for i in unit_ids}) for key, unit_ids in scopes])  # fmt: skip
        return overall(table(scope, ["key"], settings, frames=summed)) if not summed.counts.empty else pd.DataFrame()
    parts = [overall(table(replace(scope, unit_ids=tuple(unit_ids)), (), settings)).assign(key=key)
             for key, unit_ids in scopes]  # fmt: skip
    parts = [p[["key", *[c for c in p.columns if c != "key"]]] for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _ranked(t: pd.DataFrame, ranked: bool) -> pd.DataFrame:
    if t.empty or (t := t[t["n_responses"] > 0].reset_index(drop=True)).empty:
        return pd.DataFrame()
    out = rank_table(t, "key")
    if not ranked or out["rank"].notna().sum() < 2:
        out["rank"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
        return out
    return out.sort_values(["rank", "index"], ascending=[True, False], na_position="last").reset_index(drop=True)


def by_field(scope: Scope, settings: Settings) -> pd.DataFrame:
    """Overall SIPAS per field with ``field_name``, lowest first."""
    t = overall(table(scope, ["field_code"], settings))
    if t.empty:
        return t
    t.insert(1, "field_name", t["field_code"].map(field_names()))
    return t.sort_values("index", ascending=True, na_position="last").reset_index(drop=True)


def trend(scope: Scope, period: Period, settings: Settings, months: int = 12) -> tuple[list[int], pd.DataFrame]:
    """The ``months`` months ending with ``period``, and the composites by ``month`` (no intervals)."""
    span = period.trend_months(months)
    t = composites(table(replace(scope, start_month=span.start, end_month=span.end), ["month"], settings,
                         intervals=False))  # fmt: skip
    return list(span.months), t


def item_distribution(scope: Scope, settings: Settings) -> pd.DataFrame:
    """Per satisfaction item: counts of 1…5 (``n1``…``n5``), not applicable, blank, and the item index."""
    profile = load_profile(scope.profile)
    # item intervals (Wilson) come from the counts: no moments needed
    frames = queries.frames(scope, (), with_general=settings.rule == "general_question", all_questions=False,
                            with_moments=False)  # fmt: skip
    counts = frames.counts
    rows = []
    for element in profile.elements:
        for code in element.item_codes:
            part = counts[counts["code"] == code]
            by_value = {(None if pd.isna(v) else int(v)): int(n) for v, n in zip(part["value"], part["n"], strict=True)}
            row = {"element": element.code, "code": code, "text": profile.text_of(code)}
            row.update({f"n{v}": by_value.get(v, 0) for v in range(1, 6)})
            row["n_na"], row["n_blank"] = by_value.get(0, 0), by_value.get(None, 0)
            rows.append(row)
    frame = pd.DataFrame(rows)
    t = table(scope, (), settings, frames=frames, intervals=False)
    for column in ("index", "ci_low", "ci_high"):
        frame[column] = frame["code"].map(t[t["level"] == "item"].set_index("code")[column]) if not t.empty else None
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
    """Newest comments first (by month, then time), with unit and field (never anything that identifies the
    respondent). The ``limit`` newest are read backwards along ix_responses_comments: the cost is that of
    the comments shown, not of the period's ballots."""
    stmt = (
        select(
            Response.id,
            Response.submitted_at,
            Response.comment,
            Unit.name,
            Field.name,
            Response.is_excluded,
            Response.unit_id,
        )
        .join(Unit, Response.unit_id == Unit.id)
        .join(Field, Response.field_id == Field.id)
        .where(*queries.where_clauses(scope), Response.comment.is_not(None))
        .order_by(Response.period_month.desc(), Response.submitted_at.desc())
        .limit(limit)
    )
    return [
        {
            "id": rid,
            "submitted_at": at,
            "comment": text,
            "unit": unit,
            "field": field,
            "excluded": excluded,
            "unit_id": unit_id,
        }
        for rid, at, text, unit, field, excluded, unit_id in reading.execute(stmt)
    ]


def unit_names(codes) -> dict[str, str]:
    codes = [c for c in set(codes) if c]
    # a code reused across a merger names the unit bearing it now (the current one comes last)
    order = (Unit.valid_to.is_(None), Unit.valid_to, Unit.id)
    return dict(db.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes)).order_by(*order)).all())


def field_names() -> dict[str, str]:
    """Field code → name, in the fields' order."""
    return dict(db.session.execute(select(Field.code, Field.name).order_by(Field.sort_order, Field.code)).all())
