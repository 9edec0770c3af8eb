"""What connects the one-stop information system: API keys, their call log, and dossier counts.

A key is a random secret shown once; only its SHA-256 is kept (it has 256 bits of
entropy, so a slow password hash would add nothing but latency to every call).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Field, Procedure, Unit

#: what a key may do: mint receipt codes, send dossier counts, read indices
SCOPES = ("receipts", "counts", "read")
SCOPE_NAMES = {"receipts": "Cấp mã đánh giá theo hồ sơ", "counts": "Gửi số hồ sơ", "read": "Đọc chỉ số"}

#: the units a key acts for (each with the units below it); none = every unit
api_key_units = Table(
    "api_key_units",
    db.metadata,
    Column("api_key_id", Integer, ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class ApiKey(db.Model):
    """A key of one connected system (a one-stop information system, a provincial portal)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: hex SHA-256 of the whole key; the key itself is never stored
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the key's first characters, shown on the admin page to tell keys apart
    prefix: Mapped[str] = mapped_column(String(16))
    #: comma-separated subset of SCOPES
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: set once; a revoked key gets 401 from then on
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    units: Mapped[list[Unit]] = relationship(secondary=api_key_units, order_by="Unit.code")

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiKey {self.prefix} {self.name!r}>"


class ApiCall(db.Model):
    """One call of the API: which key, which action, what status (never the body)."""

    __tablename__ = "api_calls"
    __table_args__ = (Index("ix_api_calls_key_at", "api_key_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None when no valid key was given
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    #: the endpoint, e.g. receipts, dossier-counts, indices
    action: Mapped[str] = mapped_column(String(40))
    status: Mapped[int] = mapped_column(SmallInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DossierCount(db.Model):
    """Dossiers (hồ sơ) a unit handled in one field (and procedure) and month, from the one-stop system.

    One row per cell: a resend of a cell replaces it, never adds to it.
    """

    __tablename__ = "dossier_counts"
    __table_args__ = (
        CheckConstraint("received >= 0 AND returned >= 0 AND returned_late >= 0", name="not_negative"),
        CheckConstraint("returned_late <= returned", name="late_within_returned"),
        CheckConstraint("month % 100 BETWEEN 1 AND 12", name="month_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: cell_key(unit, field, procedure, month): UNIQUE, since NULL procedures never collide in a UNIQUE
    #: constraint (and an expression index cannot be compared by the migration test on SQLite)
    cell: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    #: None: the field as a whole
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    #: YYYYMM in Vietnam time
    month: Mapped[int] = mapped_column(Integer, index=True)
    received: Mapped[int] = mapped_column(Integer)
    #: results returned to the citizen in the month (the population a response rate divides by)
    returned: Mapped[int] = mapped_column(Integer)
    #: of ``returned``, those returned after the due date
    returned_late: Mapped[int] = mapped_column(Integer)
    #: the key that sent the cell last; None when it came from a spreadsheet import
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    field: Mapped[Field] = relationship()
    procedure: Mapped[Procedure | None] = relationship()


def cell_key(unit_id: int, field_id: int, procedure_id: int | None, month: int) -> str:
    """``unit:field:procedure:month``, 0 for no procedure: what makes a cell unique."""
    return f"{unit_id}:{field_id}:{procedure_id or 0}:{month}"
