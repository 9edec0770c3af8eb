"""What keeps the index honest: reviews of flagged responses, and one-time receipt codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.counters import Counter
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Field, Procedure
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


#: what became of a dossier, as the one-stop system reports it
OUTCOMES = ("returned", "refused", "withdrawn")
OUTCOME_NAMES = {"returned": "Đã trả kết quả", "refused": "Từ chối giải quyết", "withdrawn": "Rút hồ sơ"}


class ReceiptCode(db.Model):
    """A short code printed on the receipt (giấy hẹn trả kết quả) that allows exactly one response.

    It names the counter and field, never the person. A code minted for a dossier through the
    API keeps only a keyed hash of the dossier reference (so the same dossier gets the same
    code, and nothing leads from an answer back to the person), whether it was late, and its outcome.
    """

    __tablename__ = "receipt_codes"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR outcome IN ('returned', 'refused', 'withdrawn')", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set once, when the one response it allows is stored
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"), unique=True)
    #: keyed hash (HMAC-SHA-256) of the dossier reference (mã hồ sơ); never the reference, never exported
    dossier_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    #: the dossier's result came after its due date (None: not told)
    is_late: Mapped[bool | None]
    #: one of OUTCOMES (None: not told)
    outcome: Mapped[str | None] = mapped_column(String(20))
    #: when the result was (or will be) returned, as the one-stop system says
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the API key that minted it; None for printed batches
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    #: the handling officer, when the one-stop system sent their code with the dossier
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))

    counter: Mapped[Counter] = relationship()
    field: Mapped[Field | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
