"""What keeps the index honest: reviews of flagged responses, and one-time receipt codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.counters import Counter
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Field
from survey.models.users import User


class ResponseReview(db.Model):
    """A reviewer's decision on a flagged response: confirm the exclusion, or restore it."""

    __tablename__ = "response_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: confirmed (stays excluded) or restored (counted again)
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User] = relationship()


class ReceiptCode(db.Model):
    """A short code printed on the receipt (giấy hẹn trả kết quả) that allows exactly one response.

    It names the counter and field, never the person or the dossier.
    """

    __tablename__ = "receipt_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set once, when the one response it allows is stored
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"), unique=True)

    counter: Mapped[Counter] = relationship()
    field: Mapped[Field | None] = relationship()
