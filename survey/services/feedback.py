"""Feedback items: every comment and every low score, with an owner, a due date and an audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, case, insert, or_, select

from analysis.profile import load_profile, profile_codes
from survey.extensions import db
from survey.models import FeedbackEvent, FeedbackItem, Response, User
from survey.models.responses import answer_column
from survey.models.types import utcnow
from survey.services.errors import DomainError
from survey.services.text import clean_text
from survey.services.users import can_see_unit

ANSWER_MAX_LENGTH = 4000


def _settings() -> tuple[int, int]:
    return current_app.config["FEEDBACK_SCORE_LEVEL"], current_app.config["FEEDBACK_DUE_DAYS"]


@cache
def _satisfaction_codes() -> tuple[str, ...]:
    return tuple(sorted({c for p in profile_codes() for c in load_profile(p).satisfaction_codes}))


def _low_score(level: int):
    columns = [getattr(Response, answer_column(c)) for c in _satisfaction_codes()]
    return or_(*(and_(col >= 1, col <= level) for col in columns))


def raises_feedback(response: Response) -> bool:
    """Whether a response becomes a feedback item (a comment, or an answer at or below the level).

    Decided in memory, so that storing an ordinary ballot costs no query; ``collect`` applies
    the same rule in SQL.
    """
    level, _ = _settings()
    if response.comment is not None:
        return True
    return any(1 <= (response.answer(c) or 0) <= level for c in _satisfaction_codes())


def _item_row(response_id: int, unit_id: int, kind: str, submitted_at: datetime, now: datetime, due_days: int) -> dict:
    return {"response_id": response_id, "unit_id": unit_id, "kind": kind, "status": "new", "created_at": now,
            "due_at": max(now, submitted_at) + timedelta(days=due_days)}  # fmt: skip


def open_item(response: Response, now: datetime | None = None) -> int:
    """The feedback item of a response just stored, one that ``raises_feedback``; returns its id.

    What ``collect`` does for one response, without looking for it first. Flushes.
    """
    _, due_days = _settings()
    now = now or utcnow()
    kind = "comment" if response.comment is not None else "low_score"
    row = _item_row(response.id, response.unit_id, kind, response.submitted_at, now, due_days)
    item_id = db.session.execute(insert(FeedbackItem).returning(FeedbackItem.id), row).scalar_one()
    db.session.execute(insert(FeedbackEvent), {"item_id": item_id, "actor_id": None, "action": "created", "at": now})
    return item_id


def collect(response_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Create the missing feedback items (for the given responses, or for all). Flushes.

    Idempotent: a response gets one item at most (UNIQUE response_id).
    """
    level, due_days = _settings()
    now = now or utcnow()
    has_comment = Response.comment.is_not(None)
    stmt = (
        select(Response.id, Response.unit_id, case((has_comment, "comment"), else_="low_score"), Response.submitted_at)
        .outerjoin(FeedbackItem, FeedbackItem.response_id == Response.id)
        .where(FeedbackItem.id.is_(None), or_(has_comment, _low_score(level)))
    )
    if response_ids is not None:
        if not response_ids:
            return 0
        stmt = stmt.where(Response.id.in_(response_ids))
    rows = db.session.execute(stmt).all()
    created = 0
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        items = [_item_row(*row, now, due_days) for row in chunk]
        db.session.execute(insert(FeedbackItem), items)
        ids = db.session.execute(
            select(FeedbackItem.id).where(FeedbackItem.response_id.in_([r[0] for r in chunk]))
        ).scalars()
        db.session.execute(insert(FeedbackEvent), [{"item_id": i, "actor_id": None, "action": "created", "at": now}
                                                   for i in ids])  # fmt: skip
        created += len(chunk)
    db.session.flush()
    return created


def _check_access(user: User, item: FeedbackItem) -> None:
    if not can_see_unit(user, item.unit_id):
        raise DomainError("Không có quyền với phản ánh này.")


def _event(item: FeedbackItem, actor: User, action: str, note: str | None = None) -> None:
    item.events.append(FeedbackEvent(actor_id=actor.id, action=action, note=note, at=utcnow()))


def assign(item: FeedbackItem, assignee: User, actor: User, due_at: datetime | None = None) -> None:
    """Give the item to an officer of its unit (reviewers and admins only). Flushes."""
    _check_access(actor, item)
    if not actor.sees_all_units:
        raise DomainError("Chỉ Văn phòng mới giao xử lý phản ánh.")
    if item.status == "closed":
        raise DomainError("Phản ánh đã đóng.")
    if assignee.role != "unit_officer" or not can_see_unit(assignee, item.unit_id) or not assignee.is_active:
        raise DomainError("Chỉ giao cho cán bộ đang hoạt động của đơn vị có phản ánh.")
    item.assignee_id = assignee.id
    item.status = "assigned"
    if due_at is not None:
        item.due_at = due_at
    _event(item, actor, "assigned", f"Giao cho {assignee.display_name}")
    db.session.flush()


def answer(item: FeedbackItem, text: str, actor: User) -> None:
    """Record the answer given to the citizen's feedback (assignee or the office). Flushes."""
    _check_access(actor, item)
    text = clean_text(text)
    if not text:
        raise DomainError("Xin nhập nội dung trả lời.")
    if len(text) > ANSWER_MAX_LENGTH:
        raise DomainError(f"Nội dung trả lời quá dài (tối đa {ANSWER_MAX_LENGTH} ký tự).")
    if item.status == "closed":
        raise DomainError("Phản ánh đã đóng.")
    if not actor.sees_all_units and item.assignee_id != actor.id:
        raise DomainError("Phản ánh này chưa được giao cho Ông/Bà.")
    item.answer_text = text
    item.answered_at = utcnow()
    item.status = "answered"
    _event(item, actor, "answered", text)
    db.session.flush()


def close(item: FeedbackItem, actor: User, note: str | None = None) -> None:
    _check_access(actor, item)
    if not actor.sees_all_units:
        raise DomainError("Chỉ Văn phòng mới đóng phản ánh.")
    if item.status != "answered":
        raise DomainError("Chỉ đóng phản ánh đã được trả lời.")
    item.status = "closed"
    item.closed_at = utcnow()
    _event(item, actor, "closed", clean_text(note))
    db.session.flush()
