"""Counters and their QR tokens."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload

from survey.extensions import db
from survey.models import Counter, Field, Officer, OfficerShift, Procedure, Unit
from survey.models.counters import ServicePoint, heading_lines, new_token
from survey.models.types import utcnow
from survey.services.errors import DomainError

# ---- what the citizen's pages need of a counter, read once and kept a few seconds ----------


@dataclass(frozen=True)
class ProcedureView:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class FieldView:
    id: int
    code: str
    name: str
    procedures: tuple[ProcedureView, ...]


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    is_sample: bool
    #: the fields its one-stop counter receives, in their order
    fields: tuple[FieldView, ...]


@dataclass(frozen=True)
class CounterView:
    """A counter as the form sees it: plain values with the attribute names of the models.

    Detached from any session, so one process can keep it between requests.
    """

    id: int
    token: str
    name: str
    unit_id: int
    unit: UnitView
    field_id: int | None
    field: FieldView | None
    #: the fields the form offers when it does not fix one: the counter's chosen few, or all the unit's
    offered: tuple[FieldView, ...] = ()
    #: the kiosk tablet's token, when the counter has a kiosk
    kiosk_token: str | None = None
    #: the centre, intake point or branch it stands in, and its name (Nghị định 118/2025)
    service_point_id: int | None = None
    service_point_name: str = ""
    #: the heading of the one-stop visual identity ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "XÃ BÌNH SƠN",
    #: "ĐIỂM TIẾP NHẬN SỐ 1"): what the form's header prints
    heading: tuple[str, ...] = ()


def _field_view(field: Field) -> FieldView:
    return FieldView(
        field.id, field.code, field.name, tuple(ProcedureView(p.id, p.code, p.name) for p in field.procedures)
    )


def _load_view(token: str) -> CounterView | None:
    # "k:" + token: the counter whose kiosk has that token
    column, token = (Counter.kiosk_token, token[2:]) if token.startswith("k:") else (Counter.token, token)
    counter = (
        db.session.execute(
            select(Counter)
            .where(column == token, Counter.is_active.is_(True))
            .options(
                joinedload(Counter.unit).selectinload(Unit.fields).selectinload(Field.procedures),
                joinedload(Counter.field).selectinload(Field.procedures),
                joinedload(Counter.service_point),
                # in the same statement: a counter offers no subset, or a few fields (no extra round trip)
                joinedload(Counter.fields),
            )
        )
        .unique()
        .scalar_one_or_none()
    )
    if counter is None:
        return None
    unit, point = counter.unit, counter.service_point
    fields = tuple(_field_view(f) for f in unit.fields)
    offered_ids = {f.id for f in counter.offered}
    return CounterView(
        id=counter.id,
        token=counter.token,
        name=counter.name,
        unit_id=unit.id,
        unit=UnitView(unit.id, unit.name, unit.is_sample, fields),
        field_id=counter.field_id,
        field=_field_view(counter.field) if counter.field is not None else None,
        offered=tuple(f for f in fields if f.id in offered_ids),
        kiosk_token=counter.kiosk_token,
        service_point_id=point.id,
        service_point_name=point.full_name,
        heading=heading_lines(point.kind, point.name, unit.name),
    )


class _ViewCache:
    """key → (expiry, value), per process; bounded, thread-safe. A key is a token (its CounterView
    or None), ``k:`` + a kiosk token, or ``roster:`` + counter id and day (the officers on duty)."""

    MAX_ENTRIES = 20_000

    def __init__(self) -> None:
        self.entries: dict[str, tuple[float, CounterView | None]] = {}
        self.lock = threading.Lock()

    def get(self, token: str, ttl: float, load=None):
        now = time.monotonic()
        with self.lock:
            hit = self.entries.get(token)
        if hit is not None and hit[0] > now:
            return hit[1]
        view = (load or _load_view)(token)
        if ttl > 0:
            with self.lock:
                if len(self.entries) >= self.MAX_ENTRIES:
                    self.entries.clear()  # a scan of random tokens must not grow it without end
                self.entries[token] = (now + ttl, view)
        return view

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def _cache() -> _ViewCache:
    return current_app.extensions.setdefault("sipas_counter_views", _ViewCache())


def counter_view(token: str) -> CounterView | None:
    """What the form needs of the active counter a QR token opens; None for an unknown or revoked one.

    Kept ``COUNTER_CACHE_SECONDS`` per process, so a busy counter costs the database
    nothing per page: a counter revoked or renamed on another server takes effect
    here within that many seconds (at once on the server that made the change).
    """
    if not token or len(token) > 64:
        return None
    return _cache().get(token, current_app.config["COUNTER_CACHE_SECONDS"])


def kiosk_view(token: str) -> CounterView | None:
    """The active counter whose kiosk the token opens (cached as ``counter_view``); None if unknown or revoked."""
    if not token or len(token) > 64:
        return None
    return _cache().get("k:" + token, current_app.config["COUNTER_CACHE_SECONDS"])


def _load_roster(key: str) -> tuple[int, ...]:
    _, counter_id, day = key.split(":")
    stmt = select(OfficerShift.officer_id).where(
        OfficerShift.counter_id == int(counter_id), OfficerShift.day == date.fromisoformat(day)
    )
    return tuple(sorted(set(db.session.scalars(stmt))))


def on_duty(counter_id: int, day: date) -> tuple[int, ...]:
    """The officers the roster puts at the counter on ``day`` (Vietnam date), kept as ``counter_view``.

    Read once per counter, day and ``COUNTER_CACHE_SECONDS`` rather than on every ballot; a
    roster changed on this server counts at once, on another within that many seconds.
    """
    return _cache().get(f"roster:{counter_id}:{day.isoformat()}", current_app.config["COUNTER_CACHE_SECONDS"],
                        _load_roster)  # fmt: skip


def forget_views() -> None:
    """Drop this process's copies: the next request reads each counter again."""
    _cache().clear()


