"""The dashboard's filters: parsed from the URL, checked against what the account may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import select

from analysis.profile import profile_codes
from survey.extensions import db
from survey.figures import Settings, labels
from survey.figures import current as current_settings
from survey.figures.periods import Period, parse_args
from survey.models import Field, Unit, User
from survey.models.responses import CHANNELS
from survey.queries import Scope
from survey.services.units import subtree_ids, unit_by_code
from survey.services.users import visible_unit_ids

#: query-string keys that make up the filters, kept in every link and export
KEYS = ("period", "month", "quarter", "year", "from", "to", "unit", "field", "channel", "profile", "dossier")


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
    #: ballots of dossiers returned on time ("on_time") or late ("late"); None: every ballot
    dossier: str | None = None

    def scope(self, period: Period | None = None) -> Scope:
        period = period or self.period
        return Scope(
            profile=self.profile, start_month=period.start, end_month=period.end, unit_ids=self.unit_ids,
            field_codes=(self.field_code,) if self.field_code else (), channels=(self.channel,) if self.channel else (),
            dossier=self.dossier,
        )  # fmt: skip


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
    elif not user.sees_all_units:
        unit = user.unit
    unit_ids = tuple(subtree_ids(unit.id)) if unit is not None else (tuple(allowed) if allowed is not None else None)
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
    dossier = args.get("dossier") or None
    if dossier and dossier not in labels.DOSSIER_TIMELINESS:
        messages.append("Tình trạng hồ sơ không hợp lệ; đang xem mọi hồ sơ.")
        dossier = None
    kept = {k: args[k] for k in KEYS if args.get(k)}
    return Filters(period, unit, field_code, channel, profile, unit_ids, settings, messages, kept, dossier)
