"""Feedback items: real complaints (low scores, comments marked or turned into one), with an owner,
a due date and an audit trail. Other comments are read in the comments view, without a deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, insert, or_, select

from analysis.profile import load_profile, profile_codes
from survey.extensions import db
from survey.models import FeedbackContact, FeedbackEvent, FeedbackItem, Response, User
from survey.models.responses import answer_column
from survey.models.types import utcnow
from survey.services.contacts import Contact
from survey.services.errors import DomainError
from survey.services.masking import mask_personal
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


def raises_feedback(response: Response, complaint: bool = False) -> bool:
    """Whether a response just stored opens a feedback item: a comment the citizen marked as a
    complaint (``complaint``), or a satisfaction answer at or below ``FEEDBACK_SCORE_LEVEL``.

    Decided in memory, so that storing an ordinary ballot costs no query; ``collect`` applies
    the low-score rule in SQL (a citizen's mark exists only when the ballot is sent).
    """
    if complaint and response.comment is not None:
        return True
    level = current_app.config["FEEDBACK_SCORE_LEVEL"]
    return any(1 <= (response.answer(c) or 0) <= level for c in _satisfaction_codes())


def shown_comment(comment: str | None) -> str | None:
    """A comment as the office sees it (masked), stored with its item for the inbox search."""
    return None if comment is None else mask_personal(comment)


def _item_row(response_id: int, unit_id: int, kind: str, submitted_at: datetime, now: datetime, due_days: int,
              comment: str | None) -> dict:  # fmt: skip
    return {"response_id": response_id, "unit_id": unit_id, "kind": kind, "status": "new", "created_at": now,
            "due_at": max(now, submitted_at) + timedelta(days=due_days), "comment_masked": shown_comment(comment)}  # fmt: skip


def open_item(response: Response, now: datetime | None = None, *, complaint: bool = False,
              contact: Contact | None = None) -> int:  # fmt: skip
    """The feedback item of a response just stored, one that ``raises_feedback``; returns its id.

    What ``collect`` does for one response, without looking for it first: two INSERTs (three
    with a contact). Flushes.
    """
    _, due_days = _settings()
    now = now or utcnow()
    kind = "complaint" if complaint and response.comment is not None else "low_score"
    row = _item_row(response.id, response.unit_id, kind, response.submitted_at, now, due_days, response.comment)
    item_id = db.session.execute(insert(FeedbackItem).returning(FeedbackItem.id), row).scalar_one()
    db.session.execute(insert(FeedbackEvent), {"item_id": item_id, "actor_id": None, "action": "created", "at": now})
    if contact is not None:
        db.session.execute(insert(FeedbackContact), {"item_id": item_id, "phone": contact.phone,
                                                     "email": contact.email, "consented_at": now})  # fmt: skip
    return item_id


def collect(response_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Create the missing low-score items (for the given responses, or for all). Flushes.

    Idempotent: a response gets one item at most (UNIQUE response_id). Comments open no item
    here: only the citizen (when sending) or an officer (:func:`convert`) makes one a complaint.
    """
    level, due_days = _settings()
    now = now or utcnow()
    stmt = (
        select(Response.id, Response.unit_id, Response.submitted_at, Response.comment)
        .outerjoin(FeedbackItem, FeedbackItem.response_id == Response.id)
        .where(FeedbackItem.id.is_(None), _low_score(level))
    )
    if response_ids is not None:
        if not response_ids:
            return 0
        stmt = stmt.where(Response.id.in_(response_ids))
    rows = db.session.execute(stmt).all()
    created = 0
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        items = [_item_row(rid, unit_id, "low_score", at, now, due_days, comment)
                 for rid, unit_id, at, comment in chunk]  # fmt: skip
        db.session.execute(insert(FeedbackItem), items)
        ids = db.session.execute(
            select(FeedbackItem.id).where(FeedbackItem.response_id.in_([r[0] for r in chunk]))
        ).scalars()
        db.session.execute(insert(FeedbackEvent), [{"item_id": i, "actor_id": None, "action": "created", "at": now}
                                                   for i in ids])  # fmt: skip
        created += len(chunk)
    db.session.flush()
    return created


def convert(response: Response, actor: User, now: datetime | None = None) -> FeedbackItem:
    """Turn a comment into a complaint ("Chuyển thành phản ánh"): an item due in FEEDBACK_DUE_DAYS. Flushes."""
    if not can_see_unit(actor, response.unit_id):
        raise DomainError("Không có quyền với ý kiến này.")
    if response.comment is None:
        raise DomainError("Phiếu này không có ý kiến để chuyển thành phản ánh.")
    if db.session.scalar(select(FeedbackItem.id).where(FeedbackItem.response_id == response.id)) is not None:
        raise DomainError("Ý kiến này đã là một phản ánh.")
    now = now or utcnow()
    _, due_days = _settings()
    item = FeedbackItem(response_id=response.id, unit_id=response.unit_id, kind="converted", status="new",
                        created_at=now, due_at=now + timedelta(days=due_days),
                        comment_masked=shown_comment(response.comment))  # fmt: skip
    item.events.append(FeedbackEvent(actor_id=actor.id, action="converted", note=None, at=now))
    db.session.add(item)
    db.session.flush()
    return item


def _check_access(user: User, item: FeedbackItem) -> None:
    if not can_see_unit(user, item.unit_id):
        raise DomainError("Không có quyền với phản ánh này.")


def _event(item: FeedbackItem, actor: User, action: str, note: str | None = None) -> None:
    item.events.append(FeedbackEvent(actor_id=actor.id, action=action, note=note, at=utcnow()))


def assign(item: FeedbackItem, assignee: User, actor: User, due_at: datetime | None = None) -> None:
    """Give the item to an officer of its unit. Flushes.

    The office (reviewers, admins) gives it to any active officer of the unit; an officer of
    the unit may only take it themselves ("Giao cho tôi").
    """
    _check_access(actor, item)
    if not actor.sees_all_units and assignee.id != actor.id:
        raise DomainError("Cán bộ đơn vị chỉ nhận phản ánh về mình; Văn phòng giao cho người khác.")
    if item.status == "closed":
        raise DomainError(f"Phản ánh số {item.id} đã đóng.")
    if assignee.role != "unit_officer" or not can_see_unit(assignee, item.unit_id) or not assignee.is_active:
        raise DomainError("Chỉ giao cho cán bộ đang hoạt động của đơn vị có phản ánh.")
    if item.assignee_id == assignee.id and item.status == "assigned":
        return
    item.assignee_id = assignee.id
    if item.status == "new":
        item.status = "assigned"
    if due_at is not None:
        item.due_at = due_at
    _event(item, actor, "assigned", f"Giao cho {assignee.display_name}")
    db.session.flush()


def _result_text(text: str | None) -> str:
    text = clean_text(text) or ""
    if not text:
        raise DomainError("Xin ghi kết quả xử lý.")
    if len(text) > ANSWER_MAX_LENGTH:
        raise DomainError(f"Kết quả xử lý quá dài (tối đa {ANSWER_MAX_LENGTH} ký tự).")
    return text


def answer(item: FeedbackItem, text: str, actor: User) -> None:
    """Record what the office did about the item ("Kết quả xử lý"; assignee or the office). Flushes."""
    _check_access(actor, item)
    text = _result_text(text)
    if item.status == "closed":
        raise DomainError(f"Phản ánh số {item.id} đã đóng.")
    if not actor.sees_all_units and item.assignee_id != actor.id:
        raise DomainError("Phản ánh này chưa được giao cho Ông/Bà.")
    item.answer_text = text
    item.answered_at = utcnow()
    item.status = "answered"
    _event(item, actor, "answered", text)
    db.session.flush()


def close(item: FeedbackItem, actor: User, note: str | None = None, result: str | None = None) -> None:
    """Close an item (the office only). One without a result gets ``result`` recorded first. Flushes."""
    _check_access(actor, item)
    if not actor.sees_all_units:
        raise DomainError("Chỉ Văn phòng mới đóng phản ánh.")
    if item.status == "closed":
        raise DomainError(f"Phản ánh số {item.id} đã đóng.")
    if item.status != "answered":
        if not (clean_text(result) or ""):
            raise DomainError(f"Phản ánh số {item.id} chưa có kết quả xử lý: xin ghi kết quả trước khi đóng.")
        answer(item, result, actor)
    item.status = "closed"
    item.closed_at = utcnow()
    _event(item, actor, "closed", clean_text(note))
    db.session.flush()


def assign_many(items: Sequence[FeedbackItem], assignee: User, actor: User) -> None:
    """:func:`assign` each item; the first refusal stops them all (the caller rolls back). Flushes."""
    if not items:
        raise DomainError("Xin chọn ít nhất một phản ánh.")
    for item in items:
        assign(item, assignee, actor)


def close_many(items: Sequence[FeedbackItem], actor: User, result: str | None = None) -> None:
    """:func:`close` each item, recording ``result`` on those without one; all or none. Flushes."""
    if not items:
        raise DomainError("Xin chọn ít nhất một phản ánh.")
    for item in items:
        close(item, actor, result=result)
