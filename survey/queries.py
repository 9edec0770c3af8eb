"""The one read path from the database to ``analysis/``: which responses (:class:`Scope`), and their
tidy frames (counts, respondents, moments), from the figure cells or from one scan of the rows.

The scan is :mod:`survey.scan`, the sums and frames :mod:`survey.sums`, the cells
:mod:`survey.figures.cells`; this module picks the path and keeps the public calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select

from analysis.profile import Profile, load_profile
from survey.models import Field, ReceiptCode, Response
from survey.scan import GROUPS, fetch, group_expr, group_keys, group_labels, scan
from survey.sums import Tallies, count_table, counts_frame, moment_codes, moment_sums, moments_frame

#: the dossier filter's values (Scope.dossier)
DOSSIER_TIMELINESS = ("on_time", "late")


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
    #: only the ballots not yet folded into figure_cells (the tail survey.figures.cells reads from rows)
    unfolded_only: bool = False
    #: False: count every ballot from its row, never from figure_cells (the equality test's reference)
    use_cells: bool = True
    #: the day whose boundaries the units are read on: a merged unit counts its predecessors' answers
    #: (survey.figures.boundaries); None: every answer counts for the unit where it was given
    boundaries: date | None = None
    #: only ballots submitted in [start, end) (aware instants), e.g. one day for the e-mail alert
    #: (survey.services.notify); months still bound the scan
    submitted_between: tuple[datetime, datetime] | None = None
    #: ballots answered through a dossier's receipt code whose result was returned on time
    #: (``"on_time"``) or late (``"late"``); None: every ballot (DOSSIER_TIMELINESS)
    dossier: str | None = None
    extra: tuple = field(default=(), compare=False)


class Frames(NamedTuple):
    """The three inputs of ``analysis.indices.sipas_table`` for one scope and grouping."""

    counts: pd.DataFrame
    n_responses: pd.DataFrame
    moments: pd.DataFrame | None


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
    if scope.unfolded_only:
        conditions.append(Response.folded.is_(False))
    if scope.submitted_between is not None:
        conditions.append(Response.submitted_at >= scope.submitted_between[0])
        conditions.append(Response.submitted_at < scope.submitted_between[1])
    if scope.dossier is not None:
        if scope.dossier not in DOSSIER_TIMELINESS:
            raise ValueError(f"dossier: {scope.dossier!r}; known: {', '.join(DOSSIER_TIMELINESS)}")
        late = ReceiptCode.is_late.is_(scope.dossier == "late")
        conditions.append(
            Response.id.in_(select(ReceiptCode.response_id).where(late, ReceiptCode.response_id.is_not(None)))
        )
    return conditions


def cells_may_serve(scope: Scope) -> bool:
    """False when the scope filters on what figure_cells do not keep (the dossier's timeliness): rows only."""
    return scope.dossier is None


def _check_by(by: Sequence[str]) -> list[str]:
    unknown = set(by) - set(GROUPS)
    if unknown:
        raise ValueError(f"by: unknown group column(s) {sorted(unknown)}; known: {', '.join(GROUPS)}")
    return list(by)


def tallies(scope: Scope, by: list[str], profile: Profile, codes: tuple[str, ...],
            moment_of: tuple[str, ...] | None) -> Tallies:  # fmt: skip
    """Counts (and moment sums) per group: from figure_cells plus the unfolded rows when they can
    serve the scope and grouping (survey.figures.cells.serves), else from one scan of the rows."""
    from survey.figures import boundaries, cells

    if scope.boundaries is not None:
        return boundaries.tallies(scope, by, profile, codes, moment_of)
    if cells.serves(scope, by):
        return cells.tallies(scope, by, profile, codes, moment_of)
    scanned = scan(where_clauses(scope), by, codes)
    n = np.bincount(scanned.group, minlength=len(scanned.keys)).astype("int64")
    sums = moment_sums(scanned, profile, moment_of) if moment_of is not None else None
    return Tallies(scanned.keys, n, count_table(scanned, profile), sums, len(scanned.group))


def frames(scope: Scope, by: Sequence[str] = (), with_general: bool = False, all_questions: bool = True,
           with_moments: bool = True) -> Frames:  # fmt: skip
    """Counts, respondent counts and moments (what ``sipas_table`` needs).

    With ``all_questions=False`` the counts cover the satisfaction questions only (items and "in
    general"), all that ``sipas_table`` reads: a third fewer rows than with perception and expectations.
    Without ``with_moments`` (no composite intervals wanted) ``moments`` is None.
    """
    by = _check_by(by)
    profile = load_profile(scope.profile)
    codes = profile.question_codes if all_questions else profile.satisfaction_codes
    moment_of = moment_codes(profile, with_general)
    t = tallies(scope, by, profile, codes, moment_of if with_moments else None)
    n_responses = t.keys.copy()
    n_responses["n_responses"] = t.n
    moments = moments_frame(t.keys, by, t.sums, moment_of, t.rows == 0) if with_moments else None
    return Frames(counts_frame(t.keys, by, t.counts, profile, codes), n_responses, moments)


def counts(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, code, value, n]`` for every question of the profile; ``value`` <NA> = blank.

    Rows are sorted by group, then in profile order (a question's values in order, blank last);
    a value nobody gave has no row.
    """
    by = _check_by(by)
    profile = load_profile(scope.profile)
    t = tallies(scope, by, profile, profile.question_codes, None)
    return counts_frame(t.keys, by, t.counts, profile, profile.question_codes)


def responses_per_group(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, n_responses]``; without ``by``, one row (0 when nothing is in scope). From figure_cells
    (their first number) when they serve the scope and grouping, else one grouped count of the rows."""
    by = _check_by(by)
    from survey.figures import boundaries, cells

    if scope.boundaries is not None:
        return boundaries.responses_per_group(scope, by)
    if cells.serves(scope, by):
        t = cells.tallies(scope, by, load_profile(scope.profile), (), None)
        out = t.keys.copy()
        out["n_responses"] = t.n.astype("int64")
        return out[[*by, "n_responses"]]
    keys = [group_expr(name).label(f"g_{name}") for name in by]
    stmt = select(*keys, func.count()).where(and_(*where_clauses(scope)))
    if keys:
        stmt = stmt.group_by(*keys)
    rows = fetch(stmt, len(keys) + 1, stream=False)
    group, labels = group_keys(by, rows[:, : len(by)])
    out = labels.copy()
    out["n_responses"] = np.bincount(group, weights=rows[:, -1], minlength=len(labels)).astype("int64")
    return out[[*by, "n_responses"]]


def moments(scope: Scope, by: Sequence[str] = (), with_general: bool = False) -> pd.DataFrame:
    """``[*by, row, col, sum]``: Σ u_r u_rᵀ over respondents, u = (1, s…, v…), as in analysis.counts.

    Every pair of the upper triangle, once per group; the group columns, ``row`` and ``col`` are categorical.
    """
    by = _check_by(by)
    profile = load_profile(scope.profile)
    moment_of = moment_codes(profile, with_general)
    t = tallies(scope, by, profile, profile.satisfaction_codes, moment_of)
    return moments_frame(t.keys, by, t.sums, moment_of, t.rows == 0)


__all__ = [
    "GROUPS",
    "Frames",
    "Scope",
    "Tallies",
    "counts",
    "frames",
    "group_expr",
    "group_labels",
    "moments",
    "responses_per_group",
    "tallies",
    "where_clauses",
]
