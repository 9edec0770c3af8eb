"""Keeping the cells: fold new ballots in, take excluded or deleted ones out, rebuild and verify.

Storing or importing a ballot costs the insert alone: it is *unfolded* and read from its row until
:func:`fold` (``flask --app survey figures fold``, cron) moves it into its cells in one REPEATABLE
READ transaction. A folded ballot that is excluded or deleted leaves its cells first (:func:`release`,
in the transaction of the change). :func:`rebuild` recounts the cells a year at a time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
from sqlalchemy import and_, delete, event, insert, inspect, select, text, true, update
from sqlalchemy.orm import Session

from survey import queries
from survey.extensions import db
from survey.figures.cells.layout import layout, per_key, rollups, unpack
from survey.figures.cells.read import part_expr
from survey.models import FigureCell, Response
from survey.scan import fetch, packed_words

#: serialises fold and rebuild on PostgreSQL (pg_advisory_xact_lock)
LOCK_KEY = 11_2026


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
    words = packed_words(lay.questions)
    keys = [Response.unit_id, Response.field_id, part_expr("channel"), Response.period_month]
    stmt = select(*keys, *words).where(and_(*queries.where_clauses(scope), *extra))
    raw = fetch(stmt, len(keys) + len(words), primary=True)
    answers = unpack(raw[:, len(keys) :], lay)
    unit, field, channel, month = raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3]
    out = [per_key(np.column_stack([unit, part, month]), answers, lay)
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
    keys, vectors = rollups(month_keys, month_vectors)
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
            keys, vectors = rollups(month_keys, month_vectors)
            stored_keys, stored = _scan_cells(scope)
            before = _as_dict(stored_keys, stored)
            for key, vector in _as_dict(*rollups(*_grouped_vectors(dataclasses.replace(scope, unfolded_only=True)))
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
