"""The dashboard's filters: parsed from the URL, checked against what the account may see.

Two spellings of a period reach :func:`parse`: the canonical keys every link and export carries
(``period=month&month=2026-10``, ``quarter=2026-Q3``, ``year=2026``, ``from``/``to``) and the form's
boxes (a month or a quarter picked from a list, and a year). The form shows only the boxes of the
chosen kind of period; a box of another kind that still arrives (an edited link) is named in a
message, never dropped in silence.

A unit is two scopes when units sit under it: the unit with everything under it (``unit=CODE``)
and its own counters only (``unit=rieng:CODE``); :func:`survey.figures.labels.unit_scope_name`
names both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import abort

from analysis.profile import profile_codes
from survey import unit_tree
from survey.figures import Settings, boundaries, labels
from survey.figures import current as current_settings
from survey.figures.export import slug
from survey.figures.periods import KINDS, YEARS, Period, last_ended_month, month_key, parse_args, parse_month, vn_now
from survey.models import Unit, User
from survey.models.responses import CHANNELS
from survey.queries import Scope
from survey.services.catalogue import fields_in_order
from survey.services.units import resolve_code, subtree_ids, today, unit_by_code
from survey.services.users import visible_unit_ids
from survey.unit_tree import Node

#: query-string keys that make up the filters, kept in every link and export
#: "UBND " before a unit's name, left out in file names
_PEOPLES_COMMITTEE = re.compile(r"^(UBND|Ủy ban nhân dân)\s+", re.IGNORECASE)
KEYS = (
    "period",
    "month",
    "quarter",
    "year",
    "from",
    "to",
    "unit",
    "field",
    "channel",
    "profile",
    "boundaries",
    "dossier",
)
#: the value prefix of a unit's own counters in ``unit=`` ("riêng")
ALONE = "rieng:"
#: the form's boxes of each kind of period (a number picked from a list, and a year)
FORM_BOXES = {"month": ("month_no", "month_year"), "quarter": ("quarter_no", "quarter_year"), "year": ("year",),
              "range": ("from_no", "from_year", "to_no", "to_year")}  # fmt: skip
#: the canonical keys of each kind of period
PERIOD_KEYS = {"month": ("month",), "quarter": ("quarter",), "year": ("year",), "range": ("from", "to")}
BOX_NAMES = {"month": "Tháng", "month_no": "Tháng", "month_year": "Năm", "quarter": "Quý", "quarter_no": "Quý",
             "quarter_year": "Năm", "year": "Năm", "from": "Từ tháng", "from_no": "Từ tháng", "from_year": "Năm",
             "to": "Đến tháng", "to_no": "Đến tháng", "to_year": "Năm"}  # fmt: skip


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
    #: True: the unit's own counters only; False: the unit and every unit under it
    unit_alone: bool = False
    #: whether units sit under the chosen unit (a unit without any is one scope, named plainly)
    unit_has_children: bool = False
    #: the day whose boundaries units are read on (survey.figures.boundaries); None: as recorded
    boundaries: date | None = None
    #: ballots of dossiers returned on time ("on_time") or late ("late"); None: every ballot
    dossier: str | None = None

    def scope(self, period: Period | None = None) -> Scope:
        period = period or self.period
        return Scope(
            profile=self.profile, start_month=period.start, end_month=period.end, unit_ids=self.unit_ids,
            field_codes=(self.field_code,) if self.field_code else (), channels=(self.channel,) if self.channel else (),
            boundaries=self.boundaries,
            dossier=self.dossier,
        )  # fmt: skip

    @property
    def scope_name(self) -> str:
        """``Toàn huyện Bình Sơn``, ``Bộ phận Một cửa của UBND huyện Bình Sơn``, ``UBND xã …``, ``Tất cả đơn vị``."""
        if self.unit is None:
            return labels.ALL_UNITS
        return labels.unit_scope_name(self.unit.name, alone=self.unit_alone, has_children=self.unit_has_children)

    @property
    def unit_value(self) -> str:
        """The unit choice as the form's ``unit`` value (``CODE``, ``rieng:CODE``, empty for every unit)."""
        return "" if self.unit is None else (ALONE if self.unit_alone else "") + unit_param(self.unit)

    @property
    def field_name(self) -> str | None:
        return dict(field_options()).get(self.field_code) if self.field_code else None

    def summary(self) -> list[str]:
        """What the filters select, in words: scope, period, and the field and channel when chosen."""
        parts = [self.scope_name, self.period.label]
        if self.field_code:
            parts.append(f"lĩnh vực {self.field_name}")
        if self.channel:
            parts.append(labels.channel(self.channel))
        if self.dossier:
            parts.append(f"hồ sơ {labels.DOSSIER_TIMELINESS[self.dossier].lower()}")
        if self.profile != self.settings.profile:
            parts.append(labels.profile_name(self.profile))
        return parts

    # What the filters hold, in words and as a file name (the exports: survey.admin.exports).
    def _parts(self) -> list[str]:
        """Scope, field, channel, period: ``Toàn huyện Bình Sơn``, ``Lĩnh vực Hộ tịch``, ``Quét mã QR``,
        ``Tháng 10/2026``."""
        parts = [self.scope_name]
        if self.field_code:
            parts.append("Lĩnh vực " + (self.field_name or self.field_code))
        if self.channel:
            parts.append(labels.channel(self.channel))
        if self.dossier:
            parts.append(f"Hồ sơ {labels.DOSSIER_TIMELINESS[self.dossier].lower()}")
        return [*parts, self.period.label]

    def title(self) -> str:
        """``Toàn huyện Bình Sơn — Lĩnh vực Hộ tịch — Quét mã QR — Tháng 10/2026``."""
        return " — ".join(self._parts())

    def file_stem(self, what: str) -> str:
        """``sipas-tong-quan_xa-binh-son_ho-tich_quet-ma-qr_thang-10-2026`` for ``what`` = ``Tổng quan``."""
        parts = [_PEOPLES_COMMITTEE.sub("", p).removeprefix("Lĩnh vực ") for p in self._parts()]
        return "_".join([f"sipas-{slug(what)}", *(slug(p) for p in parts if slug(p))])


