"""The record of what office accounts changed: one row a change, and one line in the log.

Every management service calls :func:`record` with the acting account and a sentence in
plain Vietnamese; the row lands in the same transaction as the change, so a change rolled
back leaves no entry, and an entry always means the change was committed. The same
sentence goes to the ``survey.audit`` logger (who and what), for the server's log.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, User
from survey.services.text import clean_text

log = logging.getLogger("survey.audit")

#: how many entries the admins' page lists
PAGE_SIZE = 200


def record(actor: User | None, summary: str) -> AuditEntry:
    """Keep that ``actor`` did ``summary`` (Vietnamese, no internal code). Flushes."""
    text = clean_text(summary, 500) or "—"
    entry = AuditEntry(actor_id=actor.id if actor is not None else None, summary=text)
    db.session.add(entry)
    db.session.flush()
    log.info("%s (id %s): %s", actor.username if actor is not None else "máy chủ", getattr(actor, "id", None), text)
    return entry


def latest(limit: int = PAGE_SIZE) -> list[AuditEntry]:
    """The last ``limit`` entries, newest first."""
    return list(
        db.session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    )
