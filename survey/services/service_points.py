"""Managing service points (Nghị định 118/2025): a unit's Trung tâm Phục vụ hành chính công and its điểm tiếp nhận.

Each function checks the rule, changes the rows, flushes and writes who did what to the audit log
(except the pieces :func:`survey.services.units.record_merger` composes, which it audits as one change).
The caller commits once. A service point is never deleted: it is closed on a day, so the answers
given there keep where the citizen was served.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Counter, ServicePoint, Unit, User
from survey.models.counters import SERVICE_POINT_KINDS
from survey.services import audit
from survey.services.errors import DomainError
from survey.services.text import clean_text
from survey.services.unique import add_unique

#: at most this many điểm tiếp nhận made in one step (a merger of many communes stays below it)
MAX_INTAKE_POINTS = 30
#: the kinds an admin adds by hand (a Bộ phận Một cửa belongs to the time before 1/7/2025)
NEW_KINDS = ("centre", "intake", "branch")


def intake_name(number: int) -> str:
    return f"{SERVICE_POINT_KINDS['intake']} số {number}"


def points_of(unit: Unit) -> list[ServicePoint]:
    """The unit's service points: the centre first, then intake points and branches by number, closed ones last."""
    stmt = select(ServicePoint).where(ServicePoint.unit_id == unit.id)
    order = {"centre": 0, "intake": 1, "branch": 2, "one_stop": 3}
    return sorted(db.session.scalars(stmt),
                  key=lambda p: (p.valid_to is not None, order[p.kind], p.number or 0, p.id))  # fmt: skip


def open_points(unit: Unit) -> list[ServicePoint]:
    return [p for p in points_of(unit) if p.valid_to is None]


def open_counter_counts(points: Sequence[ServicePoint]) -> dict[int, int]:
    """Service point id → how many of its counters still have a QR in use (one query)."""
    if not points:
        return {}
    stmt = (select(Counter.service_point_id, func.count()).where(
        Counter.service_point_id.in_([p.id for p in points]), Counter.is_active.is_(True))
        .group_by(Counter.service_point_id))  # fmt: skip
    return {point_id: n for point_id, n in db.session.execute(stmt)}


def _centre_of(unit: Unit) -> ServicePoint | None:
    return next((p for p in open_points(unit) if p.kind == "centre"), None)


def _check_name(name: str | None) -> str:
    cleaned = clean_text(name, 200)
    if not cleaned:
        raise DomainError("Xin nhập tên điểm phục vụ.")
    return cleaned


def add_point(unit: Unit, kind: str, name: str | None = None, *, address: str | None = None,
              valid_from: date | None = None) -> ServicePoint:  # fmt: skip
    """A new centre, intake point or branch of ``unit`` (an intake point numbered after the last). Flushes.

    Not audited: the callers say what they did as a whole."""
    if kind not in NEW_KINDS:
        raise DomainError("Loại điểm phục vụ không hợp lệ.")
    if unit.valid_to is not None:
        raise DomainError(f"{unit.name} đã thôi hoạt động từ sau ngày {unit.valid_to:%d/%m/%Y}.")
    centre = _centre_of(unit)
    if kind == "centre" and centre is not None:
        raise DomainError(f"{unit.name} đã có {SERVICE_POINT_KINDS['centre']}.")
    if kind != "centre" and centre is None:
        raise DomainError(f"Xin tạo {SERVICE_POINT_KINDS['centre']} của {unit.name} trước.")
    number = None
    if kind != "centre":
        taken = [p.number or 0 for p in points_of(unit) if p.kind == kind]
        number = max(taken, default=0) + 1
    if not name or not name.strip():
        name = SERVICE_POINT_KINDS["centre"] if kind == "centre" else (
            intake_name(number) if kind == "intake" else f"{SERVICE_POINT_KINDS['branch']} số {number}")  # fmt: skip
    if valid_from is not None and unit.valid_from is not None and valid_from < unit.valid_from:
        raise DomainError(f"{unit.name} bắt đầu hoạt động từ {unit.valid_from:%d/%m/%Y}.")
    point = ServicePoint(unit=unit, kind=kind, number=number, name=_check_name(name), centre=centre,
                         address=clean_text(address, 300) or None, valid_from=valid_from or unit.valid_from)  # fmt: skip
    db.session.add(point)
    db.session.flush()
    return point


