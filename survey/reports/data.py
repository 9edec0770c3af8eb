"""What the reports read: grouped frames from :mod:`survey.queries`, plus a few grouped queries.

One :class:`Batch` holds every frame the reports of one period need for a set
of units. It costs the same few scans (:func:`survey.queries.frames`) whether it serves one unit
or two hundred, and each query is bounded by the period (at most the 12 months
of the trend), so a report's cost does not grow with the history kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import func, select

from survey import queries, unit_tree
from survey.extensions import db
from survey.figures import boundaries, derived, tables
from survey.figures.derived import FeedbackSummary
from survey.figures.periods import Period, period_month
from survey.figures.settings import Settings
from survey.models import Counter, Report, Response, Unit
from survey.services import response_rates

__all__ = ["Batch", "FeedbackSummary", "Settings", "UnitInfo", "load_batch"]


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    parent_name: str | None
    parent_kind: str | None
    is_sample: bool
    valid_from: date | None
    valid_to: date | None

    def exists_in(self, period: Period) -> bool:
        """False for a period wholly before the unit was set up or after it was merged away."""
        return (self.valid_from is None or self.valid_from <= period.last_day()) and (
            self.valid_to is None or self.valid_to >= period.first_day()
        )


def boundaries_day(unit: UnitInfo, period: Period) -> date:
    """The day whose boundaries ``unit``'s report of ``period`` is read on: the period's last day, or the unit's own
    last day when it ended during the period (a commune merged on the 15th reports its own answers of the 1st to
    the 14th; on the boundaries of the 31st, when it no longer exists, they count for its successor)."""
    last = period.last_day()
    return unit.valid_to if unit.valid_to is not None and unit.valid_to < last else last


def reports_for_itself(unit: UnitInfo, period: Period) -> bool:
    """Whether a summary of ``period`` (read on the boundaries of its last day) lists ``unit`` as one of its units:
    a unit in force that day, or one that ended during the period with no successor to count its answers for.
    A unit merged or split during the period is not listed: its answers are counted, once, for its successors."""
    if not unit.exists_in(period):
        return False
    return boundaries.graph().targets(unit.id, period.last_day()) == {unit.id: 1.0}


def _unit_info_select():
    """The columns of UnitInfo, the parent's name and kind joined in."""
    parent = Unit.__table__.alias("parent")
    return select(
        Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, parent.c.name, parent.c.kind, Unit.is_sample,
        Unit.valid_from, Unit.valid_to,
    ).outerjoin(parent, parent.c.id == Unit.parent_id)  # fmt: skip


def units_with_counters() -> list[UnitInfo]:
    """Every unit that has (or had) a counter: the units that get a monthly report."""
    stmt = _unit_info_select().where(Unit.id.in_(select(Counter.unit_id))).order_by(Unit.code)
    return [UnitInfo(*row) for row in db.session.execute(stmt)]


def unit_info(code: str) -> UnitInfo | None:
    # a code reused across a merger: the unit bearing it now, else the last to bear it
    stmt = _unit_info_select().where(Unit.code == code).order_by(Unit.valid_to.desc().nulls_first(), Unit.id.desc())
    row = db.session.execute(stmt).first()
    return UnitInfo(*row) if row else None


def unit_parents() -> dict[int, int | None]:
    """The unit tree as child id → parent id (read once per unit of work, with the figures' tree)."""
    return {node.id: node.parent_id for node in unit_tree.tree().nodes.values()}


@dataclass
class Batch:
    """Every frame the reports of one period need, for a set of units (grouped by ``unit_code``)."""

    period: Period
    settings: Settings
    #: the day whose boundaries the units are read on (survey.figures.boundaries)
    on: date
    #: sipas_table by unit_code for the period (intervals, PAR points)
    table: pd.DataFrame
    #: the overall rows by unit_code of the units ranked against each other (the reports' units and their
    #: siblings): what a rank needs, without intervals
    ranking: pd.DataFrame
    #: counts by unit_code for the period: item distributions, expectations
    counts: pd.DataFrame
    previous: pd.DataFrame
    year_ago: pd.DataFrame
    #: sipas_table by [unit_code, month] over the 12 months that end with the period (no intervals)
    trend: pd.DataFrame
    #: sipas_table by [unit_code, field_code] for the period
    fields: pd.DataFrame
    #: [unit_code, channel, n_responses]
    channels: pd.DataFrame
    excluded: dict[str, int]
    #: unit id → [(comment, how many gave it)], most frequent first
    comments: dict[int, list[tuple[str, int]]]
    #: unit id → the former units split into several whose comments are among its comments (each successor
    #: receives them all: survey.figures.boundaries.owners), for the report's note
    split_comments: dict[int, list[int]]
    feedback: dict[int, FeedbackSummary]
    field_names: dict[str, str]
    #: answers and dossiers by [unit_code, field_code] (survey.services.response_rates.rates)
    rates: pd.DataFrame


def _scope(settings: Settings, unit_ids: Iterable[int], first: int, last: int,
           boundaries: date | None = None) -> queries.Scope:  # fmt: skip
    return queries.Scope(profile=settings.profile, start_month=first, end_month=last, unit_ids=tuple(unit_ids),
                         boundaries=boundaries)  # fmt: skip


