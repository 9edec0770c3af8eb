"""Generated reports: a row per unit and period, the files on disk under REPORTS_DIR."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Unit


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("unit_id", "period", name="unit_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None for the district summary across units
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: '2026-03' for a month, '2026-Q1' for a quarter
    period: Mapped[str] = mapped_column(String(10))
    #: folder relative to REPORTS_DIR holding <unit>.docx/.pdf/.xlsx
    path: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()
