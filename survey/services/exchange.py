"""The exchange CSV of the method (§5): export, and all-or-nothing import."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import aliased

from analysis.io import ESTIMATED_COLUMN, META_COLUMNS, ORIGINAL_UNIT_COLUMN, WEIGHT_COLUMN
from analysis.profile import all_question_codes, load_profile
from survey.extensions import db
from survey.figures.boundaries import attributions
from survey.figures.periods import VN
from survey.models import Counter, Field, Officer, Procedure, Response, Unit
from survey.models.responses import RESPONDENT_FIELDS, answer_column
from survey.services.spreadsheet import neutralise


def export_query(*, start: datetime | None = None, end: datetime | None = None, unit_ids: list[int] | None = None):
    stmt = select(Response).order_by(Response.submitted_at, Response.id)
    if start is not None:
        stmt = stmt.where(Response.submitted_at >= start)
    if end is not None:
        stmt = stmt.where(Response.submitted_at < end)
    if unit_ids is not None:
        stmt = stmt.where(Response.unit_id.in_(unit_ids))
    return stmt


def question_columns(profiles: set[str]) -> list[str]:
    """The question columns for these profiles: one profile's own order, or the union in a stable order."""
    if len(profiles) == 1:
        return list(load_profile(next(iter(profiles))).question_codes)
    wanted = {c for p in profiles for c in load_profile(p).question_codes}
    return [c for c in all_question_codes() if c in wanted]


def export_rows(stmt, boundaries: date | None = None) -> Iterator[list[str]]:
    """Header then one row a response (one row per unit it counts for, on a day's boundaries), streamed in batches.

    With ``boundaries`` (a day), ``unit_code`` is the unit in force that day that the answer counts for
    (survey.figures.boundaries, as the dashboard counts it); the code of the unit where it was given is kept
    in ``unit_code_original``. A merged or renamed unit's answer counts wholly for its successor: one row,
    ``weight`` 1. A split unit's answer is written once per successor, ``weight`` the recorded share and
    ``estimated`` 1 (the dashboard's "ước tính"); ``python -m analysis`` weighs such rows by their share.
    A former district's own counter keeps its own code (it belongs to no one commune).
    """
    moved = attributions(boundaries) if boundaries is not None else None
    profiles = set(db.session.scalars(stmt.with_only_columns(Response.profile).distinct().order_by(None)))
    codes = question_columns(profiles or {load_profile().code})
    respondent = list(RESPONDENT_FIELDS)
    # the serving officer's pseudonymous code (method §4.1), only when some response has one
    with_officer = db.session.scalar(
        stmt.with_only_columns(Response.id).where(Response.officer_id.is_not(None)).order_by(None).limit(1)
    )
    yield [*META_COLUMNS, *codes, *respondent, "comment", *(["officer_code"] if with_officer else []),
           *([ORIGINAL_UNIT_COLUMN, WEIGHT_COLUMN, ESTIMATED_COLUMN] if moved is not None else [])]  # fmt: skip
    counter, field, procedure = aliased(Counter), aliased(Field), aliased(Procedure)
    rows = db.session.execute(
        stmt.add_columns(Unit.id, counter.code, field.code, procedure.code, Officer.code)
        .join(Unit, Response.unit_id == Unit.id)
        .outerjoin(counter, Response.counter_id == counter.id)
        .join(field, Response.field_id == field.id)
        .outerjoin(procedure, Response.procedure_id == procedure.id)
        .outerjoin(Officer, Response.officer_id == Officer.id)
        .execution_options(yield_per=2000)
    )
    codes_of = moved if moved is not None else attributions(None)
    for response, unit_id, counter_code, field_code, procedure_code, officer_code in rows:
        unit = codes_of[unit_id]
        answers = [getattr(response, answer_column(c)) for c in codes]
        rest = [
            counter_code or "",
            field_code,
            procedure_code or "",
            response.channel,
            *("" if a is None else str(a) for a in answers),
            *("" if getattr(response, r) is None else str(getattr(response, r)) for r in respondent),
            neutralise(response.comment) or "",
            *([officer_code or ""] if with_officer else []),
        ]
        head = [neutralise(response.response_key), response.submitted_at.astimezone(VN).isoformat(), response.profile]
        if moved is None:
            yield [*head, unit.original, *rest]
            continue
        marker = "1" if unit.estimated else ""
        for code, share in unit.shares:
            yield [*head, code, *rest, unit.original, "1" if share == 1.0 else repr(share), marker]


def write_csv(out: TextIO, stmt, boundaries: date | None = None) -> int:
    # every cell quoted: a ";" inside a comment never splits it in a Vietnamese Excel
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    count, last = 0, None
    rows = export_rows(stmt, boundaries)
    writer.writerow(next(rows))
    for row in rows:
        writer.writerow(row)
        count += row[0] != last  # a split unit's response is one response on several rows
        last = row[0]
    return count
