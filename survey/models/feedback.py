"""Feedback items (phản ánh, kiến nghị): every comment and every low score, followed to its answer."""

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
STATUS_NAMES = {"new": "Mới", "assigned": "Đã giao xử lý", "answered": "Đã trả lời", "closed": "Đã đóng"}
KINDS = ("comment", "low_score")


class FeedbackItem(db.Model):
    __tablename__ = "feedback_items"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'assigned', 'answered', 'closed')", name="status_known"),
        CheckConstraint("kind IN ('comment', 'low_score')", name="kind_known"),
        Index("ix_feedback_items_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one item per response at most
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    #: copied from the response so that access control and counts need no join
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: comment: the citizen wrote something; low_score: an item at or below the alert level
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[Response] = relationship()
    unit: Mapped[Unit] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list[FeedbackEvent]] = relationship(
        back_populates="item", order_by="FeedbackEvent.at", cascade="all, delete-orphan"
    )

    def is_overdue(self, now: datetime) -> bool:
        return self.status in ("new", "assigned") and self.due_at < now


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
