"""Folded figures: what the read model keeps per (questionnaire, unit, field or channel, month) so a year
reads like a month.

See :mod:`survey.figures.cells` for what a cell holds and how it stays exact.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db


class FigureCell(db.Model):
    __tablename__ = "figure_cells"
    __table_args__ = (
        # a period's cells of every unit (the province's ranking, a reviewer's overview) without walking the
        # primary key's every unit: the read costs what the period holds, not the years of history before it
        Index("ix_figure_cells_period", "profile", "span", "month", "part", "unit_id"),
    )

    #: method profile of the ballots folded in (profiles are never pooled)
    profile: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    #: which of the unit's ballots: 0 every one; a field's id (> 0) that field's; −1 − k those of channel
    #: CHANNELS[k] (survey.figures.cells.part_of)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, default=0, server_default="0")
    #: first month covered, YYYYMM in Vietnam time (Response.period_month)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: months covered: 1 (a month), 3 (a quarter) or 12 (a year); a year is read as one cell
    span: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    #: ballots folded in (the first number of ``counts`` too); 0 once every ballot was taken out again
    n_responses: Mapped[int] = mapped_column(Integer)
    #: int64 little-endian: n, then the count of every answer value of every question (figures.cells.Layout)
    counts: Mapped[bytes] = mapped_column(LargeBinary)
    #: int64 little-endian: the upper triangle of Σ u uᵀ (read only for intervals)
    moments: Mapped[bytes] = mapped_column(LargeBinary)
