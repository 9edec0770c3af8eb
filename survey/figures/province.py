"""A province's figures from its communes: the method's rule across units.

A province's index is the unweighted mean of its communes' indices (``analysis.parents``,
"mean of child indices"), on the boundaries of the scope's day: every commune (xã, phường,
đặc khu) in force that day with a defined index counts once, whatever its number of answers.
Former districts' own lines, the province's own counters and departments are not communes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from analysis.indices import OVERALL_CODE
from analysis.parents import parent_from_children
from survey.extensions import db
from survey.figures import boundaries, fmt, tables
from survey.figures.settings import Settings
from survey.models import Unit
from survey.queries import Scope

#: the kinds of unit whose index is the mean of their communes'
PARENT_KINDS = ("province",)


@dataclass(frozen=True)
class ProvinceIndex:
    table: pd.DataFrame  #: parent_from_children rows (every level), without the parent column
    n_communes: int  #: communes with a defined overall index

    @property
    def overall(self) -> float | None:
        rows = self.table.loc[(self.table["level"] == "overall") & (self.table["code"] == OVERALL_CODE), "index"]
        return float(rows.iloc[0]) if len(rows) and pd.notna(rows.iloc[0]) else None


def commune_table(scope: Scope, settings: Settings, intervals: bool = True) -> pd.DataFrame:
    """The SIPAS table by ``unit_code`` of the communes of ``scope`` only (rank peers of its day);
    without ``intervals``, the communes' composite intervals are not computed (nor the parent's)."""
    t = tables.table(scope, ["unit_code"], settings, intervals=intervals)
    if t.empty:
        return t
    return t[t["unit_code"].isin(boundaries.rank_peers(scope, t["unit_code"].unique()))].reset_index(drop=True)


def from_communes(table: pd.DataFrame, settings: Settings) -> ProvinceIndex:
    """The parent's table from a communes' table by ``unit_code`` (unweighted mean of their indices)."""
    if table.empty:
        return ProvinceIndex(table, 0)
    parent = parent_from_children(table, "unit_code", dict.fromkeys(table["unit_code"].unique(), "parent"),
                                  min_n=settings.min_n, confidence=settings.confidence)  # fmt: skip
    overall = parent.loc[(parent["level"] == "overall") & (parent["code"] == OVERALL_CODE)]
    n = int(overall["n_children"].iloc[0]) if len(overall) else 0
    return ProvinceIndex(parent.drop(columns="parent_code"), n)


def province_index(scope: Scope, settings: Settings, intervals: bool = True) -> ProvinceIndex:
    return from_communes(commune_table(scope, settings, intervals), settings)


def notes(unit: Unit | None, scope: Scope, settings: Settings) -> list[str]:
    """The dashboard's line for a province (the one chosen, or the only one when every unit is shown): its
    index as the mean of its communes'."""
    if unit is None and scope.unit_ids is None:
        roots = list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None), Unit.kind.in_(PARENT_KINDS),
                                                           Unit.valid_to.is_(None))))  # fmt: skip
        unit = roots[0] if len(roots) == 1 else None
    if unit is None or unit.kind not in PARENT_KINDS:
        return []
    communes = commune_table(scope, settings, intervals=False)  # the line shows the index alone
    result = from_communes(tables.overall(communes), settings)
    if result.overall is None:
        return []
    return [
        f"Chỉ số SIPAS của {unit.name} (trung bình cộng không trọng số chỉ số của {fmt.integer(result.n_communes)} "
        f"xã, phường, đặc khu có phiếu): {fmt.percent(result.overall)}. Bảng trên gộp mọi người trả lời như "
        "một mẫu, chỉ để tham khảo."
    ]
