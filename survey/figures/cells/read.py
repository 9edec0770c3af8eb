"""Reading the cells: which cells serve a scope and grouping, and their sums with the unfolded rows.

A read sums the cells of its scope **and** the unfolded counted ballots of its scope, read from
their rows through the partial index ``ix_responses_unfolded``, in ONE statement (one snapshot).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from psycopg.pq import Format as psycopg_format
from sqlalchemy import (
    BigInteger,
    Integer,
    LargeBinary,
    and_,
    cast,
    event,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Engine

from analysis.profile import Profile
from survey import queries
from survey.database import reading
from survey.figures.cells.layout import SPANS, group_sum, layout, per_key, unpack
from survey.figures.periods import add_months
from survey.models import Field, FigureCell, Response
from survey.models.responses import CHANNELS
from survey.scan import group_expr, labels_of, packed_words
from survey.sums import Tallies

#: the execution option that asks PostgreSQL for binary results (see :func:`_binary_results`)
BINARY = "sipas_binary_results"


@event.listens_for(Engine, "before_cursor_execute")
def _binary_results(_conn, cursor, _statement, _parameters, context, _executemany) -> None:
    """A read of cells asks psycopg for binary results: their blobs come as bytes, not as hex text twice
    their size that both the server and this process would convert (SQLite: nothing to do)."""
    if context is not None and context.execution_options.get(BINARY) and hasattr(cursor, "format"):
        cursor.format = psycopg_format.BINARY


#: groupings every part of the cells serves; a field's or a channel's part serves that grouping too
SERVED = frozenset({"unit_code", "unit_id", "month", "quarter", "year"})


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
        return -1 - group_expr("channel")
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


def _read_scope(scope: queries.Scope, by: Sequence[str], kind: str, with_moments: bool,
                with_counts: bool = True) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """[unit_id, part, first month] and vectors of the scope: its cells of ``kind`` and its unfolded counted
    rows, read in ONE statement (UNION ALL), so both come from one snapshot even while a fold commits.
    Without ``with_moments`` the moment sums are neither read nor computed (the vectors stop before them); without
    ``with_counts`` a cell's answer counts are not read either (only its ballots, the counts' first number)."""
    lay = layout(scope.profile)
    words = packed_words(lay.questions)
    no_words = [cast(null(), BigInteger).label(w.name) for w in words]
    counts = FigureCell.counts if with_counts else func.substr(FigureCell.counts, 1, 8, type_=LargeBinary)
    blobs = [counts, FigureCell.moments if with_moments else cast(null(), LargeBinary)]
    cells_part = select(FigureCell.unit_id, FigureCell.part, FigureCell.month, *no_words, *blobs).where(
        *_cell_conditions(scope, by, kind)
    )
    tail = dataclasses.replace(scope, unfolded_only=True)
    no_blobs = [cast(null(), LargeBinary), cast(null(), LargeBinary)]
    rows_part = select(Response.unit_id, part_expr(kind), Response.period_month, *words, *no_blobs).where(
        and_(*queries.where_clauses(tail))
    )
    rows = reading.execute(union_all(cells_part, rows_part).execution_options(**{BINARY: True})).all()
    cell_rows = [r for r in rows if r[-2] is not None]
    tail_rows = np.array([r[:-2] for r in rows if r[-2] is None], dtype=np.int64).reshape(-1, 3 + len(words))
    keys = np.array([(r[0], r[1], r[2]) for r in cell_rows], dtype=np.int64).reshape(-1, 3)
    head = 1 + lay.n_counts if with_counts else 1
    # the vectors' first columns only, when the moments (the widest part) are not wanted
    width = lay.width if with_moments else 1 + lay.n_counts
    vectors = np.zeros((len(cell_rows), width), dtype=np.int64)
    if cell_rows:
        vectors[:, :head] = np.frombuffer(b"".join(r[-2] for r in cell_rows), dtype="<i8").reshape(-1, head)
        if with_moments:
            vectors[:, head:] = np.frombuffer(b"".join(r[-1] for r in cell_rows), dtype="<i8").reshape(
                -1, lay.n_moments
            )
    if not len(tail_rows):  # everything folded: the cells alone (no copy)
        return keys, vectors
    tail_keys, tail_vectors = per_key(tail_rows[:, :3], unpack(tail_rows[:, 3:], lay), lay, with_moments)
    return np.vstack([keys, tail_keys]), np.vstack([vectors, tail_vectors[:, :width]])


def _key_of(name: str, keys: np.ndarray) -> np.ndarray:
    """The integer group key (as group_expr computes it) of cells [unit_id, part, month]."""
    unit, part, month = keys[:, 0], keys[:, 1], keys[:, 2]
    return {"unit_code": unit, "unit_id": unit, "field_code": part, "channel": -1 - part, "month": month,
            "quarter": (month // 100) * 10 + ((month % 100) + 2) // 3, "year": month // 100}[name]  # fmt: skip


def tallies(scope: queries.Scope, by: list[str], profile: Profile, codes: tuple[str, ...],
            moment_of: tuple[str, ...] | None) -> Tallies:  # fmt: skip
    """The scope's sums from its cells plus its unfolded rows, grouped ``by`` (what queries.tallies returns)."""
    lay = layout(profile.code)
    unit_month, vectors = _read_scope(scope, by, kind_of(scope, by) or "all", moment_of is not None, bool(codes))
    if by:
        labels = pd.DataFrame({name: labels_of(name, _key_of(name, unit_month)) for name in by})
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
    return Tallies(keys, total[:, 0].copy(), counts, sums, rows)
