"""One-time receipt codes: printed on the receipt slip, each allows exactly one response.

A code names a counter (and maybe a field), never the person or the dossier. It is
8 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L): 31⁸ ≈
8.5·10¹¹ codes (39.6 bits). With 10 000 live codes a guess hits with probability
about 1.2·10⁻⁸, and unknown codes are rate limited per client address
(``RATELIMIT_RECEIPT_MISS``) and expire (``RECEIPT_VALID_DAYS``), so guessing is no
way to stuff the index.

Using a code is atomic: the response is inserted, then a conditional
``UPDATE … SET used_at, response_id WHERE id = … AND used_at IS NULL`` claims the
code in the same transaction. Of two concurrent submits only one UPDATE matches
(PostgreSQL re-checks the row after the first commits; SQLite serialises writers),
the other rolls back; ``response_id`` is UNIQUE as a second guard.

A code minted through the API for a dossier (:func:`for_dossier`) keeps only the keyed
hash of the dossier reference, UNIQUE, so a retry or a resend finds the code made the
first time instead of making a second one.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import Counter, Field, Procedure, ReceiptCode, Response
from survey.models.trust import OUTCOMES
from survey.models.types import utcnow
from survey.services.errors import DomainError, InvalidSubmission
from survey.services.privacy import dossier_hash
from survey.services.responses import Ballot, existing_response, submit_response

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
#: what a citizen may type around the code: spaces, dashes, dots
_SEPARATORS = re.compile(r"[\s\-.·_]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
#: most codes one command prints (a sheet of 24 slips per A4 page)
MAX_ISSUE = 5000


class ReceiptUnavailable(DomainError):
    """The code was used already, or has expired; ``state`` says which."""

    def __init__(self, state: str):
        self.state = state
        super().__init__("Mã đánh giá đã được sử dụng." if state == "used" else "Mã đánh giá đã hết hạn.")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(raw: str | None) -> str | None:
    """The code as stored (upper case, no separators), or None if it cannot be one."""
    if not raw or len(raw) > 40:
        return None
    code = _SEPARATORS.sub("", raw).upper()
    return code if _VALID.match(code) else None


def display(code: str) -> str:
    """``ABCD-EFGH``: easier to read aloud and to type."""
    return f"{code[:4]}-{code[4:]}"


def issue(counter: Counter, count: int, *, field: Field | None = None, valid_days: int | None = 90,
          now: datetime | None = None) -> list[ReceiptCode]:  # fmt: skip
    """Create ``count`` fresh codes for a counter (and field). Flushes; the caller commits."""
    if not 1 <= count <= MAX_ISSUE:
        raise DomainError(f"Số mã phải từ 1 đến {MAX_ISSUE}.")
    if field is None:
        field = counter.field
    elif counter.field_id is not None and field.id != counter.field_id:
        raise DomainError(f"Quầy {counter.code} chỉ tiếp nhận lĩnh vực {counter.field.code}.")
    elif field.id not in {f.id for f in counter.offered}:
        raise DomainError(f"Đơn vị {counter.unit.code} không giải quyết lĩnh vực {field.code}.")
    now = now or utcnow()
    expires_at = now + timedelta(days=valid_days) if valid_days else None
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {new_code() for _ in range(count - len(codes))}
        taken = set(db.session.scalars(select(ReceiptCode.code).where(ReceiptCode.code.in_(wanted))))
        codes |= wanted - taken
    receipts = [ReceiptCode(code=code, counter_id=counter.id, field_id=field.id if field else None, created_at=now,
                            expires_at=expires_at) for code in sorted(codes)]  # fmt: skip
    db.session.add_all(receipts)
    db.session.flush()
    return receipts


#: longest dossier reference accepted (references of the national one-stop systems are ~25 characters)
MAX_REFERENCE = 100


def dossier_reference(raw: str | None) -> str:
    """The reference as hashed: NFC, no surrounding or inner spaces, upper case; DomainError when unusable."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFC", raw or "")).upper()
    if not text or len(text) > MAX_REFERENCE or not text.isprintable():
        raise DomainError(f"Mã hồ sơ không hợp lệ (1 đến {MAX_REFERENCE} ký tự in được).")
    return text


