"""Folded figures: a year reads like a month, and no figure is ever stale.

What a cell holds
    ``figure_cells`` has one row per questionnaire, unit and month, and one per quarter and per
    year (so a year of a unit is read as one row), with, as int64 vectors (:class:`Layout`): the
    ballots folded in and the count of every answer value of every question (blank included)
    (``counts``), and Σ u uᵀ over those ballots (``moments``, read only where an interval is shown), u = (1, s…, v…) the satisfied/valid
    indicators of every item and "in general" question. Those are exactly the integer sums
    ``analysis`` reads (counts and moments, ``analysis.counts``), and sums add: any unit subtree,
    any range of months, grouped by unit, month, quarter or year, is the sum of its cells, so every
    index, interval, rank and change equals the one computed from the rows, to the last digit.

Never stale, and nothing added to the citizen's write
    A stored ballot is *unfolded* (``responses.folded`` false). A read sums the cells of its scope
    **and** the unfolded counted ballots of its scope, read from their rows through the partial
    index ``ix_responses_unfolded``, in one snapshot: a ballot is counted either in a cell or from
    its row, never both, never neither. :func:`fold` (``flask --app survey figures fold``, every
    minute from cron) moves unfolded ballots into the cells in one REPEATABLE READ transaction, so
    it folds exactly the rows it counted. Storing and importing a ballot therefore cost the insert
    alone (plus one entry of the partial index); a ballot that is excluded or deleted while folded
    is first taken out of its cell (:func:`release`, in the same transaction as the change).
    :func:`rebuild` recounts the cells from the rows and says how many differed.

What cells serve
    Scopes without a field or channel filter, grouped by unit, month, quarter or year (the overview,
    ranking, trend, items and expectations of the dashboard, and the reports' unit tables). Other
    scopes and groupings (by field, channel, counter, procedure; a field or channel filter) are
    counted from rows, as before; they are a fraction of the rows of their period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import pandas as pd
from sqlalchemy import (
    BigInteger,
    Integer,
    LargeBinary,
    and_,
    cast,
    delete,
    event,
    false,
    insert,
    inspect,
    literal,
    null,
    or_,
    select,
    text,
    true,
    union_all,  # fmt: skip
    update,
)
from sqlalchemy.orm import Session

from analysis.counts import moment_variables
from analysis.profile import Profile, load_profile
from survey import queries
from survey.database import reading
from survey.extensions import db
from survey.figures.periods import add_months
from survey.models import Field, FigureCell, Response
from survey.models.responses import CHANNELS

#: groupings every part of the cells serves; a field's or a channel's part serves that grouping too
SERVED = frozenset({"unit_code", "month", "quarter", "year"})
#: serialises fold and rebuild on PostgreSQL (pg_advisory_xact_lock)
LOCK_KEY = 11_2026


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where each sum sits in a cell's vector, for one questionnaire."""

    profile: Profile
    questions: tuple[str, ...]  #: every question, in profile order
    moment_of: tuple[str, ...]  #: items, then the "in general" questions

    @property
    def n_counts(self) -> int:
        return len(queries._count_labels(self.profile.code, self.questions)[0])

    @property
    def n_moments(self) -> int:
        return len(np.triu_indices(len(moment_variables(self.moment_of)))[0])

    @property
    def width(self) -> int:
        return 1 + self.n_counts + self.n_moments

    def count_columns(self, codes: tuple[str, ...]) -> np.ndarray:
        """Positions in the vector of the count labels of ``codes``."""
        _, all_codes, all_values = queries._count_labels(self.profile.code, self.questions)
        where = {(c, int(v)): i for i, (c, v) in enumerate(zip(all_codes, all_values, strict=True))}
        _, codes_, values = queries._count_labels(self.profile.code, codes)
        return 1 + np.array([where[(c, int(v))] for c, v in zip(codes_, values, strict=True)], dtype=np.intp)

    def moment_columns(self, codes: tuple[str, ...]) -> np.ndarray:
        """Positions in the vector of the upper-triangle moment sums of ``codes``."""
        full = moment_variables(self.moment_of)
        index = {name: i for i, name in enumerate(full)}
        up = np.triu_indices(len(full))
        where = {(int(r), int(c)): i for i, (r, c) in enumerate(zip(*up, strict=True))}
        names = moment_variables(codes)
        sub = np.triu_indices(len(names))
        pairs = [tuple(sorted((index[names[r]], index[names[c]]))) for r, c in zip(*sub, strict=True)]
        return 1 + self.n_counts + np.array([where[p] for p in pairs], dtype=np.intp)


