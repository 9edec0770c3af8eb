"""Service points (trung tâm, điểm tiếp nhận, chi nhánh), their counters (quầy) and the tokens QR codes carry.

Nghị định 118/2025/NĐ-CP (in force 1/7/2025) gives every commune a Trung tâm Phục vụ hành chính công with one
or more điểm tiếp nhận, and a province a centre with branches (chi nhánh); before it, a unit's one-stop place
was its Bộ phận Tiếp nhận và Trả kết quả (Bộ phận Một cửa). Counters belong to a service point, which
belongs to a unit; a counter created naming only its unit goes to that unit's centre (made if missing).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, SmallInteger, String, Table, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Field, Unit

#: the day Nghị định 118/2025 and the two-tier local government began
ND118_DAY = date(2025, 7, 1)

#: kinds of service point, as Nghị định 118/2025 names them (one_stop: the Bộ phận Một cửa before it)
SERVICE_POINT_KINDS: dict[str, str] = {
    "centre": "Trung tâm Phục vụ hành chính công",
    "intake": "Điểm tiếp nhận",
    "branch": "Chi nhánh",
    "one_stop": "Bộ phận Tiếp nhận và Trả kết quả (Một cửa)",
}
#: the motto of the one-stop visual identity
MOTTO = "Hành chính phục vụ"

#: the fields a counter's form offers, when it offers some of its unit's fields (not one, not all)
counter_fields = Table(
    "counter_fields",
    db.metadata,
    Column("counter_id", Integer, ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", Integer, ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True),
)


def new_token() -> str:
    """An unguessable URL-safe token (128 bits)."""
    return secrets.token_urlsafe(16)


def unit_title(name: str) -> str:
    """A unit's name as the heading's second line: 'UBND xã Bình Chánh' → 'XÃ BÌNH CHÁNH'."""
    for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name.upper()


def one_stop_body(day: date) -> str:
    """The one-stop body of a unit on ``day``: the Trung tâm Phục vụ hành chính công since Nghị định 118/2025,
    the Bộ phận Một cửa before it."""
    return SERVICE_POINT_KINDS["centre"] if day >= ND118_DAY else "Bộ phận Một cửa"


def one_stop_place(unit_name: str, day: date) -> str:
    """Where a unit served people on ``day``, in running text: 'Trung tâm Phục vụ hành chính công xã Bình Sơn'
    since Nghị định 118/2025, 'Bộ phận Một cửa UBND xã Bình Chánh' before it."""
    if day < ND118_DAY:
        return f"{one_stop_body(day)} {unit_name}"
    name = unit_name.removeprefix("UBND ")
    return f"{one_stop_body(day)} {name[:1].lower()}{name[1:]}"


class ServicePoint(db.Model):
    """Where citizens hand in dossiers: a unit's centre, one of its intake points, a province centre's branch,
    or (before 1/7/2025) its Bộ phận Một cửa."""

    __tablename__ = "service_points"
    __table_args__ = (CheckConstraint("kind IN ('centre', 'intake', 'branch', 'one_stop')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: one of SERVICE_POINT_KINDS
    kind: Mapped[str] = mapped_column(String(10))
    #: an intake point's or branch's number ("Điểm tiếp nhận số 1"); None for a centre
    number: Mapped[int | None] = mapped_column(SmallInteger)
    #: its name without the unit: "Trung tâm Phục vụ hành chính công", "Điểm tiếp nhận số 1"
    name: Mapped[str] = mapped_column(String(200))
    #: an intake point's or branch's centre
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"))
    #: where it is (the seat of a former commune, a street address); optional
    address: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[date | None]
    #: last day it received dossiers; None while it does
    valid_to: Mapped[date | None]

    unit: Mapped[Unit] = relationship()
    centre: Mapped[ServicePoint | None] = relationship(remote_side=[id])
    counters: Mapped[list[Counter]] = relationship(back_populates="service_point", order_by="Counter.code")

    @property
    def heading(self) -> tuple[str, ...]:
        """The lines of the one-stop visual identity: centre, unit, and the intake point or branch, if it is one.

        ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "XÃ BÌNH SƠN", "ĐIỂM TIẾP NHẬN SỐ 1")
        """
        return heading_lines(self.kind, self.name, self.unit.name)

    @property
    def full_name(self) -> str:
        """'Điểm tiếp nhận số 1 — Trung tâm Phục vụ hành chính công xã Bình Sơn' (plain text, one line)."""
        unit = self.unit.name.removeprefix("UBND ")
        unit = unit[:1].lower() + unit[1:]
        if self.kind in ("intake", "branch"):
            return f"{self.name} — {SERVICE_POINT_KINDS['centre']} {unit}"
        return f"{self.name} {unit}"

    def __repr__(self) -> str:
        return f"<ServicePoint {self.kind} {self.name!r} unit={self.unit_id}>"


def heading_lines(kind: str, name: str, unit_name: str) -> tuple[str, ...]:
    """The heading of a service point of ``kind`` named ``name`` of the unit ``unit_name`` (see ServicePoint.heading)."""
    if kind == "one_stop":
        return ("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", unit_title(unit_name))
    if kind == "centre":
        return ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", unit_title(unit_name))
    return ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", unit_title(unit_name), name.upper())


class Counter(db.Model):
    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the unit whose service point it is (kept with the counter: responses and figures go by it)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: the centre, intake point or branch the counter stands in
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: what the QR link carries; regenerating it invalidates printed posters
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: when set, the QR fixes the procedure field and the form does not ask it
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id"))
    #: what the kiosk tablet's URL carries (/k/<token>); None: no kiosk; revoking clears it
    kiosk_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    service_point: Mapped[ServicePoint] = relationship(back_populates="counters")
    field: Mapped[Field | None] = relationship()
    #: when field_id is unset: the fields the form offers (none listed: every field of the unit)
    fields: Mapped[list[Field]] = relationship(secondary=counter_fields, order_by="Field.sort_order")

    @property
    def heading(self) -> tuple[str, ...]:
        """Its service point's heading (ServicePoint.heading)."""
        return self.service_point.heading if self.service_point is not None else ()

    @property
    def offered(self) -> list[Field]:
        """The fields a citizen may choose at this counter, in the unit's order."""
        if self.field is not None:
            return [self.field]
        chosen = {f.id for f in self.fields}
        return [f for f in self.unit.fields if not chosen or f.id in chosen]

    def __repr__(self) -> str:
        return f"<Counter {self.code}>"


