"""What office accounts did to accounts, counters, units and fields: who, when, what, in plain Vietnamese."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow
from survey.models.users import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the account that acted; None for a command run on the server
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: what was done, as shown to admins ("Đặt lại mật khẩu cho tài khoản chauo")
    summary: Mapped[str] = mapped_column(String(500))

    actor: Mapped[User | None] = relationship()
