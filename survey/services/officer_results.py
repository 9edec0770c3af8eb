"""Officers' results: read once, for the officer's page and the annual sheet, never for routine reports.

Officers' results are personal data of the officers (Luật 91/2025/QH15): only the officer,
the leader of their unit (an account of the unit without an officer record) and the
province reviewer see them; the administrator manages the records but not the results.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from analysis.officers import officer_table
from analysis.profile import load_profile
from survey.extensions import db
from survey.models import Field, Officer, Response, Unit, User
from survey.models.responses import answer_column
from survey.queries import Scope, where_clauses
from survey.services.masking import mask_personal
from survey.services.users import visible_unit_ids

#: the element of the officer's own work (method §4.1)
ELEMENT = "C"
#: group → what the page and the sheet say
GROUP_NAMES = {"above": "Cao hơn mức chung của đơn vị", "about": "Ngang mức chung của đơn vị",
               "below": "Thấp hơn mức chung của đơn vị"}  # fmt: skip


@dataclass(frozen=True)
class Months:
    """A period as YYYYMM bounds in Vietnam time, both ends included, with its Vietnamese label."""

    start: int
    end: int
    label: str

    @classmethod
    def year(cls, year: int) -> Months:
        return cls(year * 100 + 1, year * 100 + 12, f"Năm {year}")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Months:
        first = (quarter - 1) * 3 + 1
        return cls(year * 100 + first, year * 100 + first + 2, f"Quý {quarter}/{year}")


def element_items(profile: str = "sipas-2024") -> tuple[str, ...]:
    return next(e for e in load_profile(profile).elements if e.code == ELEMENT).item_codes


def can_see_results(user: User, officer: Officer) -> bool:
    """The officer themself; otherwise the leader of their unit (or a unit above) and the reviewer."""
    if user.officer_id is not None:
        return user.officer_id == officer.id
    if user.role == "reviewer":
        return True
    if user.role != "unit_officer":
        return False
    allowed = visible_unit_ids(user)
    return allowed is not None and officer.unit_id in allowed


def officer_figures(unit_id: int, months: Months, *, min_n: int, profile: str = "sipas-2024") -> pd.DataFrame:
    """Raw and adjusted figures of every officer of one unit (:func:`analysis.officers.officer_table`).

    The one read of officers' figures: it takes the unit's responses in the period through the
    query layer's scope (so exclusions and periods mean what they mean on the dashboard), one
    row per response with its field, officer code and the element's answers. Responses without
    an officer count in the unit's field mix.
    """
    codes = element_items(profile)
    scope = Scope(profile=profile, start_month=months.start, end_month=months.end, unit_ids=(unit_id,))
    columns = [getattr(Response, answer_column(c)) for c in codes]
    stmt = (
        select(Unit.code, Field.code, Officer.code, *columns)
        .join(Unit, Response.unit_id == Unit.id)
        .join(Field, Response.field_id == Field.id)
        .outerjoin(Officer, Response.officer_id == Officer.id)
        .where(*where_clauses(scope))
    )
    rows = db.session.execute(stmt).all()
    df = pd.DataFrame(rows, columns=["unit_code", "field_code", "officer_code", *codes])
    df["officer_code"] = df["officer_code"].fillna("").astype(str)
    for code in codes:
        df[code] = pd.array(df[code].tolist(), dtype="Int64")
    df["profile"] = profile
    return officer_table(df, ELEMENT, profile=profile, min_n=min_n)


def comments_about(officer: Officer, months: Months) -> list[str]:
    """Citizens' comments on responses attributed to the officer, masked of personal data."""
    scope = Scope(start_month=months.start, end_month=months.end, unit_ids=(officer.unit_id,))
    stmt = (
        select(Response.comment)
        .where(*where_clauses(scope), Response.officer_id == officer.id, Response.comment.is_not(None))
        .order_by(Response.submitted_at.desc())
    )
    return [mask_personal(text) for text in db.session.scalars(stmt) if text.strip()]
