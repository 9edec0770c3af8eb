"""The unit tree and units through time: codes in force on a day, successions, mergers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from survey import unit_tree
from survey.extensions import db
from survey.figures.periods import VN
from survey.models import Counter, ServicePoint, Unit, UnitSuccession, User
from survey.models.types import utcnow
from survey.models.units import SUCCESSION_KINDS, UNIT_TYPES
from survey.services import audit
from survey.services.errors import DomainError
from survey.services.service_points import (
    PointPlan,
    check_places,
    close_points_of,
    open_points_for,
    replacement_counters,
)


def subtree_ids(unit_id: int) -> list[int]:
    """The unit and every unit below it, at any depth (from the tree read once per unit of work: a page or a
    report asks for several units' subtrees, and the figures read the same tree)."""
    return unit_tree.tree().subtree(unit_id)


def in_force(on: date) -> ColumnElement[bool]:
    """SQL condition: the unit exists on day ``on`` (open-ended on either side when the date is empty)."""
    return and_(
        or_(Unit.valid_from.is_(None), Unit.valid_from <= on), or_(Unit.valid_to.is_(None), Unit.valid_to >= on)
    )


def today() -> date:
    """Today in Vietnam."""
    return utcnow().astimezone(VN).date()


def resolve_code(code: str, on_date: date | None = None) -> Unit | None:
    """The unit that bore official code ``code`` on ``on_date`` (default: today in Vietnam)."""
    on = on_date or today()
    return db.session.scalar(select(Unit).where(Unit.code == code, in_force(on)))


def unit_by_code(code: str, on_date: date | None = None) -> Unit | None:
    """The unit a code names for a user: the one in force on ``on_date`` (default today), else the latest to bear it."""
    unit = resolve_code(code, on_date)
    if unit is not None:
        return unit
    latest = select(Unit).where(Unit.code == code).order_by(Unit.valid_to.desc().nulls_first(), Unit.id.desc())
    return db.session.scalars(latest.limit(1)).first()


def _overlaps(first_from: date | None, first_to: date | None, other_from: date | None, other_to: date | None) -> bool:
    return (first_from is None or other_to is None or first_from <= other_to) and (
        other_from is None or first_to is None or other_from <= first_to
    )


def check_code_free(code: str, valid_from: date | None, valid_to: date | None, *, unit_id: int | None = None) -> None:
    """Refuse a code another unit bears on a day of [valid_from, valid_to] (the rule the database keeps only in part)."""
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise DomainError("Ngày thôi hoạt động phải sau ngày bắt đầu hoạt động.")
    for other in db.session.scalars(select(Unit).where(Unit.code == code, Unit.id != (unit_id or -1))):
        if _overlaps(valid_from, valid_to, other.valid_from, other.valid_to):
            raise DomainError(f"Mã {code} đang là mã của {other.name} trong cùng thời gian; một mã chỉ dùng cho một "
                              "đơn vị tại mỗi thời điểm.")  # fmt: skip


def kind_of_type(unit_type: str) -> str:
    """The tier (UNIT_KINDS) of an official type (UNIT_TYPES)."""
    return UNIT_TYPES[unit_type][1]


def add_unit(code: str, name: str, *, unit_type: str | None = None, kind: str | None = None, parent: Unit | None = None,
             valid_from: date | None = None, valid_to: date | None = None, is_sample: bool = False) -> Unit:  # fmt: skip
    """A new unit, its code checked against the units in force at the same time."""
    if unit_type is not None and unit_type not in UNIT_TYPES:
        raise DomainError("Loại đơn vị không hợp lệ.")
    check_code_free(code, valid_from, valid_to)
    unit = Unit(code=code, name=name, unit_type=unit_type, kind=kind or kind_of_type(unit_type or "xa"), parent=parent,
                valid_from=valid_from, valid_to=valid_to, is_sample=is_sample)  # fmt: skip
    db.session.add(unit)
    db.session.flush()
    return unit


@dataclass(frozen=True)
class LegalBasis:
    """The resolution a change rests on (number and date); both may be filled in later."""

    number: str | None = None
    on: date | None = None


def record_succession(predecessor: Unit, successor: Unit, on: date, kind: str, *, share: float | None = None,
                      share_basis: str | None = None, basis: LegalBasis = LegalBasis()) -> UnitSuccession:  # fmt: skip
    """Record that (a share of) ``predecessor`` went to ``successor`` on day ``on``; the same pair again updates it."""
    if kind not in SUCCESSION_KINDS:
        raise DomainError("Hình thức sắp xếp không hợp lệ.")
    if predecessor.id == successor.id:
        raise DomainError("Đơn vị không thể kế thừa chính nó.")
    if share is not None and not 0 < share <= 1:
        raise DomainError("Tỷ lệ phải lớn hơn 0 % và không quá 100 %.")
    if kind in ("merge", "rename"):
        share = 1.0
    row = db.session.scalar(
        select(UnitSuccession).where(
            UnitSuccession.predecessor_id == predecessor.id, UnitSuccession.successor_id == successor.id
        )  # fmt: skip
    )
    if row is None:
        row = UnitSuccession(predecessor=predecessor, successor=successor, date=on, kind=kind)
        db.session.add(row)
    row.date, row.kind, row.share, row.share_basis = on, kind, share, share_basis
    row.legal_basis_number, row.legal_basis_date = basis.number, basis.on
    db.session.flush()
    return row


def close_unit(unit: Unit, last_day: date) -> int:
    """End ``unit`` on ``last_day``, withdraw its active counters and close its service points that day;
    returns how many counters were closed."""
    if unit.valid_from is not None and last_day < unit.valid_from:
        raise DomainError(f"{unit.name} bắt đầu hoạt động sau ngày đó.")
    unit.valid_to = last_day
    closed = 0
    for counter in _active_counters([unit]):
        counter.is_active = False
        counter.revoked_at = utcnow()
        closed += 1
    close_points_of(unit, last_day)
    db.session.flush()
    return closed


def counters_in_use(units: Sequence[Unit]) -> dict[int, int]:
    """Unit id → how many of its counters have their QR in use (what a merger closes and may replace)."""
    out = {unit.id: 0 for unit in units}
    for counter in _active_counters(units):
        out[counter.unit_id] += 1
    return out


def _active_counters(units: Sequence[Unit]) -> list[Counter]:
    stmt = select(Counter).where(Counter.unit_id.in_([u.id for u in units]), Counter.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(Counter.code)))