def create_point(unit: Unit, kind: str, name: str | None, address: str | None, valid_from: date | None, *,
                 actor: User) -> ServicePoint:  # fmt: skip
    """An admin adds a service point to ``unit``. Flushes."""
    point = add_point(unit, kind, name, address=address, valid_from=valid_from)
    audit.record(actor, f"Tạo {point.full_name}")
    return point


def edit_point(point: ServicePoint, name: str | None, address: str | None, *, actor: User) -> None:
    """Rename a service point or change its address. Flushes."""
    before = point.full_name
    point.name = _check_name(name)
    point.address = clean_text(address, 300) or None
    db.session.flush()
    audit.record(actor, f"Sửa {before}: tên “{point.name}”, địa chỉ “{point.address or '—'}”")


def close_point(point: ServicePoint, last_day: date, *, actor: User | None = None) -> None:
    """The point receives dossiers until ``last_day``; refused while a counter there has its QR in use. Flushes."""
    if point.valid_to is not None:
        raise DomainError(f"{point.full_name} đã đóng từ sau ngày {point.valid_to:%d/%m/%Y}.")
    if point.valid_from is not None and last_day < point.valid_from:
        raise DomainError(f"{point.full_name} bắt đầu hoạt động từ {point.valid_from:%d/%m/%Y}: "
                          "ngày đóng phải từ ngày đó trở đi.")  # fmt: skip
    still = [c.code for c in point.counters if c.is_active]
    if still:
        raise DomainError(f"Chưa đóng được {point.full_name}: còn {len(still)} quầy đang dùng mã QR "
                          f"({', '.join(still)}). Hãy chuyển các quầy sang điểm khác hoặc thu hồi mã QR trước.")  # fmt: skip
    if point.kind == "centre" and any(p.valid_to is None and p.id != point.id for p in points_of(point.unit)):
        raise DomainError(f"Chưa đóng được {point.full_name}: các điểm tiếp nhận của trung tâm vẫn đang hoạt động.")
    point.valid_to = last_day
    db.session.flush()
    if actor is not None:
        audit.record(actor, f"Đóng {point.full_name} từ sau ngày {last_day:%d/%m/%Y}")


def close_points_of(unit: Unit, last_day: date) -> int:
    """End every service point of ``unit`` still open after ``last_day`` (its counters already closed). Flushes."""
    closed = 0
    for point in db.session.scalars(select(ServicePoint).where(ServicePoint.unit_id == unit.id)):
        if point.valid_to is None or point.valid_to > last_day:
            point.valid_to = last_day
            closed += 1
    db.session.flush()
    return closed


def move_counter(counter: Counter, point: ServicePoint, *, actor: User) -> None:
    """The counter stands in another open service point of its unit from now on. Flushes.

    Answers already given keep the point where they were given (responses keep their own service point)."""
    if point.unit_id != counter.unit_id:
        raise DomainError("Chỉ chuyển quầy sang một điểm phục vụ của cùng đơn vị.")
    if point.valid_to is not None:
        raise DomainError(f"{point.full_name} đã đóng.")
    if point.id == counter.service_point_id:
        raise DomainError(f"Quầy {counter.code} đã ở {point.full_name}.")
    before = counter.service_point.full_name
    counter.service_point = point
    db.session.flush()
    audit.record(actor, f"Chuyển quầy {counter.code} từ {before} sang {point.full_name}")


@dataclass(frozen=True)
class PointPlan:
    """The service points a new unit opens with: its centre and its điểm tiếp nhận (names; empty: only the centre)."""

    intake_names: tuple[str, ...] = (intake_name(1),)
    centre_address: str | None = None


def plan(count: int, names: Sequence[str] = (), centre_address: str | None = None) -> PointPlan:
    """``count`` intake points named from ``names`` in order, the rest "Điểm tiếp nhận số k"."""
    names = [n for n in (clean_text(n, 200) for n in names) if n]
    if not 0 <= count <= MAX_INTAKE_POINTS:
        raise DomainError(f"Số điểm tiếp nhận từ 0 đến {MAX_INTAKE_POINTS}.")
    if len(names) > count:
        raise DomainError(f"Đã nhập {len(names)} tên điểm tiếp nhận nhưng số điểm tiếp nhận là {count}.")
    if len(set(names)) < len(names):
        raise DomainError("Tên các điểm tiếp nhận phải khác nhau.")
    full = [names[k] if k < len(names) else intake_name(k + 1) for k in range(count)]
    if len(set(full)) < len(full):
        raise DomainError("Tên các điểm tiếp nhận phải khác nhau (một tên trùng với tên mặc định).")
    return PointPlan(tuple(full), clean_text(centre_address, 300) or None)