def unit_param(unit: Unit | Node) -> str:
    """A unit as the ``unit`` value of a URL: its code, and for a former unit also its last day (``21040@2025-06-30``),
    since a code may be reused by the unit in force today (Thị trấn Châu Ổ's 21040 is Xã Bình Sơn's from 1/7/2025)."""
    return unit.code if unit.valid_to is None else f"{unit.code}@{unit.valid_to.isoformat()}"


def unit_from_param(value: str) -> Unit | None:
    """The unit :func:`unit_param` named (``None`` for an unknown code or a bad day)."""
    code, _, day = value.partition("@")
    if not day:
        return unit_by_code(code)
    try:
        on = date.fromisoformat(day)
    except ValueError:
        return None
    return resolve_code(code, on)


def has_children(unit: Unit | Node) -> bool:
    return bool(unit_tree.tree().children.get(unit.id))


def children_of(unit: Unit | Node | None) -> list[Node]:
    """The units directly under ``unit`` (under nothing: the top units), by name."""
    tree = unit_tree.tree()
    return [tree.nodes[i] for i in tree.children.get(None if unit is None else unit.id, ())]


def visible_tree(user: User) -> dict[int | None, list[Node]]:
    """Parent id → the units under it that the account sees (``None``: the top of what it sees), by name."""
    allowed = visible_unit_ids(user)
    units = list(unit_tree.tree().nodes.values())
    if allowed is not None:
        allowed = set(allowed)
        units = [u for u in units if u.id in allowed]
    ids = {u.id for u in units}
    children: dict[int | None, list[Node]] = {}
    for u in units:
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    return children


def unit_options(user: User) -> list[tuple[str, str]]:
    """(value, indented name) of every scope the account sees, in tree order.

    A unit with units under it gives two choices: ``Toàn …`` (value: its code) and its own counters
    (value: ``rieng:`` + code); a unit without gives one, its name.
    """
    children = visible_tree(user)
    out: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for u in children.get(parent, []):
            indent = "\u2003" * depth
            if children.get(u.id):
                out.append((unit_param(u), indent + labels.unit_scope_name(u.name)))
                out.append((ALONE + unit_param(u), indent + "\u2003" + labels.unit_scope_name(u.name, alone=True)))
            else:
                out.append((unit_param(u), indent + u.name))
            walk(u.id, depth + 1)

    walk(None, 0)
    return out


