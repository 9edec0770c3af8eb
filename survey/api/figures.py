"""The read API's figures: the dashboard's own, read through one call (:func:`_figures`).

Figures, periods, settings and rounding come from :mod:`survey.figures`, as on the dashboard.
"""

from __future__ import annotations

import math
import re
from datetime import date

from analysis.profile import load_profile
from survey.figures import boundaries, fmt, labels, tables
from survey.figures import current as current_settings
from survey.figures.periods import Period, last_ended_month, period_month, vn_now
from survey.models import Unit
from survey.models.types import utcnow
from survey.queries import Scope
from survey.services import response_rates
from survey.services.units import subtree_ids, today

#: the API's ``by`` → the query layer's group column
GROUPS = {"field": "field_code", "month": "month", "unit": "unit_code"}
PROFILE = "sipas-2024"


def parse_period(text: str | None) -> Period | None:
    """``2026-10`` (month), ``2026-Q3`` (quarter), ``2026`` (year); default the last full month; None if
    malformed or not begun."""
    if not text:
        return last_ended_month(vn_now())
    try:
        period = Period.parse(text)
    except ValueError:
        return None
    if not re.fullmatch(r"\d{4}(-\d{2}|-Q[1-4])?", text) or period.start > period_month(utcnow()):
        return None
    return period


def _figures(scope: Scope, column: str):
    """THE one read of figures for the API: SIPAS and element rows per group, as the dashboard computes them."""
    return tables.composites(tables.table(scope, [column], current_settings()))


def _number(x) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return fmt.rounded(float(x), 2)


def parse_boundaries(text: str | None) -> date | None:
    """``boundaries``: ``YYYY-MM-DD`` (default today, as the dashboard), ``recorded`` (every answer where it
    was given: None); raises ValueError for a day that is no date."""
    if text == "recorded":
        return None
    return date.fromisoformat(text) if text else today()


def indices(allowed: set[int] | None, unit: Unit | None, period: Period, by: str, dossier: str | None = None,
            on: date | None = None) -> dict:  # fmt: skip
    """The figures of ``unit`` (and the units below), or of the key's units ``allowed`` (None: all);
    ``dossier`` ("on_time", "late"): only the ballots of dossiers returned on time or late, without
    response rates (the dossier counts do not say which dossiers were answered); ``on``: the day whose
    boundaries units are read on (survey.figures.boundaries, as the dashboard's ``boundaries``)."""
    if unit is not None:
        unit_ids = tuple(subtree_ids(unit.id))
        if on is not None and unit.valid_to is not None and unit.valid_to < on:
            on = None  # a former unit is shown as it was (as on the dashboard)
    else:
        unit_ids = tuple(sorted(allowed)) if allowed is not None else None
    if on is not None and unit_ids is not None:
        unit_ids = boundaries.expand(unit_ids, on)
    scope = Scope(profile=PROFILE, start_month=period.start, end_month=period.end, unit_ids=unit_ids, dossier=dossier,
                  boundaries=on)  # fmt: skip
    column = GROUPS[by]
    table = _figures(scope, column)
    profile = load_profile(PROFILE)
    element_names = {e.code: e.name for e in profile.elements} | {"SIPAS": labels.OVERALL_NAME}
    if by == "field":
        names = tables.field_names()
    elif by == "unit":
        names = boundaries.former_names(scope, tables.unit_names(table[column])) if not table.empty else {}
    else:
        names = {}
    rates = {} if dossier else {r[column]: r for r in response_rates.rates(scope, [column]).to_dict("records")}
    estimated = boundaries.estimated_groups(scope, [column]) if on is not None else set()
    estimated_all = bool(boundaries.estimated_groups(scope, ())) if on is not None else False
    groups = []
    if not table.empty:
        for key_value, part in table.groupby(column, sort=True):
            figures = []
            for r in part.itertuples():
                flags = [f for f in str(r.flag or "").split(";") if f and f != "nan"]
                figures.append({"code": r.code, "name": element_names.get(r.code, r.code), "index": _number(r.index),
                                "ci_low": _number(r.ci_low), "ci_high": _number(r.ci_high),
                                "n_valid": int(boundaries.whole(r.n_valid)), "flags": flags})  # fmt: skip
            figures.sort(key=lambda f: (f["code"] != "SIPAS", f["code"]))
            name = names.get(key_value) or (_month_name(key_value) if by == "month" else key_value)
            mark = (key_value,) in estimated if by == "unit" else estimated_all
            groups.append({"code": key_value, "name": name, "n": int(boundaries.whole(part["n_responses"].iloc[0])),
                           **_rate(rates.pop(key_value, None), mark), "figures": figures})  # fmt: skip
    for key_value, rate in rates.items():  # dossiers returned, no answer at all
        name = names.get(key_value) or (_month_name(key_value) if by == "month" else key_value)
        mark = (key_value,) in estimated if by == "unit" else estimated_all
        groups.append({"code": key_value, "name": name, "n": 0, **_rate(rate, mark), "figures": []})
    groups.sort(key=lambda g: g["code"])
    weighted = response_rates.weighted_sipas(scope)
    weighted = weighted[weighted["level"] == "overall"] if not weighted.empty else weighted
    start, end = (
        f"{period.start // 100:04d}-{period.start % 100:02d}",
        f"{period.end // 100:04d}-{period.end % 100:02d}",
    )
    return {"unit": {"code": unit.code, "name": unit.name} if unit else None,
            "period": start if start == end else f"{start}/{end}", "period_label": period.label, "by": by,
            "dossier": dossier, "boundaries": on.isoformat() if on is not None else None,
            "notes": boundaries.notes(scope),
            "rule": current_settings().rule, "groups": groups,
            "sipas_weighted_by_field": _number(weighted["index"].iloc[0]) if not weighted.empty else None}  # fmt: skip


def _rate(rate: dict | None, estimated: bool = False) -> dict:
    """A group's dossiers and response rate; ``estimated``: they take shares of a split unit."""
    mark = [boundaries.ESTIMATED] if estimated else []
    if rate is None:
        return {"returned": None, "response_rate": None, "flags": mark}
    returned = rate["returned"]
    returned = None if returned is None or (isinstance(returned, float) and math.isnan(returned)) else int(returned)
    return {
        "returned": returned,
        "response_rate": _number(rate["rate"]),
        "flags": ([rate["flag"]] if rate["flag"] else []) + mark,
    }


def _month_name(value: str) -> str:
    return f"Tháng {value[5:7]}/{value[:4]}"
