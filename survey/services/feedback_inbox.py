"""The feedback inbox: which items an account sees, filtered, and why each one exists.

"Overdue" is :func:`survey.figures.derived.overdue`, the condition the overview counts with,
so the inbox filtered to the overview's period and units shows the overview's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from analysis.profile import load_profile
from survey.extensions import db
from survey.figures import derived
from survey.figures.periods import VN
from survey.models import FeedbackItem, Response, User
from survey.models.feedback import STATUSES, WAITING
from survey.services.masking import mask_personal
from survey.services.units import subtree_ids
from survey.services.users import visible_unit_ids

#: how much of a comment the list shows
COMMENT_START = 140
#: how many low answers the list names
LOW_SHOWN = 3


@dataclass(frozen=True)
class InboxFilter:
    unit_id: int | None = None
    field_id: int | None = None
    #: a user id, "me" or "none" (not assigned)
    assignee: int | str | None = None
    #: one of STATUSES, or "open" (new or assigned)
    status: str | None = None
    overdue: bool = False
    #: words of the comment as shown (masked), or an item number ("#12" for that number only)
    text: str | None = None
    #: received (created) from / to, Vietnam dates, both included
    received_from: date | None = None
    received_to: date | None = None


def _vn_start(day: date) -> datetime:
    return datetime.combine(day, time(0), VN)


def query(user: User, f: InboxFilter, now: datetime) -> Select:
    """The items ``user`` may see that match ``f`` (no order, no limit)."""
    stmt = select(FeedbackItem).join(Response, FeedbackItem.response_id == Response.id)
    allowed = visible_unit_ids(user)
    if allowed is not None:
        stmt = stmt.where(FeedbackItem.unit_id.in_(allowed))
    if f.unit_id is not None:
        stmt = stmt.where(FeedbackItem.unit_id.in_(subtree_ids(f.unit_id)))
    if f.field_id is not None:
        stmt = stmt.where(Response.field_id == f.field_id)
    if f.assignee == "me":
        stmt = stmt.where(FeedbackItem.assignee_id == user.id)
    elif f.assignee == "none":
        stmt = stmt.where(FeedbackItem.assignee_id.is_(None))
    elif isinstance(f.assignee, int):
        stmt = stmt.where(FeedbackItem.assignee_id == f.assignee)
    if f.status in STATUSES:
        stmt = stmt.where(FeedbackItem.status == f.status)
    elif f.status == "open":
        stmt = stmt.where(FeedbackItem.status.in_(WAITING))
    if f.overdue:
        stmt = stmt.where(derived.overdue(now))
    if f.received_from is not None:
        stmt = stmt.where(FeedbackItem.created_at >= _vn_start(f.received_from))
    if f.received_to is not None:
        stmt = stmt.where(FeedbackItem.created_at < _vn_start(date.fromordinal(f.received_to.toordinal() + 1)))
    text = (f.text or "").strip()
    if text.startswith("#") and text[1:].isdigit() and len(text) < 11:  # "#12": the item of that number
        stmt = stmt.where(FeedbackItem.id == int(text[1:]))
    elif text:
        # the comment as shown (masked): a hidden phone number or name is never found.
        # ilike is case-blind on PostgreSQL; SQLite folds ASCII letters only
        found = FeedbackItem.comment_masked.ilike(f"%{_escape_like(text)}%", escape="\\")
        stmt = stmt.where(or_(found, FeedbackItem.id == int(text)) if text.isdigit() and len(text) < 10 else found)
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def page(user: User, f: InboxFilter, now: datetime, number: int, size: int) -> tuple[list[FeedbackItem], int]:
    """One page of the inbox (overdue first, then by due date) and the count of all matching items."""
    stmt = query(user, f, now)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = db.session.scalars(
        stmt.options(
            selectinload(FeedbackItem.response), selectinload(FeedbackItem.unit), selectinload(FeedbackItem.assignee)
        )  # fmt: skip
        .order_by(FeedbackItem.status.in_(("answered", "closed")), FeedbackItem.due_at, FeedbackItem.id)
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    return list(items), total


def low_answers(response: Response, level: int) -> list[tuple[str, str]]:
    """(question, level words) of the answers at or below ``level``, lowest first."""
    profile = load_profile(response.profile)
    words = dict(profile.scale)
    low = [(response.answer(c), c) for c in profile.satisfaction_codes if 1 <= (response.answer(c) or 0) <= level]
    return [(profile.text_of(c), words[value]) for value, c in sorted(low)]


def low_reason(item: FeedbackItem, level: int) -> str:
    """The low answers in words, as the list shows them (empty for a comment's item)."""
    if item.kind != "low_score":
        return ""
    low = low_answers(item.response, level)
    shown = "; ".join(f"{text}: {words}" for text, words in low[:LOW_SHOWN])
    return shown + (f" (và {len(low) - LOW_SHOWN} tiêu chí khác)" if len(low) > LOW_SHOWN else "")


def comment_start(comment: str | None) -> str:
    """The start of a comment, masked (survey.services.masking), cut at a word."""
    text = mask_personal(comment)
    return text if len(text) <= COMMENT_START else text[:COMMENT_START].rsplit(" ", 1)[0] + " …"