def _table(scope: queries.Scope, by: list[str], settings: Settings,
           intervals: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The figures table for ``scope`` grouped ``by``, and the counts it was computed from (one scan)."""
    return tables.table_and_counts(scope, by, settings, intervals)


def load_batch(period: Period, unit_ids: Iterable[int], settings: Settings, now: datetime,
               ranked_ids: Iterable[int] = (), on: date | None = None) -> Batch:  # fmt: skip
    """The frames for ``period`` and the units ``unit_ids`` (about a dozen grouped queries).

    ``ranked_ids``: more units whose overall index a rank needs (a report's siblings); only their overall
    rows are read (``Batch.ranking``), never their intervals, fields, trend or comments.

    The units are read on the boundaries of ``on`` (default: the period's last day; survey.figures.boundaries):
    a commune made by a merger compares with, and trends across, the answers of the units it was made from. A
    unit's figures on those boundaries do not depend on which other units are read with it. A unit that ended
    during the period is read on its last day (:func:`boundaries_day`), in a batch of its own.
    """
    ids = tuple(sorted(set(unit_ids)))
    on = on or period.last_day()
    scope = _scope(settings, ids, period.first_month, period.last_month, on)
    by = ["unit_code"]
    table, counts = _table(scope, by, settings)
    ranking = tables.overall(table)
    more = tuple(sorted(set(ranked_ids) - set(ids)))
    if more:
        others = tables.table(_scope(settings, more, period.first_month, period.last_month, on), by, settings,
                              intervals=False)  # fmt: skip
        ranking = pd.concat([ranking, tables.overall(others)], ignore_index=True) if not others.empty else ranking
    previous, year_ago = period.previous(), period.year_ago()
    trend_start = period.trend_months(12)
    excluded = {key[0]: summary.total for key, summary in derived.excluded(scope, by).items()}
    comments, comment_sources = comments_of(period, ids, settings, on)
    return Batch(
        period=period,
        settings=settings,
        on=on,
        table=table,
        ranking=ranking,
        counts=counts,
        previous=_table(_scope(settings, ids, previous.first_month, previous.last_month, on), by, settings)[0],
        year_ago=_table(_scope(settings, ids, year_ago.first_month, year_ago.last_month, on), by, settings)[0],
        trend=_table(
            _scope(settings, ids, trend_start.first_month, trend_start.last_month, on),
            [*by, "month"],
            settings,
            intervals=False,
        )[0],
        fields=_table(scope, [*by, "field_code"], settings)[0],
        channels=queries.responses_per_group(scope, [*by, "channel"]),
        excluded=excluded,
        comments=comments,
        split_comments=split_comments(comment_sources, on),
        feedback=derived.feedback(period, ids, now),
        field_names=tables.field_names(),
        rates=response_rates.rates(scope, [*by, "field_code"]),
    )


def comments_of(period: Period, unit_ids: tuple[int, ...], settings: Settings,
                on: date | None = None) -> tuple[dict[int, list[tuple[str, int]]], dict[int, set[int]]]:  # fmt: skip
    """The most frequent comments of each unit's counted responses, (text, count) most given first; and unit id
    → the other units (its predecessors) whose comments it holds.

    Only the text is read: never who, when or at which counter, so a comment cannot be
    traced back; :func:`survey.reports.fmt.redact` then hides names and numbers inside it.
    On the boundaries of ``on`` a unit's comments include its predecessors' (a split unit's go to every
    successor it was split into: survey.figures.boundaries.owners).
    """
    owners = boundaries.owners(unit_ids, on)
    stmt = (
        select(Response.unit_id, Response.comment, func.count().label("n"), func.min(Response.id).label("first"))
        .where(
            Response.profile == settings.profile,
            Response.unit_id.in_(tuple(owners)),
            Response.period_month.between(period.first_month, period.last_month),
            Response.is_excluded.is_(False),
            Response.comment.is_not(None),
            Response.comment != "",
        )
        .group_by(Response.unit_id, Response.comment)
    )
    out: dict[int, dict[str, tuple[int, int]]] = {}
    sources: dict[int, set[int]] = {}
    for unit_id, text, n, first in db.session.execute(stmt):
        for owner in owners.get(unit_id, [unit_id]):
            had_n, had_first = out.setdefault(owner, {}).get(text, (0, int(first)))
            out[owner][text] = (had_n + int(n), min(had_first, int(first)))
            if owner != unit_id:
                sources.setdefault(owner, set()).add(unit_id)
    ranked = {unit_id: [(t, n) for t, (n, _) in sorted(rows.items(), key=lambda r: (-r[1][0], r[1][1]))]
              for unit_id, rows in out.items()}  # fmt: skip
    return ranked, sources


def split_comments(sources: dict[int, set[int]], on: date) -> dict[int, list[int]]:
    """Unit id → the split former units (by name) whose comments its report holds; units with none left out."""
    out = {owner: boundaries.split_sources(ids, on) for owner, ids in sources.items()}
    return {owner: ids for owner, ids in out.items() if ids}


def first_months(settings: Settings) -> dict[int, int]:
    """Unit id → the first month (YYYYMM) it has a response in, or failing that, got its first counter."""
    per_month = queries.responses_per_group(
        queries.Scope(profile=settings.profile, include_excluded=True), ["unit_code", "month"]
    )
    ids = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    out: dict[int, int] = {}
    for row in db.session.execute(select(Counter.unit_id, func.min(Counter.created_at)).group_by(Counter.unit_id)):
        out[row[0]] = period_month(row[1])
    for code, month in per_month.groupby("unit_code")["month"].min().items():
        yyyymm = int(str(month).replace("-", ""))
        unit_id = ids[code]
        out[unit_id] = min(out.get(unit_id, yyyymm), yyyymm)
    return out


def existing_reports() -> dict[tuple[int | None, str], Report]:
    return {(r.unit_id, r.period): r for r in db.session.scalars(select(Report))}
