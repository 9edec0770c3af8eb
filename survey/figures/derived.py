"""The counted figures beside the indices, each defined once: excluded ballots and complaints.

Excluded ballots
    responses of the scope with ``is_excluded`` (flagged and not restored by a reviewer), per reason
    of ``Response.flags``; one ballot may carry several reasons.
Complaints (phản ánh, kiến nghị) of a period
    ``received``: feedback items created in the period (Vietnam time);
    ``answered``: of those, answered (``answered_at`` set);
    ``on_time``: answered no later than due; ``late``: answered after it was due;
    ``overdue``: past due and still waiting for the office (new or assigned: neither answered
    nor closed), as of ``now``; ``open_in_time``: waiting and not yet due;
    ``share_on_time`` = ``on_time`` / ``received`` × 100 (undefined without complaints).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select

from survey import queries
from survey.database import reading
from survey.figures import labels
from survey.figures.periods import Period
from survey.models import FeedbackItem, Response
from survey.models.feedback import WAITING

REASONS = tuple(labels.EXCLUSION_REASONS)


@dataclass(frozen=True)
class ExcludedSummary:
    """How many ballots of a scope are left out, and why."""

    total: int = 0
    #: reason → ballots carrying it; every reason of REASONS is present
    by_reason: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))
    #: counts shares of a former unit split among several new ones (survey.figures.boundaries): rounded
    estimated: bool = False

    def text(self) -> str:
        text = labels.excluded_text(self.total, self.by_reason)
        return f"{text} — {labels.FLAGS['estimated']}" if self.estimated and self.total else text


def _has_reason(reason: str):
    # flags is a comma-separated list; the commas around it make "rate" not match "xrate"
    return case((("," + func.coalesce(Response.flags, "") + ",").like(f"%,{reason},%"), 1), else_=0)


def excluded(scope: queries.Scope, by: Sequence[str] = ()) -> dict[tuple[str, ...], ExcludedSummary]:
    """Excluded ballots of ``scope`` (its other filters apply) per group of ``by`` (key ``()`` without).

    A group without excluded ballots has no entry; :func:`excluded_total` gives the scope's summary.
    With ``scope.boundaries``, a merged unit counts its predecessors' (survey.figures.boundaries).
    """
    if scope.boundaries is not None:
        from survey.figures import boundaries

        return boundaries.excluded(scope, by)
    conditions = queries.where_clauses(dataclasses.replace(scope, include_excluded=True))
    keys = [queries.group_expr(name).label(f"g_{name}") for name in by]
    stmt = select(*keys, func.count(), *(func.sum(_has_reason(r)) for r in REASONS)).where(
        and_(*conditions, Response.is_excluded.is_(True))
    )
    if keys:
        stmt = stmt.group_by(*keys)
    rows = reading.execute(stmt).all()
    out: dict[tuple[str, ...], ExcludedSummary] = {}
    labels_of = queries.group_labels(list(by), [row[: len(by)] for row in rows])
    for key, row in zip(labels_of, rows, strict=True):
        total, *counts = (int(v or 0) for v in row[len(by) :])
        if total:
            out[key] = ExcludedSummary(total, dict(zip(REASONS, counts, strict=True)))
    return out


def excluded_total(scope: queries.Scope) -> ExcludedSummary:
    return excluded(scope).get((), ExcludedSummary())


@dataclass(frozen=True)
class FeedbackSummary:
    """Complaints created in a period, by how they were handled (see the module docstring)."""

    received: int = 0
    answered: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    open_in_time: int = 0

    @property
    def share_on_time(self) -> float | None:
        return 100 * self.on_time / self.received if self.received else None

    def astuple(self) -> tuple[int, ...]:
        return dataclasses.astuple(self)

    def __add__(self, other: FeedbackSummary) -> FeedbackSummary:
        return FeedbackSummary(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))


def overdue(now: datetime):
    """The SQL condition "overdue" (past due and still waiting), the one the inbox and the overview share."""
    return and_(FeedbackItem.status.in_(WAITING), FeedbackItem.due_at < now)


def feedback(period: Period, unit_ids: Iterable[int] | None, now: datetime) -> dict[int, FeedbackSummary]:
    """Unit id → :class:`FeedbackSummary` of the complaints created in ``period`` (``None``: every unit)."""
    start, end = period.bounds()
    answered = FeedbackItem.answered_at.is_not(None)
    waiting = FeedbackItem.status.in_(WAITING)

    def total(condition) -> object:
        return func.sum(case((condition, 1), else_=0))

    stmt = (
        select(
            FeedbackItem.unit_id,
            func.count(),
            total(answered),
            total(and_(answered, FeedbackItem.answered_at <= FeedbackItem.due_at)),
            total(and_(answered, FeedbackItem.answered_at > FeedbackItem.due_at)),
            total(overdue(now)),
            total(and_(waiting, FeedbackItem.due_at >= now)),
        )
        .where(FeedbackItem.created_at >= start, FeedbackItem.created_at < end)
        .group_by(FeedbackItem.unit_id)
    )
    if unit_ids is not None:
        stmt = stmt.where(FeedbackItem.unit_id.in_(tuple(unit_ids)))
    return {row[0]: FeedbackSummary(*(int(v or 0) for v in row[1:])) for row in reading.execute(stmt)}
