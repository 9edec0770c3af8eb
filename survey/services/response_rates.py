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
from survey.figures import boundaries, fmt, labels
from survey.figures import current as current_settings
from survey.models import DossierCount, Field, Unit
from survey.queries import Scope

BY = ("unit_code", "field_code", "month")


#: what a dossier count holds, in the order the tables show it
DOSSIER_COLUMNS = ("received", "returned", "returned_late")


def dossier_totals(scope: Scope, by: Sequence[str] = BY) -> pd.DataFrame:
    """``[*by, received, returned, returned_late]``: dossiers per group. A cell sent for the whole field
    wins over its procedures' cells (never both: that would count a dossier twice). With
    ``scope.boundaries`` a merged unit counts its predecessors' dossiers, as its answers
    (survey.figures.boundaries: exact for whole merges, by shares and rounded for a split unit)."""
    direct = boundaries.plain(scope, by)
    if direct is not None:
        return _dossier_totals(direct, by)
    rest = [b for b in by if b != "unit_code"]
    return boundaries.regroup(scope, by, _dossier_totals(boundaries.per_unit(scope), ["unit_id", *rest]),
                              DOSSIER_COLUMNS)  # fmt: skip


def _dossier_totals(scope: Scope, by: Sequence[str]) -> pd.DataFrame:
    stmt = select(DossierCount.unit_id, Unit.code, Field.code, DossierCount.month, DossierCount.procedure_id,
                  DossierCount.received, DossierCount.returned, DossierCount.returned_late)  # fmt: skip
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
                        columns=["unit_id", "unit_code", "field_code", "month", "procedure_id",
                                 *DOSSIER_COLUMNS])  # fmt: skip
    if rows.empty:
        return pd.DataFrame({**{b: pd.Series(dtype="int64" if b == "unit_id" else "str") for b in by},
                             **{c: pd.Series(dtype="int64") for c in DOSSIER_COLUMNS}})  # fmt: skip
    rows["month"] = [f"{m // 100:04d}-{m % 100:02d}" for m in rows["month"]]
    cell = ["unit_id", "field_code", "month"]  # by id: a code reused across a merger names two units
    whole = rows[rows["procedure_id"].isna()]
    parts = rows[rows["procedure_id"].notna()].merge(whole[cell], on=cell, how="left", indicator=True)
    parts = parts[parts["_merge"] == "left_only"].drop(columns="_merge")
    cells = pd.concat([whole, parts])
    totals = cells.groupby(list(by), as_index=False)[list(DOSSIER_COLUMNS)].sum()
    return totals.astype(dict.fromkeys(DOSSIER_COLUMNS, "int64"))


def dossiers_returned(scope: Scope, by: Sequence[str] = BY) -> pd.DataFrame:
    """``[*by, returned]``: dossiers returned per group (the population a response rate divides by)."""
    return dossier_totals(scope, by)[[*by, "returned"]]


def rates(scope: Scope, by: Sequence[str] = BY) -> pd.DataFrame:
    """``[*by, answers, received, returned, returned_late, rate, flag]``; ``rate`` in percent (NaN without
    dossiers), the dossier columns NaN for a group no dossier count covers."""
    by = list(by)
    answers = queries.responses_per_group(scope, by).rename(columns={"n_responses": "answers"})
    table = answers.merge(dossier_totals(scope, by), on=by, how="outer") if by else None
    if not by:
        totals = dossier_totals(scope, ["unit_code"])
        table = answers.assign(**{c: totals[c].sum() for c in DOSSIER_COLUMNS})
    table = _with_rate(table)
    return table.sort_values(by).reset_index(drop=True) if by else table


def _with_rate(table: pd.DataFrame) -> pd.DataFrame:
    table["answers"] = table["answers"].fillna(0).astype("int64")
    returned = table["returned"].astype("float64")
    table["rate"] = np.where(returned > 0, 100 * table["answers"] / returned.where(returned > 0), np.nan)
    table["flag"] = np.select([(returned > 0) & (table["answers"] == 0), (table["answers"] > 0) & ~(returned > 0)],
                              ["no_answers", "no_dossiers"], "")  # fmt: skip
    return table


