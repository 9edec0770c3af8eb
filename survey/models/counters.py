"""Counters (quầy / điểm tiếp nhận) and the tokens their QR codes carry."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Field, Unit


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
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    field: Mapped[Field | None] = relationship()

    def __repr__(self) -> str:
        return f"<Counter {self.code}>"
