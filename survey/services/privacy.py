"""Personal data we keep as little of as possible: keyed hashes, and their purge.

No raw client address and no raw device cookie ever reaches the database or the
rate limiter's store. What is kept instead:

- ``device_hash``: HMAC-SHA256 of the random device-cookie id, keyed with a key
  derived from ``SECRET_KEY``. It links two ballots from one browser (the device
  check) and nothing else; it is purged after ``DEVICE_HASH_RETENTION_DAYS``.
- ``ip_hash``: HMAC-SHA256 of the client address, keyed with a key derived from
  ``SECRET_KEY`` *and the Vietnam date*, so two days' hashes of one address differ.
  It is pseudonymous, not anonymous: whoever holds ``SECRET_KEY`` can test all IPv4
  addresses against one day's hash. Hence the short ``IP_HASH_RETENTION_DAYS``.
- ``dossier_hash``: HMAC-SHA256 of a dossier reference (mã hồ sơ) sent by the one-stop
  system, so that one dossier gets one receipt code. The reference names a person's
  case; it is never stored in clear nor exported. Changing ``SECRET_KEY`` changes the
  hashes: a dossier sent again afterwards gets a new code.

A citizen's contact left for an answer (``feedback_contacts``, survey.services.contacts) is
deleted ``CONTACT_RETENTION_DAYS`` after its feedback item is closed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete, select, update

from survey.extensions import db
from survey.figures.cells import release
from survey.figures.periods import VN
from survey.models import FeedbackContact, FeedbackItem, ReceiptCode, Response
from survey.models.types import utcnow


@lru_cache(maxsize=64)
def _derived_key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), b"sipas-survey/" + purpose.encode(), hashlib.sha256).digest()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under a key derived from ``SECRET_KEY`` for ``purpose`` (64 hex characters)."""
    key = _derived_key(str(current_app.config["SECRET_KEY"]), purpose)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def device_hash(device_id: str) -> str:
    """The keyed hash of a device-cookie id (64 hex characters)."""
    return keyed_hash("device", device_id)


def dossier_hash(reference: str) -> str:
    """The keyed hash of a dossier reference, as the one-stop system writes it (64 hex characters)."""
    return keyed_hash("dossier", reference)


def vietnam_day(instant: datetime | None = None) -> date:
    return (instant or utcnow()).astimezone(VN).date()


def ip_hash(address: str, day: date | None = None) -> str:
    """The keyed hash of a client address under the key of ``day`` (Vietnam date; today by default)."""
    return keyed_hash(f"ip/{(day or vietnam_day()).isoformat()}", address)


@dataclass(frozen=True)
class PurgeResult:
    ip_hashes: int
    device_hashes: int
    responses: int
    contacts: int = 0


def purge(now: datetime | None = None, *, ip_days: int | None = None, device_days: int | None = None,
          response_days: int | None = None, contact_days: int | None = None) -> PurgeResult:  # fmt: skip
    """Clear hashes older than their retention, and delete old responses if a retention is set.

    The day counts default to the configured retentions (``IP_HASH_RETENTION_DAYS``,
    ``DEVICE_HASH_RETENTION_DAYS``, ``RESPONSE_RETENTION_DAYS``, ``CONTACT_RETENTION_DAYS``;
    responses are kept by default). Contacts go when their item was closed more than
    ``contact_days`` ago. Flushes; the caller commits.
    """
    config = current_app.config
    now = now or utcnow()
    ip_days = config["IP_HASH_RETENTION_DAYS"] if ip_days is None else ip_days
    device_days = config["DEVICE_HASH_RETENTION_DAYS"] if device_days is None else device_days
    response_days = config["RESPONSE_RETENTION_DAYS"] if response_days is None else response_days
    contact_days = config["CONTACT_RETENTION_DAYS"] if contact_days is None else contact_days
    for name, value in (("ip_days", ip_days), ("device_days", device_days), ("response_days", response_days),
                        ("contact_days", contact_days)):  # fmt: skip
        if value is not None and value < 0:
            raise ValueError(f"{name} must be 0 or more, got {value}")

    cleared_ip = db.session.execute(
        update(Response)
        .where(Response.ip_hash.is_not(None), Response.received_at < now - timedelta(days=ip_days))
        .values(ip_hash=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    cleared_device = db.session.execute(
        update(Response)
        .where(Response.device_hash.is_not(None), Response.received_at < now - timedelta(days=device_days))
        .values(device_hash=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    closed_long_ago = select(FeedbackItem.id).where(
        FeedbackItem.status == "closed", FeedbackItem.closed_at < now - timedelta(days=contact_days)
    )
    contacts = db.session.execute(
        delete(FeedbackContact)
        .where(FeedbackContact.item_id.in_(closed_long_ago))
        .execution_options(synchronize_session=False)
    ).rowcount
    deleted = 0
    if response_days is not None:
        old = select(Response.id).where(Response.submitted_at < now - timedelta(days=response_days))
        # A used receipt code points at its response without ON DELETE CASCADE; it is spent anyway.
        db.session.execute(delete(ReceiptCode).where(ReceiptCode.response_id.in_(old)))
        release(db.session.scalars(old).all())  # folded ballots leave their figure cells first
        deleted = db.session.execute(
            delete(Response).where(Response.id.in_(old)).execution_options(synchronize_session=False)
        ).rowcount
    db.session.flush()
    return PurgeResult(ip_hashes=cleared_ip, device_hashes=cleared_device, responses=deleted, contacts=contacts)
