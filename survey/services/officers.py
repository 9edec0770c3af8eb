"""Who served: officer records, their personal placards, the roster, and a response's attribution.

A response's officer comes from the most direct evidence there is, in this order:

1. ``placard``: the citizen scanned the officer's personal QR placard at their desk;
2. ``receipt``: the dossier-linked receipt code carried the handling officer's code,
   sent by the one-stop system (``POST /api/v1/receipts`` with ``officer_code``);
3. ``roster``: exactly one officer staffed that counter on that (Vietnam) day. Two officers
   on one counter on one day leave the response unattributed rather than guessed.

The citizen never sees who was recorded; the officer's name never leaves this database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from sqlalchemy import select

from survey.extensions import db
from survey.figures.periods import VN
from survey.models import Counter, Officer, Unit
from survey.models.types import utcnow
from survey.services.counters import on_duty
from survey.services.errors import DomainError
from survey.services.text import clean_text

#: a pseudonymous staff code: letters, digits, dot, dash, underscore; never a name
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


def normalise_code(raw: object) -> str:
    """The code as stored (NFC, trimmed, upper case); DomainError when it is not a code."""
    text = unicodedata.normalize("NFC", str(raw or "")).strip().upper()
    if not CODE_PATTERN.fullmatch(text):
        raise DomainError(
            "Mã công chức không hợp lệ (1 đến 32 ký tự: chữ không dấu, số, dấu chấm, gạch ngang; không ghi họ tên)."
        )
    return text


def by_code(code: str) -> Officer | None:
    return db.session.scalar(select(Officer).where(Officer.code == code))


def vietnam_day(instant: datetime | None = None) -> date:
    return (instant or utcnow()).astimezone(VN).date()


def create(code: str, name: str, unit: Unit, *, counter: Counter | None = None,
           active_from: date | None = None, active_to: date | None = None) -> Officer:  # fmt: skip
    """A new officer record. Flushes; the caller commits."""
    code = normalise_code(code)
    name = clean_text(name)
    if not name:
        raise DomainError("Họ tên công chức không được để trống.")
    if by_code(code) is not None:
        raise DomainError(f"Mã công chức {code} đã có.")
    if counter is not None and counter.unit_id != unit.id:
        raise DomainError(f"Quầy {counter.code} không thuộc đơn vị {unit.name}.")
    start = active_from or vietnam_day()
    if active_to is not None and active_to < start:
        raise DomainError("Ngày thôi phục vụ phải sau ngày bắt đầu.")
    officer = Officer(code=code, name=name[:200], unit_id=unit.id, counter_id=counter.id if counter else None,
                      active_from=start, active_to=active_to)  # fmt: skip
    db.session.add(officer)
    db.session.flush()
    return officer


def from_placard(token: str) -> Officer | None:
    """The officer whose personal placard carries ``token``, if serving today at an active counter."""
    officer = db.session.scalar(select(Officer).where(Officer.placard_token == token))
    if officer is None or officer.counter is None or not officer.counter.is_active:
        return None
    return officer if officer.serves_on(vietnam_day()) else None


def for_receipt(unit_ids: set[int] | None, code: str) -> Officer:
    """The handling officer a one-stop system names for a dossier, within the units it may act for."""
    officer = by_code(normalise_code(code))
    if officer is None or (unit_ids is not None and officer.unit_id not in unit_ids):
        raise DomainError(f"Không có công chức mã {code} trong các đơn vị được phép.")
    return officer


def attribute(counter_id: int | None, submitted_at: datetime, *, placard_officer_id: int | None = None,
              receipt_officer_id: int | None = None) -> tuple[int | None, str | None]:  # fmt: skip
    """``(officer_id, source)`` for a response, by the precedence in this module's docstring."""
    if placard_officer_id is not None:
        return placard_officer_id, "placard"
    if receipt_officer_id is not None:
        return receipt_officer_id, "receipt"
    if counter_id is None:
        return None, None
    staffed = on_duty(counter_id, vietnam_day(submitted_at))
    if len(staffed) == 1:
        return staffed[0], "roster"
    return None, None


def link_account(user, officer: Officer) -> None:
    """Make ``user`` the officer's own account: it then sees that officer's results and no one else's. Flushes."""
    if user.role != "unit_officer" or user.unit_id != officer.unit_id:
        raise DomainError("Tài khoản của công chức phải là tài khoản cán bộ của đúng đơn vị công chức đó.")
    user.officer_id = officer.id
    db.session.flush()
