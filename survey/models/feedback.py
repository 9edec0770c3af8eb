"""Feedback items (phản ánh, kiến nghị): real complaints, followed to what the office did about them.

An item is opened by a low score (at or below ``FEEDBACK_SCORE_LEVEL``), by a comment the citizen
marks as a complaint or request, or by an officer turning a comment into one. Other comments are
only read in the comments view: they have no deadline. A citizen who wants an answer may leave a
contact, kept apart in :class:`FeedbackContact` (never with the answers, never exported).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.responses import Response
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Unit
from survey.models.users import User

STATUSES = ("new", "assigned", "answered", "closed")
STATUS_NAMES = {"new": "Mới", "assigned": "Đã giao xử lý", "answered": "Đã có kết quả xử lý", "closed": "Đã đóng"}
#: low_score: an answer at or below the level; complaint: the citizen marked the comment as one;
#: converted: an officer turned a comment into one
KINDS = ("low_score", "complaint", "converted")
KIND_NAMES = {"low_score": "Chấm điểm thấp", "complaint": "Người dân phản ánh, kiến nghị",
              "converted": "Ý kiến được chuyển thành phản ánh"}  # fmt: skip
#: statuses still waiting for the office (the one definition of "overdue" is in survey.figures.derived)
WAITING = ("new", "assigned")


class FeedbackItem(db.Model):
    __tablename__ = "feedback_items"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'assigned', 'answered', 'closed')", name="status_known"),
        CheckConstraint("kind IN ('low_score', 'complaint', 'converted')", name="kind_known"),
        Index("ix_feedback_items_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one item per response at most
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    #: copied from the response so that access control and counts need no join
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: why the item exists: one of KINDS
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the response's comment as the office's pages show it (``survey.services.feedback.shown_comment``):
    #: what the inbox's text search matches, so that it never finds what masking hides
    comment_masked: Mapped[str | None] = mapped_column(Text)
    #: "Kết quả xử lý": what the office did (the citizen is anonymous unless they left a contact)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[Response] = relationship()
    unit: Mapped[Unit] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list[FeedbackEvent]] = relationship(
        back_populates="item", order_by="FeedbackEvent.at", cascade="all, delete-orphan"
    )

    contact: Mapped[FeedbackContact | None] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                          passive_deletes=True)  # fmt: skip

    def is_overdue(self, now: datetime) -> bool:
        """In memory what ``survey.figures.derived.overdue`` says in SQL: past due and still waiting."""
        return self.status in WAITING and self.due_at < now


class FeedbackEvent(db.Model):
    """The audit trail: who did what to a feedback item, and when."""

    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True)
    #: None for what the system did (creating the item)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: created, assigned, answered, closed, reopened
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[FeedbackItem] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class FeedbackContact(db.Model):
    """A phone number or e-mail a citizen left, with consent, to be answered about one item.

    Kept apart from the answers (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): never exported,
    never in the exchange format or the API, shown only to those who handle the item, and
    deleted ``CONTACT_RETENTION_DAYS`` after the item is closed (``flask privacy purge``).
    """

    __tablename__ = "feedback_contacts"
    __table_args__ = (CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    #: when the citizen ticked the consent box (no contact is stored without it)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[FeedbackItem] = relationship(back_populates="contact")