@dataclass(frozen=True)
class NewUnit:
    """The unit a merger makes."""

    code: str
    name: str
    unit_type: str
    parent: Unit | None = None


def _already_merged(old_units: Sequence[Unit], on: date) -> None:
    """A merger submitted twice (or an old unit merged already) is refused with what was recorded."""
    for old in old_units:
        done = next((s for s in old.successions_out if s.date == on), None) if old.valid_to is not None else None
        if done is not None:
            raise DomainError(f"Đã ghi nhận trước đó: {old.name} sáp nhập vào {done.successor.name} từ "
                              f"{on:%d/%m/%Y}. Không ghi nhận lần nữa.")  # fmt: skip


def record_merger(old_units: Sequence[Unit], new: NewUnit, on: date, basis: LegalBasis = LegalBasis()) -> Unit:
    """Several units become one on day ``on``: old units end the day before, their counters and service points
    close, the new unit starts (it may reuse the code of one of them) with the fields its predecessors received,
    and each old unit's succession is recorded as a whole merge."""
    if len(old_units) < 1:
        raise DomainError("Xin chọn ít nhất một đơn vị cũ.")
    _already_merged(old_units, on)
    last_day = on - timedelta(days=1)
    for old in old_units:
        if old.valid_to is not None and old.valid_to < last_day:
            raise DomainError(f"{old.name} đã thôi hoạt động trước ngày đó.")
        close_unit(old, last_day)
    unit = add_unit(new.code, new.name, unit_type=new.unit_type, parent=new.parent, valid_from=on)
    unit.fields = sorted({f for old in old_units for f in old.fields}, key=lambda f: (f.sort_order, f.id))
    kind = "merge" if len(old_units) > 1 else "rename"
    for old in old_units:
        record_succession(old, unit, on, kind, basis=basis)
    return unit


