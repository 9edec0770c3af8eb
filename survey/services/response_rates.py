"""Who is not answering: answers against dossiers returned, and the SIPAS weighted by each field's share.

A rate is answers / dossiers returned, per unit, field and month. A field whose dossiers got no answer
at all is flagged (``no_answers``), and so is a group with answers but no dossier count
(``no_dossiers``). The weighted SIPAS post-stratifies by field (``analysis.poststratify``): each field
counts by its share of dossiers returned rather than of answers. It is shown beside the unweighted
index; the method note's rule stays the default.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis.indices import sipas_table
from analysis.weights import poststratify
from survey import queries
from survey.extensions import db
from survey.figures import current as current_settings
from survey.models import DossierCount, Field, Unit
from survey.queries import Scope

BY = ("unit_code", "field_code", "month")


def dossiers_returned(scope: Scope, by: Sequence[str] = BY) -> pd.DataFrame:
    """``[*by, returned]``: dossiers returned per group. A cell sent for the whole field wins over its
    procedures' cells (never both: that would count a dossier twice)."""
    stmt = select(Unit.code, Field.code, DossierCount.month, DossierCount.procedure_id, DossierCount.returned)
    stmt = stmt.join(Unit, DossierCount.unit_id == Unit.id).join(Field, DossierCount.field_id == Field.id)
    if scope.start_month is not None:
        stmt = stmt.where(DossierCount.month >= scope.start_month)
    if scope.end_month is not None:
        stmt = stmt.where(DossierCount.month <= scope.end_month)
    if scope.unit_ids is not None:
        stmt = stmt.where(DossierCount.unit_id.in_(scope.unit_ids))
    if scope.field_codes:
        stmt = stmt.where(Field.code.in_(scope.field_codes))
    rows = pd.DataFrame(db.session.execute(stmt).all(),
                        columns=["unit_code", "field_code", "month", "procedure_id", "returned"])  # fmt: skip
    if rows.empty:
        return pd.DataFrame({**{b: pd.Series(dtype="str") for b in by}, "returned": pd.Series(dtype="int64")})
    rows["month"] = [f"{m // 100:04d}-{m % 100:02d}" for m in rows["month"]]
    cell = ["unit_code", "field_code", "month"]
    whole = rows[rows["procedure_id"].isna()]
    parts = rows[rows["procedure_id"].notna()].merge(whole[cell], on=cell, how="left", indicator=True)
    parts = parts[parts["_merge"] == "left_only"].drop(columns="_merge")
    cells = pd.concat([whole, parts])
    return cells.groupby(list(by), as_index=False)["returned"].sum().astype({"returned": "int64"})


def rates(scope: Scope, by: Sequence[str] = BY) -> pd.DataFrame:
    """``[*by, answers, returned, rate, flag]``; ``rate`` in percent (NaN without dossiers)."""
    by = list(by)
    answers = queries.responses_per_group(scope, by).rename(columns={"n_responses": "answers"})
    table = answers.merge(dossiers_returned(scope, by), on=by, how="outer") if by else None
    if not by:
        returned = dossiers_returned(scope, ["unit_code"])["returned"].sum()
        table = answers.assign(returned=returned)
    table["answers"] = table["answers"].fillna(0).astype("int64")
    returned = table["returned"].astype("float64")
    table["rate"] = np.where(returned > 0, 100 * table["answers"] / returned.where(returned > 0), np.nan)
    table["flag"] = np.select([(returned > 0) & (table["answers"] == 0), (table["answers"] > 0) & ~(returned > 0)],
                              ["no_answers", "no_dossiers"], "")  # fmt: skip
    return table.sort_values(by).reset_index(drop=True) if by else table


def weighted_sipas(scope: Scope, rule: str | None = None, min_n: int | None = None) -> pd.DataFrame:
    """The SIPAS table of ``scope`` post-stratified by field on dossiers returned; empty without dossier counts.

    Within a field every answer gets the weight w_h = (N_h / N) / (n_h / n) (``analysis.poststratify``,
    fields with dossiers but no answer left out and the rest re-scaled). The counts and moments of each
    field are scaled as ``analysis.counts`` scales a weighted response: counts by w_h, the moments' row
    of totals by w_h, the cross products by w_h².
    """
    settings = current_settings()
    rule, min_n = rule or settings.rule, min_n or settings.min_n
    counts, n_responses, moments = queries.frames(scope, ["field_code"], rule == "general_question",
                                                  all_questions=False)  # fmt: skip
    population = dossiers_returned(scope, ["field_code"]).rename(columns={"returned": "population"})
    population = population[population["population"] > 0]
    if counts.empty or population.empty or not set(n_responses["field_code"]) <= set(population["field_code"]):
        return pd.DataFrame()
    respondents = pd.DataFrame({"field_code": np.repeat(n_responses["field_code"].to_numpy(),
                                                        n_responses["n_responses"].to_numpy())})  # fmt: skip
    weights = poststratify(respondents, "field_code", population.set_index("field_code")["population"],
                           drop_empty=True)  # fmt: skip
    w = respondents.assign(w=weights).drop_duplicates("field_code").set_index("field_code")["w"]
    counts = counts.assign(n=counts["n"] * counts["field_code"].map(w))
    scale = moments["field_code"].astype(str).map(w).astype("float64")
    row, col = moments["row"].astype(str), moments["col"].astype(str)
    factor = np.where((row == "1") & (col == "1"), 1.0, np.where((row == "1") | (col == "1"), scale, scale**2))
    moments = moments.assign(sum=moments["sum"].astype("float64") * factor, row=row, col=col)
    counts = counts.groupby(["code", "value"], dropna=False, as_index=False)["n"].sum()
    moments = moments.groupby(["row", "col"], as_index=False)["sum"].sum()
    n_total = pd.DataFrame({"n_responses": [int(n_responses["n_responses"].sum())]})
    return sipas_table(counts, [], profile=scope.profile, rule=rule, moments=moments, n_responses=n_total,
                       min_n=min_n)  # fmt: skip


def overview(scope: Scope) -> dict | None:
    """What the dashboard's overview says of a period: answers, dossiers returned, rate, fields without answers,
    and the weighted SIPAS beside the unweighted one. None when no dossier count is known."""
    by_field = rates(scope, ["field_code"])
    if by_field.empty or not (by_field["returned"].fillna(0) > 0).any():
        return None
    answers, returned = int(by_field["answers"].sum()), int(by_field["returned"].fillna(0).sum())
    names = dict(db.session.execute(select(Field.code, Field.name)).all())
    silent = [names.get(c, c) for c in by_field.loc[by_field["flag"] == "no_answers", "field_code"]]
    uncounted = [names.get(c, c) for c in by_field.loc[by_field["flag"] == "no_dossiers", "field_code"]]
    weighted = weighted_sipas(scope)
    overall = weighted[weighted["level"] == "overall"] if not weighted.empty else weighted
    return {"answers": answers, "returned": returned, "rate": 100 * answers / returned if returned else None,
            "silent_fields": silent, "uncounted_fields": uncounted,
            "weighted_index": float(overall["index"].iloc[0]) if not overall.empty else None}  # fmt: skip
