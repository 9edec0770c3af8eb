"""Counters (quầy / điểm tiếp nhận) and the tokens their QR codes carry."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Field, Unit

#: the fields a counter's form offers, when it offers some of its unit's fields (not one, not all)
counter_fields = Table(
    "counter_fields",
    db.metadata,
    Column("counter_id", Integer, ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", Integer, ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True),
)


def new_token() -> str:
    """An unguessable URL-safe token (128 bits)."""
    return secrets.token_urlsafe(16)


class Counter(db.Model):
    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: what the QR link carries; regenerating it invalidates printed posters
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: when set, the QR fixes the procedure field and the form does not ask it
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"))
    #: what the kiosk tablet's URL carries (/k/<token>); None: no kiosk; revoking clears it
    kiosk_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    field: Mapped[Field | None] = relationship()
    #: when field_id is unset: the fields the form offers (none listed: every field of the unit)
    fields: Mapped[list[Field]] = relationship(secondary=counter_fields, order_by="Field.sort_order")

    @property
    def offered(self) -> list[Field]:
        """The fields a citizen may choose at this counter, in the unit's order."""
        if self.field is not None:
            return [self.field]
        chosen = {f.id for f in self.fields}
        return [f for f in self.unit.fields if not chosen or f.id in chosen]

    def __repr__(self) -> str:
        return f"<Counter {self.code}>"