@dataclass(frozen=True)
class MergerDone:
    """What :func:`merge` made: the new unit, its service points, and the counters made for it (old → new)."""

    unit: Unit
    points: list[ServicePoint]
    counters_closed: int
    replaced: list[tuple[Counter, Counter]]
    #: the change in one sentence (no final stop), for the audit log and the admin's message
    summary: str = ""


def merge(old_units: Sequence[Unit], new: NewUnit, on: date, basis: LegalBasis, points: PointPlan, *,
          replace_counters: bool, actor: User, places: Mapping[int, int] | None = None) -> MergerDone:  # fmt: skip
    """The admin's merger in one step: :func:`record_merger`, then the new unit's Trung tâm Phục vụ hành chính
    công and điểm tiếp nhận from ``on``; with ``replace_counters``, a new counter for each counter the old units
    closed (the old ones keep their answers and service point), made at the place ``places`` gives its old unit
    (old unit id → 0 the centre, k the k-th intake point; the others by
    :func:`~survey.services.service_points.default_places`). One audit entry. Flushes."""
    placed = check_places(old_units, places or {}, points)
    closing = _active_counters(old_units)
    unit = record_merger(old_units, new, on, basis)
    made = open_points_for(unit, points)
    replaced = replacement_counters(closing, made, placed) if replace_counters else []
    intake = f" và {len(made) - 1} điểm tiếp nhận" if len(made) > 1 else ""
    summary = (f"{', '.join(old.name for old in old_units)} → {unit.name} từ {on:%d/%m/%Y}; {len(closing)} quầy của "
               f"đơn vị cũ đã đóng; đã tạo {made[0].name}{intake}{_where_placed(replaced, made)}")  # fmt: skip
    audit.record(actor, f"Ghi nhận sáp nhập: {summary}")
    return MergerDone(unit, made, len(closing), replaced, summary)


def _where_placed(replaced: Sequence[tuple[Counter, Counter]], made: Sequence[ServicePoint]) -> str:
    """Where the new counters stand, the points in their order: "; quầy mới tại trung tâm: A (thay a); tại …"."""
    parts = []
    for point in made:
        here = [f"{n.code} (thay {o.code})" for o, n in replaced if n.service_point_id == point.id]
        if here:
            parts.append(f"tại {'trung tâm' if point.kind == 'centre' else point.name}: {', '.join(here)}")
    return f"; quầy mới {'; '.join(parts)}" if parts else ""


@dataclass(frozen=True)
class CrosswalkRow:
    """One line of the old → new table."""

    old_code: str
    old_name: str
    old_parent: str
    new_code: str
    new_name: str
    kind: str
    date: date
    share: float | None


def crosswalk(on: date | None = None) -> list[CrosswalkRow]:
    """Every succession in force by day ``on`` (default: all), old units ordered by the new unit they went to."""
    stmt = select(UnitSuccession).join(UnitSuccession.successor).order_by(Unit.code, UnitSuccession.id)
    if on is not None:
        stmt = stmt.where(UnitSuccession.date <= on)
    rows = []
    for item in db.session.scalars(stmt):
        old, new = item.predecessor, item.successor
        rows.append(CrosswalkRow(old.code, old.name, old.parent.name if old.parent else "", new.code, new.name,
                                 item.kind, item.date, item.share))  # fmt: skip
    return rows