@cache
def layout(profile_code: str) -> Layout:
    profile = load_profile(profile_code)
    return Layout(profile, tuple(profile.question_codes), queries.moment_codes(profile, True))


#: the parts of a unit's ballots a cell can hold (FigureCell.part)
PARTS = ("all", "field", "channel")


def serves(scope: queries.Scope, by: Sequence[str]) -> bool:
    return kind_of(scope, by) is not None


def kind_of(scope: queries.Scope, by: Sequence[str]) -> str | None:
    """Which cells serve the scope and grouping: every ballot of a unit (``all``), its ballots per field
    (a field filter or grouping) or per channel; None: only the rows can (a filter or grouping the
    cells do not keep: counter, procedure, field and channel together, dossier timeliness…)."""
    if not scope.use_cells or scope.unfolded_only or scope.include_excluded or not queries.cells_may_serve(scope):
        return None
    rest = set(by) - SERVED
    if not rest and not scope.field_codes and not scope.channels:
        return "all"
    if rest <= {"field_code"} and not scope.channels:
        return "field"
    if rest <= {"channel"} and not scope.field_codes:
        return "channel"
    return None


def part_expr(kind: str):
    """The part (FigureCell.part) of a ballot's row for cells of ``kind``."""
    if kind == "field":
        return Response.field_id
    if kind == "channel":
        return -1 - queries.group_expr("channel")
    return literal(0, Integer)


def _part_condition(scope: queries.Scope, kind: str):
    if kind == "all":
        return FigureCell.part == 0
    if kind == "field":
        if scope.field_codes:
            return FigureCell.part.in_(select(Field.id).where(Field.code.in_(scope.field_codes)))
        return FigureCell.part > 0
    if scope.channels:
        return FigureCell.part.in_([-1 - CHANNELS.index(c) for c in scope.channels if c in CHANNELS])
    return FigureCell.part < 0


def _vectors(scan: queries._Scan, lay: Layout, with_moments: bool = True) -> np.ndarray:
    """(G, width) int64 vectors of the groups of a scan over every question of the layout."""
    n = np.bincount(scan.group, minlength=len(scan.keys)).astype(np.int64)
    counts = queries.count_table(scan, lay.profile)
    if not with_moments:
        return np.column_stack([n, counts, np.zeros((len(n), lay.n_moments), dtype=np.int64)])
    sums = queries.moment_sums(scan, lay.profile, lay.moment_of)
    return np.column_stack([n, counts, np.rint(sums).astype(np.int64)])


SPANS = (12, 3, 1)


def _spans(scope: queries.Scope, by: Sequence[str]) -> dict[int, list[int]]:
    """The cells that cover the scope's months with the fewest rows: span → first months.

    A year or a quarter wholly inside the scope is one cell, unless the grouping needs its months
    (``month``) or quarters (``quarter``); what is left is read a month at a time.
    """
    allowed = {1} if "month" in by else ({3, 1} if "quarter" in by else {12, 3, 1})
    out: dict[int, list[int]] = {span: [] for span in SPANS}
    if scope.start_month is None or scope.end_month is None:
        out[1] = None  # type: ignore[assignment]  (every month: no bound on the cells' months)
        return out
    month = scope.start_month
    while month <= scope.end_month:
        for span in SPANS:
            last = add_months(month, span - 1)
            if span in allowed and (month % 100 - 1) % span == 0 and last <= scope.end_month:
                out[span].append(month)
                month = add_months(last, 1)
                break
    return out


