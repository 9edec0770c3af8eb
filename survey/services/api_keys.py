"""Keys of connected systems: created (shown once), checked on every call, revoked; and the call log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update

from survey.extensions import db
from survey.models import ApiCall, ApiKey, Unit, User
from survey.models.api import SCOPES
from survey.models.types import utcnow
from survey.services.errors import DomainError
from survey.services.text import clean_text
from survey.services.units import subtree_ids

#: every key starts with this, so a leaked one is easy to recognise (and to search for in logs)
KEY_PREFIX = "sipas_"
#: characters of the key kept in clear to tell keys apart on the admin page and in `api-keys revoke`
SHOWN_LENGTH = len(KEY_PREFIX) + 8


def hash_key(key: str) -> str:
    """SHA-256 of the whole key: 256 random bits need no slow hash (nothing to guess)."""
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(raw: str | Iterable[str]) -> list[str]:
    """``receipts,counts`` → ``["receipts", "counts"]`` in SCOPES order; DomainError on an unknown one."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    wanted = {s.strip().lower() for s in items if s and s.strip()}
    unknown = wanted - set(SCOPES)
    if unknown:
        raise DomainError(f"Quyền không hợp lệ: {', '.join(sorted(unknown))} (có: {', '.join(SCOPES)}).")
    if not wanted:
        raise DomainError("Khoá phải có ít nhất một quyền.")
    return [s for s in SCOPES if s in wanted]


def create_key(name: str | None, units: Iterable[Unit], scopes: str | Iterable[str],
               created_by: User | None = None) -> tuple[ApiKey, str]:  # fmt: skip
    """A new key and its secret (the only time the secret exists outside the caller). Flushes."""
    name = clean_text(name)
    if not name or len(name) > 200:
        raise DomainError("Tên hệ thống kết nối không được để trống (tối đa 200 ký tự).")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, key_hash=hash_key(secret), prefix=secret[:SHOWN_LENGTH],
                 scopes=",".join(parse_scopes(scopes)), units=list(units),
                 created_by_id=created_by.id if created_by else None)  # fmt: skip
    db.session.add(key)
    db.session.flush()
    return key, secret


def revoke(key: ApiKey, now: datetime | None = None) -> None:
    """From now on the key gets 401. Flushes."""
    if key.revoked_at is None:
        key.revoked_at = now or utcnow()
        db.session.flush()


def find_by_prefix(shown: str) -> ApiKey | None:
    """The key whose shown beginning is ``shown`` (as printed by ``api-keys create`` and the admin page)."""
    return db.session.scalar(select(ApiKey).where(ApiKey.prefix == shown.strip()[:SHOWN_LENGTH]))


def authenticate(secret: str | None) -> ApiKey | None:
    """The key with this secret, revoked or not (the caller refuses revoked keys); None if unknown."""
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    return db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))


def unit_ids(key: ApiKey) -> set[int] | None:
    """The units a key acts for, each with the units below it; None: every unit."""
    if not key.units:
        return None
    return {uid for unit in key.units for uid in subtree_ids(unit.id)}


def log_call(key_id: int | None, action: str, status: int, now: datetime | None = None) -> None:
    """Record one call and the key's last use. Flushes."""
    now = now or utcnow()
    db.session.add(ApiCall(api_key_id=key_id, action=action[:40], status=status, at=now))
    if key_id is not None:
        db.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now))
    db.session.flush()