def open_points_for(unit: Unit, points: PointPlan) -> list[ServicePoint]:
    """The new unit's centre and intake points, from its first day. Flushes."""
    made = [add_point(unit, "centre", address=points.centre_address, valid_from=unit.valid_from)]
    made += [add_point(unit, "intake", name, valid_from=unit.valid_from) for name in points.intake_names]
    return made


#: a place in a merger's plan: 0 the new unit's centre, k its k-th điểm tiếp nhận (in the order the plan names them)
CENTRE = 0


def place_names(points: PointPlan) -> list[str]:
    """The name of each place of ``points``, by position: the centre first, then the intake points."""
    return [SERVICE_POINT_KINDS["centre"], *points.intake_names]


def default_places(old_units: Sequence[Unit], intake_count: int) -> dict[int, int]:
    """Old unit id → where its new counters go unless the admin says otherwise.

    The first old unit at the centre and, when there is an intake point for each of the others, the k-th other at
    the k-th intake point (intake points mostly stand in the former communes' offices, in the order the
    resolution lists them). With fewer intake points than other units every counter goes to the centre: which
    former offices kept an intake point is then not known, and a counter at the centre is never wrong, only
    to be moved."""
    if intake_count >= len(old_units) - 1:
        return {unit.id: k for k, unit in enumerate(old_units)}
    return {unit.id: CENTRE for unit in old_units}


def check_places(old_units: Sequence[Unit], chosen: Mapping[int, int], points: PointPlan) -> dict[int, int]:
    """Every old unit's place: the admin's ``chosen`` (old unit id → place), the default for the others.

    A place the plan does not make (an intake point beyond the number being created) is refused, naming the unit."""
    ids = {unit.id for unit in old_units}
    if any(unit_id not in ids or place < CENTRE for unit_id, place in chosen.items()):
        raise DomainError("Lựa chọn nơi đặt quầy mới không hợp lệ, xin vui lòng chọn lại.")
    count = len(points.intake_names)
    for unit in old_units:
        place = chosen.get(unit.id, CENTRE)
        if place > count:
            made = f"chỉ tạo {count} điểm tiếp nhận" if count else "không tạo điểm tiếp nhận nào"
            raise DomainError(f"Quầy mới thay quầy của {unit.name} được chọn đặt tại điểm tiếp nhận thứ {place}, "
                              f"nhưng đơn vị mới {made}. Xin chọn lại nơi đặt quầy mới hoặc tăng số điểm "
                              "tiếp nhận.")  # fmt: skip
    return {**default_places(old_units, count), **chosen}


def replacement_counters(old_counters: Sequence[Counter], made: Sequence[ServicePoint],
                         places: Mapping[int, int]) -> list[tuple[Counter, Counter]]:  # fmt: skip
    """A new counter for each of ``old_counters`` (closed by the merger: the old counter, its answers and its
    service point stay with the old unit), at the point of ``made`` (centre first, then the intake points) that
    ``places`` gives its old unit (the centre if none). Returns (old, new) pairs. Flushes."""
    pairs = []
    for old in sorted(old_counters, key=lambda c: c.code):
        point = made[places.get(old.unit_id, CENTRE)]
        code, fields = _free_code(f"{point.unit.code}-{old.code}"), list(old.fields)
        new = add_unique(Counter(code=code, name=old.name, unit_id=point.unit_id, service_point_id=point.id,
                                 field_id=old.field_id, fields=fields), f"Mã quầy {code} đã có.")  # fmt: skip
        pairs.append((old, new))
    return pairs


def _free_code(code: str) -> str:
    code = code[:60]
    taken = set(db.session.scalars(select(Counter.code).where(Counter.code.startswith(code, autoescape=True))))
    if code not in taken:
        return code
    return next(f"{code}-{k}" for k in range(2, 1000) if f"{code}-{k}" not in taken)
