"""Counters and their QR tokens."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter
from survey.models.counters import new_token
from survey.models.types import utcnow


def active_counter(token: str) -> Counter | None:
    """The active counter a QR token opens, or None for an unknown or revoked token."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Counter).where(Counter.token == token, Counter.is_active.is_(True)))


def survey_url(counter: Counter, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/s/{counter.token}"


def revoke(counter: Counter) -> None:
    """Printed QR codes of this counter stop working at once."""
    counter.is_active = False
    counter.revoked_at = utcnow()
    db.session.flush()


def regenerate_token(counter: Counter) -> str:
    """A new token for the counter (e.g. after a poster was misused); old posters stop working."""
    counter.token = new_token()
    counter.is_active = True
    counter.revoked_at = None
    db.session.flush()
    return counter.token