def for_dossier(counter: Counter, field: Field | None, reference: str, *, procedure: Procedure | None = None,
                is_late: bool | None = None, outcome: str | None = None, returned_at: datetime | None = None,
                api_key_id: int | None = None, valid_days: int | None = 90,
                now: datetime | None = None, officer_id: int | None = None) -> tuple[ReceiptCode, bool]:  # fmt: skip
    """The one code of a dossier, and whether it was made now. Flushes; the caller commits.

    A dossier seen before gets its code back (with ``is_late``, ``outcome`` and ``returned_at``
    updated when given: the one-stop system may mint the code at reception and tell the
    outcome at return). The code's validity runs from the return of the result when given.
    ``officer_id``: the handling officer, when the one-stop system names them (kept when sent again without).
    """
    digest = dossier_hash(dossier_reference(reference))
    if outcome is not None and outcome not in OUTCOMES:
        raise DomainError(f"Kết quả hồ sơ không hợp lệ: {outcome} (có: {', '.join(OUTCOMES)}).")
    existing = db.session.scalar(select(ReceiptCode).where(ReceiptCode.dossier_hash == digest))
    if existing is None:
        if procedure is not None and (field is None or procedure.field_id != field.id):
            raise DomainError(f"Thủ tục {procedure.code} không thuộc lĩnh vực đã gửi.")
        now = now or utcnow()
        start = max(now, returned_at) if returned_at else now
        try:
            with db.session.begin_nested():
                receipt = issue(counter, 1, field=field, valid_days=valid_days, now=now)[0]
                receipt.dossier_hash = digest
                receipt.procedure_id = procedure.id if procedure else None
                receipt.api_key_id = api_key_id
                receipt.officer_id = officer_id
                receipt.expires_at = start + timedelta(days=valid_days) if valid_days else None
                _describe(receipt, is_late, outcome, returned_at)
                db.session.flush()
            return receipt, True
        except IntegrityError:  # the same dossier sent twice at once: the other request made its code
            existing = db.session.scalar(select(ReceiptCode).where(ReceiptCode.dossier_hash == digest))
            if existing is None:
                raise
    _describe(existing, is_late, outcome, returned_at)
    if officer_id is not None:
        existing.officer_id = officer_id
    db.session.flush()
    return existing, False


def _describe(receipt: ReceiptCode, is_late: bool | None, outcome: str | None, returned_at: datetime | None) -> None:
    if is_late is not None:
        receipt.is_late = is_late
    if outcome is not None:
        receipt.outcome = outcome
    if returned_at is not None:
        receipt.returned_at = returned_at


def find(raw: str | None) -> ReceiptCode | None:
    code = normalise(raw)
    if code is None:
        return None
    return db.session.scalar(select(ReceiptCode).where(ReceiptCode.code == code))


def state(receipt: ReceiptCode, now: datetime | None = None) -> str:
    """``open``, ``used`` or ``expired``."""
    if receipt.used_at is not None:
        return "used"
    if receipt.expires_at is not None and receipt.expires_at <= (now or utcnow()):
        return "expired"
    return "open"


def submit(receipt: ReceiptCode, ballot: Ballot) -> tuple[Response, bool]:
    """Store the one response a code allows and mark the code used, atomically. Flushes.

    A retry of the same ballot (same key) returns the stored response. Raises
    ReceiptUnavailable when the code is used (also by a concurrent submit) or expired.
    """
    found = existing_response(ballot.key)
    if found is not None:
        return found, False
    now = utcnow()
    current = state(receipt, now)
    if current != "open":
        raise ReceiptUnavailable(current)
    counter = receipt.counter
    if receipt.field_id is not None:
        ballot.field_id = receipt.field_id
    if receipt.procedure_id is not None:  # the dossier's procedure, known: the citizen is not asked
        ballot.procedure_id = receipt.procedure_id
    ballot.receipt_officer_id = receipt.officer_id
    if ballot.field_id is None:
        raise InvalidSubmission("Xin vui lòng chọn lĩnh vực thủ tục Ông/Bà vừa thực hiện.")
    response, created = submit_response(counter, ballot, via_receipt=True)
    if not created:  # the same key raced in between: it is that ballot
        return response, False
    claimed = db.session.execute(
        update(ReceiptCode)
        .where(
            ReceiptCode.id == receipt.id,
            ReceiptCode.used_at.is_(None),
            or_(ReceiptCode.expires_at.is_(None), ReceiptCode.expires_at > now),
        )  # fmt: skip
        .values(used_at=now, response_id=response.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ReceiptUnavailable("used")
    db.session.flush()
    return response, True