def regroup(table: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """:func:`rates` of finer groups summed to ``by`` (e.g. a batch's units and fields to fields), rates and
    flags computed again on the sums; a dossier column stays NaN where no group had a count."""
    if table.empty:
        return table.drop(columns=[c for c in table.columns if c not in (*by, "answers", *DOSSIER_COLUMNS)])
    sums = table.groupby(list(by), as_index=False)[["answers", *DOSSIER_COLUMNS]].sum(min_count=1)
    return _with_rate(sums).sort_values(list(by)).reset_index(drop=True)


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
    # a split unit's shares make estimated (fractional) respondents: weighted as the whole ballots shown
    respondents = pd.DataFrame({"field_code": np.repeat(n_responses["field_code"].to_numpy(),
                                                        boundaries.whole(n_responses["n_responses"]))})  # fmt: skip
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
    """What the dashboard's overview, its exports and the reports say of a period (:func:`summarise`);
    None when no dossier count is known."""
    by_field = rates(scope, ["field_code"])
    if not has_dossiers(by_field):
        return None
    weighted = weighted_sipas(scope)
    overall = weighted[weighted["level"] == "overall"] if not weighted.empty else weighted
    return marked(summarise(by_field, field_names(), float(overall["index"].iloc[0]) if not overall.empty else None),
                  scope)  # fmt: skip


def marked(summary: dict, scope: Scope) -> dict:
    """``summary`` with ``estimated``: the estimate's words (labels.FLAGS) when the scope's answers and dossiers
    take shares of a split unit (survey.figures.boundaries), else empty; pages, exports and reports say it."""
    split = scope.boundaries is not None and bool(boundaries.estimated_groups(scope, ()))
    return {**summary, "estimated": labels.FLAGS["estimated"] if split else ""}


def has_dossiers(by_field: pd.DataFrame) -> bool:
    return not by_field.empty and bool((by_field["returned"].fillna(0) > 0).any())


def field_names() -> dict[str, str]:
    """Field code → name, in the fields' order."""
    return dict(db.session.execute(select(Field.code, Field.name).order_by(Field.sort_order, Field.code)).all())


def summarise(by_field: pd.DataFrame, names: dict[str, str], weighted_index: float | None) -> dict:
    """From :func:`rates` by field: answers, dossiers received / returned / returned late, the rate, fields
    without answers and without dossier counts, each field's row (:func:`field_rows`), the weighted SIPAS."""
    answers, returned = int(by_field["answers"].sum()), int(by_field["returned"].fillna(0).sum())
    silent = [names.get(c, c) for c in by_field.loc[by_field["flag"] == "no_answers", "field_code"]]
    uncounted = [names.get(c, c) for c in by_field.loc[by_field["flag"] == "no_dossiers", "field_code"]]
    return {"answers": answers, "returned": returned, "rate": 100 * answers / returned if returned else None,
            "received": int(by_field["received"].fillna(0).sum()),
            "returned_late": int(by_field["returned_late"].fillna(0).sum()),
            "silent_fields": silent, "uncounted_fields": uncounted, "fields": field_rows(by_field, names),
            "weighted_index": weighted_index}  # fmt: skip


#: a field's flag in plain words (tables of the exports and the reports)
FLAG_WORDS = {"no_answers": "Có hồ sơ nhưng chưa có phiếu nào", "no_dossiers": "Có phiếu nhưng chưa có số hồ sơ"}
#: the weighted SIPAS, named the same everywhere
WEIGHTED_LABEL = "Chỉ số có trọng số theo số hồ sơ"


def field_rows(by_field: pd.DataFrame, names: dict[str, str]) -> list[dict]:
    """One dict a field (in the fields' order): name, received, returned, returned_late, answers, rate
    (None without dossiers; NaN never leaves this module), flag in words."""
    order = {code: i for i, code in enumerate(names)}
    out = []
    for r in sorted(
        by_field.to_dict("records"), key=lambda r: (order.get(r["field_code"], len(order)), r["field_code"])
    ):
        dossiers = {c: None if pd.isna(r[c]) else int(r[c]) for c in DOSSIER_COLUMNS}
        out.append({"field_code": r["field_code"], "field_name": names.get(r["field_code"], r["field_code"]),
                    **dossiers, "answers": int(r["answers"]), "rate": None if pd.isna(r["rate"]) else float(r["rate"]),
                    "flag": FLAG_WORDS.get(r["flag"], "")})  # fmt: skip
    return out


def rate_sentences(summary: dict | None, when: str) -> list[str]:
    """The response rate in plain words, for the exports and the reports (one wording, the one formatter);
    ``when``: the period inside a sentence (``trong tháng 10/2026``)."""
    if summary is None:
        return [f"Chưa có số liệu hồ sơ {when} nên chưa tính được tỷ lệ phản hồi."]
    out = [f"Tỷ lệ phản hồi {when}: {rate_text(summary)}."]
    if summary["silent_fields"]:
        out.append(f"Lĩnh vực có hồ sơ nhưng chưa có phiếu nào: {', '.join(summary['silent_fields'])}.")
    if summary["uncounted_fields"]:
        out.append(f"Lĩnh vực có phiếu nhưng chưa có số hồ sơ: {', '.join(summary['uncounted_fields'])}.")
    return out


def weighted_sentence(summary: dict | None, unweighted: float | None) -> str | None:
    """The weighted SIPAS beside ``unweighted`` (the SIPAS by the method's rule, which stays the headline)."""
    if summary is None:
        return None
    if summary["weighted_index"] is None:
        return (f"Chưa tính được {WEIGHTED_LABEL[:1].lower()}{WEIGHTED_LABEL[1:]}: chưa có số hồ sơ của lĩnh vực "
                f"{', '.join(summary['uncounted_fields'])}." if summary["uncounted_fields"] else None)  # fmt: skip
    headline = f" ({fmt.percent(unweighted)})" if fmt.defined(unweighted) else ""
    return (f"{WEIGHTED_LABEL}: {fmt.percent(summary['weighted_index'])}, mỗi lĩnh vực tính theo tỷ trọng hồ sơ "
            f"đã trả kết quả; để tham khảo, chỉ số chính vẫn là chỉ số SIPAS tính theo phương pháp{headline}.")  # fmt: skip


def rate_text(summary: dict) -> str:
    """``50 phiếu trên 450 hồ sơ đã trả kết quả (11,11 %)``: the dashboard's sentence."""
    text = (f"{fmt.integer(summary['answers'])} phiếu trên {fmt.integer(summary['returned'])} hồ sơ đã trả kết "
            f"quả ({fmt.percent(summary['rate'])})")  # fmt: skip
    return f"{text} — {summary['estimated']}" if summary.get("estimated") else text