def default_service_point(session: Session, unit: Unit) -> ServicePoint:
    """The unit's centre (its Bộ phận Một cửa if it ended before 1/7/2025), made if it has none."""
    kind = "one_stop" if unit.valid_to is not None and unit.valid_to < ND118_DAY else "centre"
    with session.no_autoflush:
        point = session.scalar(
            select(ServicePoint)
            .where(ServicePoint.unit_id == unit.id, ServicePoint.kind == kind)
            .order_by(ServicePoint.id)
            .limit(1)
        )
    if point is None:
        for pending in session.new:  # made earlier in this flush
            if isinstance(pending, ServicePoint) and pending.unit is unit and pending.kind == kind:
                return pending
        point = ServicePoint(unit=unit, kind=kind, name=SERVICE_POINT_KINDS[kind],
                             valid_from=unit.valid_from, valid_to=unit.valid_to)  # fmt: skip
        session.add(point)
    return point


@event.listens_for(Session, "before_flush")
def _place_counters(session: Session, _context, _instances) -> None:
    """A new counter naming only its unit stands in the unit's centre; one naming its service point gets its unit."""
    for obj in list(session.new):
        if not isinstance(obj, Counter):
            continue
        if obj.service_point is None and obj.service_point_id is None:
            unit = obj.unit
            if unit is None and obj.unit_id is not None:
                with session.no_autoflush:
                    unit = session.get(Unit, obj.unit_id)
            if unit is not None:
                obj.service_point = default_service_point(session, unit)
        if obj.service_point is not None and obj.unit is None and obj.unit_id is None:
            obj.unit = obj.service_point.unit