def _cell_conditions(scope: queries.Scope, by: Sequence[str], kind: str) -> list:
    conditions = [FigureCell.profile == scope.profile, _part_condition(scope, kind)]
    if scope.unit_ids is not None:
        conditions.append(FigureCell.unit_id.in_(scope.unit_ids))
    parts = []
    for span, months in _spans(scope, by).items():
        if months is None:
            parts.append(FigureCell.span == span)
        elif months:
            parts.append(and_(FigureCell.span == span, FigureCell.month.in_(months)))
    conditions.append(or_(*parts) if parts else false())
    return conditions


def group_sum(ids: np.ndarray, vectors: np.ndarray, groups: int) -> np.ndarray:
    """(groups, width): the rows of ``vectors`` added up per group id (sorted once, then np.add.reduceat:
    np.add.at is an order of magnitude slower on wide rows)."""
    out = np.zeros((groups, vectors.shape[1]), dtype=vectors.dtype)
    if not len(ids):
        return out
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    out[sorted_ids[starts]] = np.add.reduceat(vectors[order], starts, axis=0)
    return out


def _sum_by(keys: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vectors added up per distinct key row (keys sorted)."""
    if not len(keys):
        return keys, vectors
    ids = pd.DataFrame(keys).groupby(list(range(keys.shape[1])), sort=True).ngroup().to_numpy(dtype=np.intp)
    out_keys = np.zeros((ids.max() + 1, keys.shape[1]), dtype=np.int64)
    out_keys[ids] = keys
    return out_keys, group_sum(ids, vectors, len(out_keys))


def _rollups(keys: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Month vectors [unit_id, part, month] → the same added into their month, quarter and year cells:
    keys [unit_id, part, first month, span]."""
    if not len(keys):
        return np.zeros((0, 4), dtype=np.int64), vectors
    unit, part, month = keys[:, 0], keys[:, 1], keys[:, 2]
    year, m = month // 100, month % 100
    starts = {1: month, 3: year * 100 + (m - 1) // 3 * 3 + 1, 12: year * 100 + 1}
    expanded = np.vstack([np.column_stack([unit, part, starts[span], np.full(len(unit), span)]) for span in SPANS])
    return _sum_by(expanded, np.vstack([vectors] * len(SPANS)))


def _unpack(words: np.ndarray, lay: Layout) -> np.ndarray:
    answers = np.empty((len(words), len(lay.questions)), dtype=np.uint8)
    for q in range(len(lay.questions)):
        word, slot = divmod(q, queries.PER_WORD)
        answers[:, q] = (words[:, word] >> (queries.BITS * slot)) & queries.BLANK
    return answers


def _per_key(keys: np.ndarray, answers: np.ndarray, lay: Layout,
             with_moments: bool = True) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The distinct rows of ``keys`` (sorted) and the vector of the rows with each key and these answers."""
    width = keys.shape[1]
    ids = (pd.DataFrame(keys).groupby(list(range(width)), sort=True).ngroup().to_numpy(dtype=np.intp) if len(keys)
           else np.zeros(0, dtype=np.intp))  # fmt: skip
    distinct = np.zeros((ids.max() + 1 if len(ids) else 0, width), dtype=np.int64)
    distinct[ids] = keys
    scan = queries._Scan(pd.DataFrame(index=range(len(distinct))), ids, lay.questions, answers)
    return distinct, _vectors(scan, lay, with_moments)


def _read_scope(scope: queries.Scope, by: Sequence[str], kind: str,
                with_moments: bool) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """[unit_id, part, first month] and vectors of the scope: its cells of ``kind`` and its unfolded counted
    rows, read in ONE statement (UNION ALL), so both come from one snapshot even while a fold commits.
    Without ``with_moments`` the moment sums are neither read nor computed (they stay 0)."""
    lay = layout(scope.profile)
    words = queries._packed_words(lay.questions)
    no_words = [cast(null(), BigInteger).label(w.name) for w in words]
    blobs = [FigureCell.counts, FigureCell.moments if with_moments else cast(null(), LargeBinary)]
    cells_part = select(FigureCell.unit_id, FigureCell.part, FigureCell.month, *no_words, *blobs).where(
        *_cell_conditions(scope, by, kind)
    )
    tail = dataclasses.replace(scope, unfolded_only=True)
    no_blobs = [cast(null(), LargeBinary), cast(null(), LargeBinary)]
    rows_part = select(Response.unit_id, part_expr(kind), Response.period_month, *words, *no_blobs).where(
        and_(*queries.where_clauses(tail))
    )
    rows = reading.execute(union_all(cells_part, rows_part)).all()
    cell_rows = [r for r in rows if r[-2] is not None]
    tail_rows = np.array([r[:-2] for r in rows if r[-2] is None], dtype=np.int64).reshape(-1, 3 + len(words))
    keys = np.array([(r[0], r[1], r[2]) for r in cell_rows], dtype=np.int64).reshape(-1, 3)
    vectors = np.zeros((len(cell_rows), lay.width), dtype=np.int64)
    if cell_rows:
        head = 1 + lay.n_counts
        vectors[:, :head] = np.frombuffer(b"".join(r[-2] for r in cell_rows), dtype="<i8").reshape(-1, head)
        if with_moments:
            vectors[:, head:] = np.frombuffer(b"".join(r[-1] for r in cell_rows), dtype="<i8").reshape(
                -1, lay.n_moments
            )
    tail_keys, tail_vectors = _per_key(tail_rows[:, :3], _unpack(tail_rows[:, 3:], lay), lay, with_moments)
    return np.vstack([keys, tail_keys]), np.vstack([vectors, tail_vectors])


def _scan_cells(scope: queries.Scope) -> tuple[np.ndarray, np.ndarray]:
    """(C, 4) [unit_id, part, first month, span] and (C, width) vectors of every stored cell that starts in
    the scope's months (whole years, for a rebuild)."""
    conditions = [FigureCell.profile == scope.profile]
    if scope.start_month is not None:
        conditions.append(FigureCell.month.between(scope.start_month, scope.end_month))
    stmt = select(FigureCell.unit_id, FigureCell.part, FigureCell.month, FigureCell.span, FigureCell.counts,
                  FigureCell.moments)  # fmt: skip
    rows = db.session.execute(stmt.where(*conditions)).all()
    width = layout(scope.profile).width
    keys = np.array([r[:4] for r in rows], dtype=np.int64).reshape(-1, 4)
    vectors = (np.frombuffer(b"".join(r[4] + r[5] for r in rows), dtype="<i8").reshape(-1, width) if rows
               else np.zeros((0, width), dtype=np.int64))  # fmt: skip
    return keys, vectors


def _key_of(name: str, keys: np.ndarray) -> np.ndarray:
    """The integer group key (as queries.group_expr computes it) of cells [unit_id, part, month]."""
    unit, part, month = keys[:, 0], keys[:, 1], keys[:, 2]
    return {"unit_code": unit, "field_code": part, "channel": -1 - part, "month": month,
            "quarter": (month // 100) * 10 + ((month % 100) + 2) // 3, "year": month // 100}[name]  # fmt: skip


def tallies(scope: queries.Scope, by: list[str], profile: Profile, codes: tuple[str, ...],
            moment_of: tuple[str, ...] | None) -> queries.Tallies:  # fmt: skip
    """The scope's sums from its cells plus its unfolded rows, grouped ``by`` (what queries.tallies returns)."""
    lay = layout(profile.code)
    unit_month, vectors = _read_scope(scope, by, kind_of(scope, by) or "all", moment_of is not None)
    if by:
        labels = pd.DataFrame({name: queries._labels(name, _key_of(name, unit_month)) for name in by})
        group = labels.groupby(by, sort=True, dropna=False).ngroup().to_numpy(dtype=np.intp)
        keys = labels.drop_duplicates().sort_values(by, kind="stable").reset_index(drop=True)
    else:
        group = np.zeros(len(unit_month), dtype=np.intp)
        keys = pd.DataFrame(index=range(1))
    total = group_sum(group, vectors, len(keys))
    rows = int(total[:, 0].sum())
    if by:  # a group whose ballots were all taken out again is no group (as with rows)
        kept = total[:, 0] > 0
        total, keys = total[kept], keys[kept].reset_index(drop=True)
    counts = total[:, lay.count_columns(codes)]
    sums = total[:, lay.moment_columns(moment_of)].astype("float64") if moment_of is not None else None
    return queries.Tallies(keys, total[:, 0].copy(), counts, sums, rows)


# ---- keeping the cells ------------------------------------------------------------------


def _serialise(session) -> None:
    """One fold or rebuild at a time, each reading and marking one snapshot of the rows.

    On PostgreSQL the transaction must start here (REPEATABLE READ): commit before calling.
    """
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: one writer at a time, and a write transaction sees one snapshot
    if session().in_transaction():
        raise RuntimeError("fold/rebuild must begin their own transaction: commit or roll back first")
    connection = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _grouped_vectors(scope: queries.Scope, *extra) -> tuple[np.ndarray, np.ndarray]:
    """[unit_id, part, month] and vectors of the rows of ``scope`` (and ``extra`` conditions): per (unit,
    month) one for every ballot (part 0), one per field and one per channel. Call it a year at a time
    at most: a field's part of a unit's month is a vector of ~10 kB."""
    lay = layout(scope.profile)
    words = queries._packed_words(lay.questions)
    keys = [Response.unit_id, Response.field_id, part_expr("channel"), Response.period_month]
    stmt = select(*keys, *words).where(and_(*queries.where_clauses(scope), *extra))
    raw = queries._fetch(stmt, len(keys) + len(words), primary=True)
    answers = _unpack(raw[:, len(keys) :], lay)
    unit, field, channel, month = raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3]
    out = [_per_key(np.column_stack([unit, part, month]), answers, lay)
           for part in (np.zeros_like(unit), field, channel)]  # fmt: skip
    return np.vstack([k for k, _ in out]), np.vstack([v for _, v in out])


def _years(*conditions) -> list[int]:
    """The years (of period_month) of the responses that meet ``conditions``, oldest first."""
    year = Response.period_month // 100
    return sorted(int(y) for y in db.session.scalars(select(year).where(*conditions).distinct()))


def _year_scope(profile: str, year: int, months: tuple[int, int] | None, **kwargs) -> queries.Scope:
    first, last = year * 100 + 1, year * 100 + 12
    if months:
        first, last = max(first, months[0]), min(last, months[1])
    return queries.Scope(profile=profile, start_month=first, end_month=last, use_cells=False, **kwargs)


def _profiles(condition) -> list[str]:
    return list(db.session.scalars(select(Response.profile).where(condition).distinct()))


def _add_to_cells(profile: str, month_keys: np.ndarray, month_vectors: np.ndarray, sign: int = 1,
                  flush: bool = True) -> None:  # fmt: skip
    """Add (or, with ``sign`` -1, take out) [unit, part, month] vectors to their month, quarter and year cells."""
    if not len(month_keys):
        return
    keys, vectors = _rollups(month_keys, month_vectors)
    lay = layout(profile)
    head = 1 + lay.n_counts
    existing = {
        (c.unit_id, c.part, c.month, c.span): c
        for c in db.session.scalars(
            select(FigureCell).where(FigureCell.profile == profile, FigureCell.month.in_({int(m) for m in keys[:, 2]}),
                                     FigureCell.unit_id.in_({int(u) for u in keys[:, 0]})).with_for_update()
        )
    }  # fmt: skip
    for (unit_id, part, month, span), vector in zip(keys.tolist(), vectors, strict=True):
        cell = existing.get((unit_id, part, month, span))
        current = (np.frombuffer(cell.counts + cell.moments, dtype="<i8") if cell is not None
                   else np.zeros(lay.width, dtype=np.int64))  # fmt: skip
        new = (current + sign * vector).astype("<i8")
        if (new < 0).any():
            raise RuntimeError(f"figure cell {profile}/{unit_id}/{part}/{month}/{span} would go below zero: "
                               "rebuild the cells")  # fmt: skip
        if cell is None:
            db.session.add(FigureCell(profile=profile, unit_id=unit_id, part=part, month=month, span=span,
                                      n_responses=int(new[0]), counts=new[:head].tobytes(),
                                      moments=new[head:].tobytes()))  # fmt: skip
        else:
            cell.n_responses, cell.counts, cell.moments = int(new[0]), new[:head].tobytes(), new[head:].tobytes()
    if flush:
        db.session.flush()


def _month_condition(months: tuple[int, int] | None):
    return Response.period_month.between(*months) if months else true()


def fold(months: tuple[int, int] | None = None) -> int:
    """Fold every unfolded counted ballot (of ``months``, first and last YYYYMM) into the cells. Flushes.

    Returns the ballots folded. The caller commits; on PostgreSQL a concurrent change of one of
    these rows makes the commit fail (REPEATABLE READ) and the fold is simply run again.
    """
    _serialise(db.session)
    tail = and_(Response.folded.is_(False), Response.is_excluded.is_(False), _month_condition(months))
    folded = 0
    for profile in _profiles(tail):
        for year in _years(tail, Response.profile == profile):
            keys, vectors = _grouped_vectors(_year_scope(profile, year, months, unfolded_only=True))
            _add_to_cells(profile, keys, vectors)
            folded += int(vectors[keys[:, 1] == 0, 0].sum())
    db.session.execute(update(Response).where(tail).values(folded=True).execution_options(synchronize_session=False))
    db.session.flush()
    return folded


@dataclasses.dataclass(frozen=True)
class RebuildResult:
    cells: int  #: cells written
    ballots: int  #: counted ballots folded in
    differed: int  #: cells whose stored sums (plus their unfolded rows) did not equal the recount


def rebuild(months: tuple[int, int] | None = None) -> RebuildResult:
    """Recount the cells (of the years of ``months``: a year cell holds all its months) from the rows,
    a year at a time, check the stored ones against the recount, replace them, and mark every counted
    ballot folded. Flushes; the caller commits."""
    _serialise(db.session)
    if months:
        months = (months[0] // 100 * 100 + 1, months[1] // 100 * 100 + 12)
    condition = _month_condition(months)
    counted = and_(Response.is_excluded.is_(False), condition)
    cell_months = (FigureCell.month.between(*months),) if months else ()
    stored_profiles = set(db.session.scalars(select(FigureCell.profile).where(*cell_months).distinct()))
    stored_years = {int(y) for y in db.session.scalars(select(FigureCell.month // 100).where(*cell_months).distinct())}
    cells = ballots = differed = 0
    for profile in sorted(set(_profiles(counted)) | stored_profiles):
        lay = layout(profile)
        zero = np.zeros(lay.width, dtype=np.int64)
        for year in sorted(set(_years(counted, Response.profile == profile)) | stored_years):
            scope = _year_scope(profile, year, None)
            month_keys, month_vectors = _grouped_vectors(scope)
            keys, vectors = _rollups(month_keys, month_vectors)
            stored_keys, stored = _scan_cells(scope)
            before = _as_dict(stored_keys, stored)
            for key, vector in _as_dict(*_rollups(*_grouped_vectors(dataclasses.replace(scope, unfolded_only=True)))
                                        ).items():  # fmt: skip
                before[key] = before.get(key, 0) + vector
            after = _as_dict(keys, vectors)
            differed += sum(1 for key in set(before) | set(after)
                            if not np.array_equal(before.get(key, zero), after.get(key, zero)))  # fmt: skip
            cells += len(keys)
            ballots += int(month_vectors[month_keys[:, 1] == 0, 0].sum())
            db.session.execute(delete(FigureCell).where(FigureCell.profile == profile,
                                                        FigureCell.month.between(year * 100 + 1, year * 100 + 12)))  # fmt: skip
            _insert_cells(profile, keys, vectors)
    for folded, excluded in ((True, False), (False, True)):
        db.session.execute(update(Response).where(condition, Response.is_excluded.is_(excluded),
                                                  Response.folded.is_not(folded))
                           .values(folded=folded).execution_options(synchronize_session=False))  # fmt: skip
    db.session.flush()
    return RebuildResult(cells, ballots, differed)


def _insert_cells(profile: str, keys: np.ndarray, vectors: np.ndarray, batch: int = 2000) -> None:
    """Write new cells [unit, part, first month, span] in bulk (a rebuild: none of them exists)."""
    head = 1 + layout(profile).n_counts
    data = vectors.astype("<i8")
    for start in range(0, len(keys), batch):
        rows = [{"profile": profile, "unit_id": u, "part": p, "month": m, "span": s, "n_responses": int(v[0]),
                 "counts": v[:head].tobytes(), "moments": v[head:].tobytes()}
                for (u, p, m, s), v in zip(keys[start : start + batch].tolist(), data[start : start + batch],
                                           strict=True)]  # fmt: skip
        db.session.execute(insert(FigureCell), rows)


def _as_dict(keys: np.ndarray, vectors: np.ndarray) -> dict:
    return {tuple(int(k) for k in key): v for key, v in zip(keys.tolist(), vectors, strict=True)}


def release(response_ids: Iterable[int], flush: bool = True) -> int:
    """Take folded ballots out of their cells before they are excluded or deleted; they are then
    read from their rows again (unfolded). Call it in the transaction of the change.

    The rows are locked first, so a fold running at the same time either has folded them (and
    they are taken out here) or fails on commit and runs again.
    """
    ids = sorted({int(i) for i in response_ids})
    released = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        db.session.execute(select(Response.id).where(Response.id.in_(chunk)).with_for_update())
        chosen = and_(Response.id.in_(chunk), Response.folded.is_(True))
        for profile in _profiles(chosen):
            scope = queries.Scope(profile=profile, use_cells=False, include_excluded=True)
            keys, vectors = _grouped_vectors(scope, chosen)
            _add_to_cells(profile, keys, vectors, sign=-1, flush=flush)
            released += int(vectors[keys[:, 1] == 0, 0].sum())
        db.session.execute(update(Response).where(chosen).values(folded=False)
                           .execution_options(synchronize_session=False))  # fmt: skip
    if flush:
        db.session.flush()
    return released


@event.listens_for(Session, "before_flush")
def _release_before_change(session: Session, _context, _instances) -> None:
    """A ballot excluded or deleted through the ORM (a reviewer's decision) leaves its cell first."""
    changed = []
    for obj in session.dirty:
        if isinstance(obj, Response):
            added = inspect(obj).attrs.is_excluded.history.added
            if added and added[0] is True:
                changed.append(obj)
    changed += [obj for obj in session.deleted if isinstance(obj, Response)]
    if changed:
        with session.no_autoflush:
            release([obj.id for obj in changed], flush=False)
        for obj in changed:
            if obj not in session.deleted:
                obj.folded = False