_VIEWED = (Counter, ServicePoint, Unit, Field, Procedure, Officer, OfficerShift)


@event.listens_for(Session, "after_flush")
def _note_changed_views(session: Session, _context) -> None:
    if any(isinstance(o, _VIEWED) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info["counter_views_changed"] = True


@event.listens_for(Session, "after_commit")
def _forget_changed_views(session: Session) -> None:
    # A counter, service point, unit, field or procedure changed here: this server shows it at once.
    if session.info.pop("counter_views_changed", False) and has_app_context():
        forget_views()


@event.listens_for(Session, "after_rollback")
def _keep_views(session: Session) -> None:
    session.info.pop("counter_views_changed", None)


def survey_url(counter: Counter, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/s/{counter.token}"


def kiosk_url(counter: Counter, base_url: str) -> str | None:
    return f"{base_url.rstrip('/')}/k/{counter.kiosk_token}" if counter.kiosk_token else None


def new_kiosk_token(counter: Counter) -> str:
    """Give the counter a kiosk, or a new kiosk URL (the old one stops working)."""
    counter.kiosk_token = new_token()
    db.session.flush()
    return counter.kiosk_token


def revoke_kiosk(counter: Counter) -> None:
    """The kiosk tablet's URL stops working (on other servers within COUNTER_CACHE_SECONDS)."""
    counter.kiosk_token = None
    db.session.flush()


def set_fields(counter: Counter, fields: list[Field]) -> None:
    """Offer only ``fields`` (of the counter's unit) at this counter: one fixes it, none offers them all."""
    own = {f.id for f in counter.unit.fields}
    if any(f.id not in own for f in fields):
        raise DomainError("Quầy chỉ có thể nhận các lĩnh vực của đơn vị mình.")
    if len(fields) == 1:  # one field: the QR fixes it, and the form does not ask
        counter.field, counter.fields = fields[0], []
    else:
        counter.field, counter.fields = None, list(fields)
    db.session.flush()


def revoke(counter: Counter) -> None:
    """Printed QR codes of this counter stop working (on other servers within COUNTER_CACHE_SECONDS)."""
    counter.is_active = False
    counter.revoked_at = utcnow()
    db.session.flush()


def regenerate_token(counter: Counter) -> str:
    """A new token for the counter (e.g. after a poster was misused); old posters stop working."""
    counter.token = new_token()
    counter.is_active = True
    counter.revoked_at = None
    db.session.flush()
    return counter.token