def field_options() -> list[tuple[str, str]]:
    return [(f.code, f.name) for f in fields_in_order()]


def year_options(period: Period, now=None) -> list[int]:
    """Years a period box offers: the last five up to this year, and the chosen period's years."""
    this_year = last_ended_month(now or vn_now()).year
    first = min(this_year - 4, period.start // 100)
    last = max(this_year, period.end // 100)
    return list(range(max(first, YEARS.start), min(last, YEARS.stop - 1) + 1))


def _month_from_boxes(number: str, year: str) -> str | None:
    """``'10'``, ``'2026'`` → ``'2026-10'``; anything else → a text parse_args calls not valid."""
    if not (number.isdigit() and year.isdigit()):
        return f"{year}-{number}"
    return month_key(int(year) * 100 + int(number)) if 1 <= int(number) <= 12 else f"{year}-{number}"


def period_args(args) -> tuple[dict[str, str], list[str]]:
    """The canonical period keys of a query string (the form's boxes turned into them), and messages
    naming any box that does not belong to the chosen kind of period."""
    given = {k: (args.get(k) or "").strip() for k in (*KEYS[:6], *{b for bs in FORM_BOXES.values() for b in bs})}
    kind = given["period"]
    if not kind:  # a link without a kind: the kind of the keys it carries
        kind = next((k for k in ("quarter", "range", "year") if any(given[x] for x in PERIOD_KEYS[k])), "month")
        if kind == "year" and given["month"]:
            kind = "month"
    out = {"period": kind}
    if kind == "month" and (given["month_no"] or given["month_year"]):
        out["month"] = _month_from_boxes(given["month_no"], given["month_year"]) or ""
    elif kind == "quarter" and (given["quarter_no"] or given["quarter_year"]):
        out["quarter"] = f"{given['quarter_year']}-Q{given['quarter_no']}"
    elif kind == "range" and any(given[b] for b in FORM_BOXES["range"]):
        out["from"] = _month_from_boxes(given["from_no"], given["from_year"]) or ""
        out["to"] = _month_from_boxes(given["to_no"], given["to_year"]) or ""
    for key in PERIOD_KEYS.get(kind, ()):
        out.setdefault(key, given[key])
    messages = []
    if kind not in KINDS:
        messages.append("Loại kỳ không hợp lệ; đang xem theo tháng.")
        kind, out = "month", {"period": "month", "month": given["month"]}
    messages += _check(out)
    anchor = parse_month(args.get("anchor"))
    if anchor is not None and not any(out.get(k) for k in PERIOD_KEYS[kind]):
        # the kind was changed without a script: the new kind's period around the month looked at
        out.update(_period_keys(_around(anchor, kind)))
        return out, messages
    own = set(PERIOD_KEYS[kind]) | set(FORM_BOXES[kind])
    stray = [k for k, v in given.items() if v and k != "period" and k not in own]
    if stray:
        names = ", ".join(dict.fromkeys(BOX_NAMES[k] for k in stray))
        messages.append(f"Đang xem theo {labels.PERIOD_KINDS[kind].lower()}: đã bỏ qua ô {names} "
                        "(ô đó thuộc loại kỳ khác).")  # fmt: skip
    return {k: v for k, v in out.items() if v}, messages


def _check(out: dict[str, str]) -> list[str]:
    """Drop a period value that names no period (parse_args then takes the default) and say so, in words."""
    kind, messages = out["period"], []
    if kind == "month" and out.get("month") and parse_month(out["month"]) is None:
        del out["month"]
        messages.append("Tháng không hợp lệ; đang xem tháng gần nhất đã kết thúc.")
    if kind == "quarter" and out.get("quarter"):
        match = re.fullmatch(r"(\d{4})-[Qq]([1-4])", out["quarter"])
        if not match or int(match.group(1)) not in YEARS:
            del out["quarter"]
            messages.append("Quý không hợp lệ (chọn Quý I–IV và năm); đang xem quý gần nhất.")
    if kind == "year" and out.get("year") and not (out["year"].isdigit() and int(out["year"]) in YEARS):
        del out["year"]
        messages.append("Năm không hợp lệ; đang xem năm gần nhất.")
    if kind == "range":
        start, end = parse_month(out.get("from")), parse_month(out.get("to"))
        if start is None or end is None or start > end:
            out.pop("from", None), out.pop("to", None)
            messages.append("Khoảng tháng không hợp lệ (cần tháng đầu và tháng cuối, tháng đầu không sau tháng "
                            "cuối); đang xem 12 tháng gần nhất.")  # fmt: skip
    return messages


def _around(month: int, kind: str) -> Period:
    """The period of ``kind`` around a month: itself, its quarter, its year, or the 12 months to it."""
    if kind == "quarter":
        return Period.quarter(month // 100, (month % 100 - 1) // 3 + 1)
    if kind == "year":
        return Period.year_of(month // 100)
    if kind == "range":
        return Period.of_month(month).trend_months(12)
    return Period.of_month(month)


def _period_keys(period: Period) -> dict[str, str]:
    """The canonical keys of a parsed period (what links and exports carry)."""
    if period.kind == "month":
        return {"period": "month", "month": month_key(period.start)}
    if period.kind == "quarter":
        return {"period": "quarter", "quarter": period.key}
    if period.kind == "year":
        return {"period": "year", "year": period.key}
    return {"period": "range", "from": month_key(period.start), "to": month_key(period.end)}


def parse(args, user: User) -> Filters:
    """Filters from the query string; a unit the account may not see is a 404, as if it did not exist."""
    canonical, messages = period_args(args)
    period, errors = parse_args(canonical)
    if errors and not messages:  # period_args checks what parse_args checks; this is only a safety net
        messages.append("Kỳ đã chọn không hợp lệ; đang xem kỳ mặc định.")
    settings = current_settings()
    allowed = visible_unit_ids(user)
    unit = None
    value = (args.get("unit") or "").strip()
    alone = value.startswith(ALONE)
    code = value[len(ALONE) :] if alone else value
    if code:
        unit = unit_from_param(code)
        if unit is None or (allowed is not None and unit.id not in allowed):
            abort(404)
    elif user.unit is not None:  # an officer's unit; a reviewer of a province starts at the province
        unit = user.unit
    children = unit is not None and has_children(unit)
    alone = alone and children  # a unit with nothing under it is one scope
    if unit is None:
        unit_ids = tuple(allowed) if allowed is not None else None
    else:
        unit_ids = (unit.id,) if alone else tuple(subtree_ids(unit.id))
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
    kept = _period_keys(period)
    if unit is not None and value:
        kept["unit"] = (ALONE if alone else "") + unit.code
    kept.update({k: v for k, v in (("field", field_code), ("channel", channel)) if v})
    if args.get("profile") and profile == args.get("profile"):
        kept["profile"] = profile
    dossier = args.get("dossier") or None
    if dossier and dossier not in labels.DOSSIER_TIMELINESS:
        messages.append("Tình trạng hồ sơ không hợp lệ; đang xem mọi hồ sơ.")
        dossier = None
    if dossier:
        kept["dossier"] = dossier
    if args.get("boundaries"):
        kept["boundaries"] = args["boundaries"]
    return Filters(period, unit, field_code, channel, profile, unit_ids, settings, messages, kept, alone, children, on,
                   dossier)  # fmt: skip


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


def period_form(period: Period) -> dict:
    """What the period boxes of the form show: every kind's boxes filled from ``period``, and the years offered.

    The boxes of the other kinds are hidden (and not sent); a script shows them when the kind changes,
    already filled from the period being looked at.
    """
    end, start = period.end, period.start
    values = {
        "month_no": end % 100, "month_year": end // 100, "quarter_no": (end % 100 - 1) // 3 + 1,
        "quarter_year": end // 100, "year": end // 100,
        "from_no": start % 100, "from_year": start // 100, "to_no": end % 100, "to_year": end // 100,
    }  # fmt: skip
    return {
        "kind": period.kind, "anchor": month_key(end), **{k: str(v) for k, v in values.items()},
        "month_options": [(str(m), str(m)) for m in range(1, 13)],
        "quarter_options": [(str(q), name) for q, name in labels.QUARTERS.items()],
        "year_options": [(str(y), str(y)) for y in year_options(period)],
    }  # fmt: skip
