"""The exchange CSV of the method (§5): export, and all-or-nothing import."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import aliased

from analysis.io import META_COLUMNS
from analysis.profile import all_question_codes, load_profile
from survey.extensions import db
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


def export_rows(stmt) -> Iterator[list[str]]:
    """Header then one row a response, streamed in batches."""
    profiles = set(db.session.scalars(stmt.with_only_columns(Response.profile).distinct().order_by(None)))
    codes = question_columns(profiles or {load_profile().code})
    respondent = list(RESPONDENT_FIELDS)
    # the serving officer's pseudonymous code (method §4.1), only when some response has one
    with_officer = db.session.scalar(
        stmt.with_only_columns(Response.id).where(Response.officer_id.is_not(None)).order_by(None).limit(1)
    )
    yield [*META_COLUMNS, *codes, *respondent, "comment", *(["officer_code"] if with_officer else [])]
    counter, field, procedure = aliased(Counter), aliased(Field), aliased(Procedure)
    rows = db.session.execute(
        stmt.add_columns(Unit.code, counter.code, field.code, procedure.code, Officer.code)
        .join(Unit, Response.unit_id == Unit.id)
        .outerjoin(counter, Response.counter_id == counter.id)
        .join(field, Response.field_id == field.id)
        .outerjoin(procedure, Response.procedure_id == procedure.id)
        .outerjoin(Officer, Response.officer_id == Officer.id)
        .execution_options(yield_per=2000)
    )
    for response, unit_code, counter_code, field_code, procedure_code, officer_code in rows:
        answers = [getattr(response, answer_column(c)) for c in codes]
        yield [
            neutralise(response.response_key),
            response.submitted_at.astimezone(VN).isoformat(),
            response.profile,
            unit_code,
            counter_code or "",
            field_code,
            procedure_code or "",
            response.channel,
            *("" if a is None else str(a) for a in answers),
            *("" if getattr(response, r) is None else str(getattr(response, r)) for r in respondent),
            neutralise(response.comment) or "",
            *([officer_code or ""] if with_officer else []),
        ]


def write_csv(out: TextIO, stmt) -> int:
    # every cell quoted: a ";" inside a comment never splits it in a Vietnamese Excel
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    count = -1
    for row in export_rows(stmt):
        writer.writerow(row)
        count += 1
    return count
