"""The dashboard's filters: parsed from the URL, checked against what the account may see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import select

from analysis.profile import profile_codes
from survey.extensions import db
from survey.figures import Settings, boundaries, labels
from survey.figures import current as current_settings
from survey.figures.export import slug
from survey.figures.periods import Period, parse_args
from survey.models import Field, Unit, User
from survey.models.responses import CHANNELS
from survey.queries import Scope
from survey.services.units import subtree_ids, today, unit_by_code
from survey.services.users import visible_unit_ids

#: "UBND " before a unit's name, left out after "Toàn" and in file names
_PEOPLES_COMMITTEE = re.compile(r"^(UBND|Ủy ban nhân dân)\s+", re.IGNORECASE)
#: query-string keys that make up the filters, kept in every link and export
KEYS = ("period", "month", "quarter", "year", "from", "to", "unit", "field", "channel", "profile", "boundaries")


@dataclass
class Filters:
    period: Period
    unit: Unit | None
    field_code: str | None
    channel: str | None
    profile: str
    unit_ids: tuple[int, ...] | None
    settings: Settings = field(default_factory=Settings)
    messages: list[str] = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)
    #: the day whose boundaries units are read on (survey.figures.boundaries); None: as recorded
    boundaries: date | None = None

    def scope(self, period: Period | None = None) -> Scope:
        period = period or self.period
        return Scope(
            profile=self.profile, start_month=period.start, end_month=period.end, unit_ids=self.unit_ids,
            field_codes=(self.field_code,) if self.field_code else (), channels=(self.channel,) if self.channel else (),
            boundaries=self.boundaries,
        )  # fmt: skip

    # What the filters hold, in words and as a file name (the exports: survey.admin.exports).
    def _parts(self) -> list[str]:
        """Scope, field, channel, period: ``Toàn huyện Bình Sơn``, ``Lĩnh vực Hộ tịch``, ``Quét mã QR``,
        ``Tháng 10/2026``; a unit with units under it in scope is named "Toàn …"."""
        if self.unit is None:
            scope = "Tất cả đơn vị"
        elif self.unit_ids is not None and len(self.unit_ids) > 1:
            scope = "Toàn " + _PEOPLES_COMMITTEE.sub("", self.unit.name)
        else:
            scope = self.unit.name
        parts = [scope]
        if self.field_code:
            parts.append("Lĩnh vực " + dict(field_options()).get(self.field_code, self.field_code))
        if self.channel:
            parts.append(labels.channel(self.channel))
        return [*parts, self.period.label]

    def title(self) -> str:
        """``Toàn huyện Bình Sơn — Lĩnh vực Hộ tịch — Quét mã QR — Tháng 10/2026``."""
        return " — ".join(self._parts())

    def file_stem(self, what: str) -> str:
        """``sipas-tong-quan_xa-binh-son_ho-tich_quet-ma-qr_thang-10-2026`` for ``what`` = ``Tổng quan``."""
        parts = [_PEOPLES_COMMITTEE.sub("", p).removeprefix("Lĩnh vực ") for p in self._parts()]
        return "_".join([f"sipas-{slug(what)}", *(slug(p) for p in parts if slug(p))])


def root_units(user: User) -> list[Unit]:
    """The top of the tree this account sees."""
    if user.sees_all_units:
        return list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.name)))
    return [user.unit] if user.unit else []


def unit_options(user: User) -> list[tuple[str, str]]:
    """(code, indented name) for every unit the account sees, in tree order."""
    allowed = visible_unit_ids(user)
    units = list(db.session.scalars(select(Unit).order_by(Unit.name)))
    if allowed is not None:
        units = [u for u in units if u.id in set(allowed)]
    children: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for u in units:
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    out: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for u in children.get(parent, []):
            out.append((u.code, "\u2003" * depth + u.name))
            walk(u.id, depth + 1)

    walk(None, 0)
    return out


def field_options() -> list[tuple[str, str]]:
    return [(f.code, f.name) for f in db.session.scalars(select(Field).order_by(Field.sort_order, Field.name))]


def parse(args, user: User) -> Filters:
    """Filters from the query string; a unit the account may not see is a 404, as if it did not exist."""
    period, messages = parse_args(args)
    settings = current_settings()
    allowed = visible_unit_ids(user)
    unit = None
    code = args.get("unit")
    if code:
        unit = unit_by_code(code)
        if unit is None or (allowed is not None and unit.id not in allowed):
            abort(404)
    elif user.unit is not None:  # an officer's unit; a reviewer of a province starts at the province
        unit = user.unit
    unit_ids = tuple(subtree_ids(unit.id)) if unit is not None else (tuple(allowed) if allowed is not None else None)
    on = _boundaries(args.get("boundaries"), messages)
    if on is not None and unit is not None and unit.valid_to is not None and unit.valid_to < on:
        on = None  # a former unit is shown as it was
    if on is not None and unit_ids is not None:
        unit_ids = boundaries.expand(unit_ids, on)
    field_code = args.get("field") or None
    if field_code and field_code not in dict(field_options()):
        messages.append("Lĩnh vực không hợp lệ; đang xem mọi lĩnh vực.")
        field_code = None
    channel = args.get("channel") or None
    if channel and channel not in CHANNELS:
        messages.append("Kênh không hợp lệ; đang xem mọi kênh.")
        channel = None
    profile = args.get("profile") or settings.profile
    if profile not in profile_codes():
        messages.append(f"Mẫu phiếu không hợp lệ; đang xem {labels.profile_name(settings.profile)}.")
        profile = settings.profile
    kept = {k: args[k] for k in KEYS if args.get(k)}
    return Filters(period, unit, field_code, channel, profile, unit_ids, settings, messages, kept, on)


def _boundaries(value: str | None, messages: list[str]) -> date | None:
    """``boundaries=YYYY-MM-DD`` (default today), or ``boundaries=recorded``: every answer where it was given."""
    if value == "recorded":
        return None
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            messages.append("Ngày địa giới không hợp lệ; đang xem theo địa giới hiện hành.")
    return today()
