"""The current view as CSV or XLSX, through the one writer (:mod:`survey.figures.export`).

The file says what it holds: its name (``sipas-tong-quan_xa-binh-son_thang-10-2026.xlsx``, and the
Vietnamese name in ``filename*``) and the XLSX's title block carry the unit, field, channel and period
(:meth:`Filters.title`, :meth:`Filters.file_stem`). The overview's files also hold the response rate
(:mod:`survey.services.response_rates`), as the page shows it.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, request
from flask_login import current_user

from analysis.indices import OVERALL_CODE
from survey.admin import bp, filters, views_data
from survey.figures import export as writer
from survey.figures.export import Column, Table
from survey.services import response_rates

MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip


@bp.get("/xuat/<view_name>.<fmt>")
def export(view_name: str, fmt: str):
    if view_name not in views_data.VIEWS or fmt not in MIMETYPES:
        abort(404)
    f = filters.parse(request.args, current_user)
    view = views_data.VIEWS[view_name](f)
    tables = list(view.tables)
    if view_name == "overview":
        tables += response_rate_tables(f, view.summary["response_rate"], view.headline["index"])
    what = views_data.TITLES[view_name]
    if fmt == "csv":
        body = writer.csv_bytes(tables)
    else:
        body = writer.xlsx_bytes(tables, f"SIPAS — {what}", [f.title(), *f.messages])
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": disposition(f.file_stem(what), f"SIPAS - {what} - {f.title().replace(' — ', ' - ')}", fmt)})  # fmt: skip


def disposition(stem: str, name: str, suffix: str) -> str:
    """``attachment`` with the ASCII name, and the Vietnamese one as ``filename*`` (RFC 6266 / 5987)."""
    readable = quote(f"{writer.file_name(name)}.{suffix}", safe="")
    return f"attachment; filename=\"{stem}.{suffix}\"; filename*=UTF-8''{readable}"


def response_rate_tables(f: filters.Filters, summary: dict | None, unweighted: float | None) -> list[Table]:
    """Per field: dossiers received, returned, returned late, answers and the rate, the flags in words;
    then the SIPAS (``unweighted``, the overview's) beside the SIPAS weighted by each field's share of
    dossiers. Without dossier counts (``summary``: ``response_rates.overview``, as the overview read it),
    one line saying so."""
    label = f.period.label
    if summary is None:
        lines = response_rates.rate_sentences(None, f"trong {f.period.phrase}")
        return [Table(f"Tỷ lệ phản hồi — {label}", [Column("note", "Tỷ lệ phản hồi")],
                      [{"note": line} for line in lines], sheet="Tỷ lệ phản hồi")]  # fmt: skip
    rows = [dict(r) for r in summary["fields"]]
    rows.append({"field_name": "Tổng cộng", "received": summary["received"], "returned": summary["returned"],
                 "returned_late": summary["returned_late"], "answers": summary["answers"], "rate": summary["rate"],
                 "flag": summary.get("estimated", "")})  # fmt: skip
    by_field = Table(f"Tỷ lệ phản hồi theo lĩnh vực — {label}",
                     [Column("field_name", "Lĩnh vực"), Column("received", "Hồ sơ tiếp nhận", "int"),
                      Column("returned", "Hồ sơ đã trả kết quả", "int"),
                      Column("returned_late", "Trong đó trả quá hạn", "int"), Column("answers", "Số phiếu", "int"),
                      Column("rate", "Tỷ lệ phản hồi", "percent"), Column("flag", "Ghi chú")],
                     rows, sheet="Tỷ lệ phản hồi")  # fmt: skip
    weighted = Table(f"Chỉ số SIPAS và {response_rates.WEIGHTED_LABEL.lower()} — {label}",
                     [Column("name", "Chỉ số"), Column("index", "Tỷ lệ hài lòng", "percent"), Column("note", "Ghi chú")],
                     [{"name": "Chỉ số hài lòng chung (SIPAS)", "code": OVERALL_CODE, "index": unweighted,
                       "note": "Chỉ số chính, tính theo phương pháp"},
                      {"name": response_rates.WEIGHTED_LABEL, "index": summary["weighted_index"],
                       "note": _weighted_note(summary)}],
                     sheet="Chỉ số có trọng số")  # fmt: skip
    return [by_field, weighted]


def _weighted_note(summary: dict) -> str:
    if summary["weighted_index"] is not None:
        return "Để tham khảo: mỗi lĩnh vực tính theo tỷ trọng hồ sơ đã trả kết quả"
    if summary["uncounted_fields"]:
        return f"Chưa tính được: chưa có số hồ sơ của lĩnh vực {', '.join(summary['uncounted_fields'])}"
    return "Chưa tính được: chưa có phiếu trong kỳ"
