"""Managing units, fields and procedures: the admin's changes, cleaned, checked, flushed and audited.

Codes are unique by the database (see survey.services.unique): a code taken, even by a
request at the same moment, is a Vietnamese DomainError, never a 500. Names are cleaned
by the one text cleaning (NFC, no invisible characters). The caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Field, Procedure, Unit, User
from survey.reports.signing import lines
from survey.services import audit
from survey.services import units as unit_service
from survey.services.errors import DomainError
from survey.services.text import by_name, clean_text
from survey.services.unique import add_unique


def _required(text: str | None, what: str, max_length: int) -> str:
    cleaned = clean_text(text, max_length)
    if not cleaned:
        raise DomainError(f"Xin nhập {what}.")
    return cleaned


def fields_in_order() -> list[Field]:
    """Every field in the set order (``sort_order``), fields of one place in Vietnamese order of names."""
    return sorted(by_name(db.session.scalars(select(Field))), key=lambda f: f.sort_order)


def fields_by_code(codes) -> list[Field]:
    return list(db.session.scalars(select(Field).where(Field.code.in_(list(codes or []))).order_by(Field.sort_order)))


def create_unit(code: str, name: str, kind: str, parent: Unit | None, fields: list[Field], *, actor: User) -> Unit:
    code = _required(code, "mã đơn vị", 32)
    name = _required(name, "tên đơn vị", 200)
    unit = add_unique(Unit(code=code, name=name, kind=kind, parent_id=parent.id if parent else None, fields=fields),
                      f"Mã đơn vị {code} đã có.")  # fmt: skip
    audit.record(actor, f"Tạo đơn vị {name}" + (f", trực thuộc {parent.name}" if parent else ""))
    return unit


@dataclass(frozen=True)
class UnitChanges:
    """What the unit's edit form carries."""

    name: str
    fields: list[Field]
    valid_to: date | None
    successor: Unit | None
    signer_titles: str | None = None
    signer_name: str | None = None
    recipients: str | None = None
    symbol: str | None = None


def _lines_field(text: str | None) -> str | None:
    """A multi-line setting kept one clean entry a line; None when nothing is left."""
    return "\n".join(lines(text)) or None


def edit_unit(unit: Unit, changes: UnitChanges, *, actor: User) -> None:
    """Rename, set fields, end (with a successor after a merger) and set how reports are signed. Flushes."""
    if changes.successor is not None and changes.valid_to is None:
        raise DomainError("Đơn vị kế thừa chỉ đặt khi có ngày thôi hoạt động.")
    old_name = unit.name
    unit.name = _required(changes.name, "tên đơn vị", 200)
    unit.fields = changes.fields
    unit.valid_to = changes.valid_to
    if changes.successor is not None and changes.successor is not unit.successor:
        unit_service.record_succession(unit, changes.successor, changes.valid_to + timedelta(days=1), "merge")
    unit.report_signer_titles = _lines_field(changes.signer_titles)
    unit.report_signer_name = clean_text(changes.signer_name, 120)
    unit.report_recipients = _lines_field(changes.recipients)
    unit.report_symbol = clean_text(changes.symbol, 40)
    db.session.flush()
    renamed = f" (trước là {old_name})" if old_name != unit.name else ""
    audit.record(actor, f"Sửa thông tin đơn vị {unit.name}{renamed}")


def create_field(code: str, name: str, *, actor: User) -> Field:
    code = _required(code, "mã lĩnh vực", 32)
    name = _required(name, "tên lĩnh vực", 200)
    last = db.session.scalar(select(func.max(Field.sort_order))) or 0
    field = add_unique(Field(code=code, name=name, sort_order=last + 1), f"Mã lĩnh vực {code} đã có.")
    audit.record(actor, f"Thêm lĩnh vực {name}")
    return field


def create_procedure(field: Field, code: str, name: str, *, actor: User) -> Procedure:
    code = _required(code, "mã thủ tục", 64)
    name = _required(name, "tên thủ tục", 500)
    procedure = add_unique(Procedure(code=code, name=name, field_id=field.id), f"Mã thủ tục {code} đã có.")
    audit.record(actor, f"Thêm thủ tục {name} (lĩnh vực {field.name})")
    return procedure
