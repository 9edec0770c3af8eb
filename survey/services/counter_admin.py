"""Managing counters: create, revoke or renew their QR and kiosk links, choose their fields, issue receipt codes.

The citizen's side of a counter (its cached view, its tokens) is survey.services.counters;
this module is the admin's: each function checks the rule, changes the rows, flushes, and
writes who did what to the audit log. The caller commits once.
"""

from __future__ import annotations

from survey.models import Counter, Field, ReceiptCode, ServicePoint, Unit, User
from survey.services import audit
from survey.services import counters as counter_service
from survey.services import receipts as receipt_service
from survey.services.errors import DomainError
from survey.services.text import clean_text
from survey.services.unique import add_unique

#: most receipt codes one download from the counter's page holds (20 A4 pages of 24 slips)
MAX_ISSUE_ONLINE = 480


def create_counter(code: str, name: str, unit: Unit, field: Field | None, *, actor: User,
                   point: ServicePoint | None = None) -> Counter:  # fmt: skip
    """A new counter of ``unit`` (with a fixed field, or asking the citizen) at ``point``, one of the unit's open
    service points (None: the unit's centre). Flushes."""
    code = clean_text(code, 64) or ""
    name = clean_text(name, 200)
    if not code or not name:
        raise DomainError("Xin nhập mã và tên quầy.")
    if point is not None and point.unit_id != unit.id:
        raise DomainError(f"{point.full_name} không thuộc {unit.name}: xin chọn điểm phục vụ của đơn vị đó.")
    if point is not None and point.valid_to is not None:
        raise DomainError(f"{point.full_name} đã đóng: xin chọn một điểm đang tiếp nhận.")
    counter = add_unique(Counter(code=code, name=name, unit_id=unit.id, field_id=field.id if field else None,
                                 service_point_id=point.id if point else None), f"Mã quầy {code} đã có.")  # fmt: skip
    where = f" tại {point.full_name}" if point is not None else ""
    audit.record(actor, f"Tạo quầy {code} ({name}) của {unit.name}{where}")
    return counter


def revoke(counter: Counter, *, actor: User) -> None:
    """The counter's printed posters and QR codes stop working. Flushes."""
    if not counter.is_active:
        raise DomainError(f"Mã QR của quầy {counter.code} đã được thu hồi trước đó.")
    counter_service.revoke(counter)
    audit.record(actor, f"Thu hồi mã QR của quầy {counter.code} (áp phích đã in hết hiệu lực)")


def regenerate(counter: Counter, *, actor: User) -> None:
    """A new QR token: posters printed before stop working, new ones must be printed. Flushes."""
    counter_service.regenerate_token(counter)
    audit.record(actor, f"Tạo mã QR mới cho quầy {counter.code} (áp phích cũ hết hiệu lực)")


def new_kiosk_link(counter: Counter, *, actor: User) -> None:
    """Give the counter a kiosk link, or a new one (the old link stops working). Flushes."""
    if not counter.is_active:
        raise DomainError(f"Quầy {counter.code} đã bị thu hồi mã.")
    had = counter.kiosk_token is not None
    counter_service.new_kiosk_token(counter)
    audit.record(actor, ("Đổi" if had else "Tạo") + f" đường dẫn máy tính bảng của quầy {counter.code}")


def revoke_kiosk_link(counter: Counter, *, actor: User) -> None:
    """The kiosk tablet's link stops working. Flushes."""
    if counter.kiosk_token is None:
        raise DomainError(f"Quầy {counter.code} không có đường dẫn máy tính bảng.")
    counter_service.revoke_kiosk(counter)
    audit.record(actor, f"Thu hồi đường dẫn máy tính bảng của quầy {counter.code}")


def set_fields(counter: Counter, codes: set[str], *, actor: User) -> None:
    """Offer the fields of the counter's unit whose codes are ticked (none ticked: all). Flushes."""
    counter_service.set_fields(counter, [f for f in counter.unit.fields if f.code in codes])
    audit.record(actor, f"Quầy {counter.code} nhận lĩnh vực: {', '.join(f.name for f in counter.offered)}")


def issue_receipts(counter: Counter, count: int, field: Field | None, valid_days: int, *,
                   actor: User) -> list[ReceiptCode]:  # fmt: skip
    """``count`` new one-time receipt codes for the counter (and field), to print. Flushes."""
    if not counter.is_active:
        raise DomainError(f"Quầy {counter.code} đã bị thu hồi mã: không phát hành mã đánh giá được.")
    if not 1 <= count <= MAX_ISSUE_ONLINE:
        raise DomainError(f"Số mã phải từ 1 đến {MAX_ISSUE_ONLINE}.")
    codes = receipt_service.issue(counter, count, field=field, valid_days=valid_days)
    what = f", lĩnh vực {field.name}" if field else ""
    audit.record(actor, f"Phát hành {count} mã đánh giá cho quầy {counter.code}{what}, hiệu lực {valid_days} ngày")
    return codes
