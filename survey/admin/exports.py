"""The current view as CSV or XLSX, with Vietnamese headers and formula-safe cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Response, abort, request
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Font

from survey.admin import bp, filters, views_data
from survey.formatting import date_time
from survey.services.spreadsheet import neutralise


def _cell(value, kind: str):
    """Numbers stay numbers (rounded as published); text is neutralised."""
    if value is None:
        return None
    if kind == "percent" or kind == "number":
        return round(float(value), 2)
    if kind in ("int", "rank"):
        return int(value)
    if isinstance(value, datetime):
        return date_time(value)
    return neutralise(str(value))


def _csv(view: views_data.View) -> bytes:
    out = io.StringIO()
    # text quoted, numbers not: a ";" inside a comment never splits it in a Vietnamese Excel
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    for number, table in enumerate(view.tables):
        if number:
            writer.writerow([])
        writer.writerow([neutralise(table.title)])
        writer.writerow([c.header for c in table.columns])
        for row in table.rows:
            writer.writerow(["" if (v := _cell(row.get(c.key), c.kind)) is None else v for c in table.columns])
    # a BOM, so that Excel opens the Vietnamese text as UTF-8
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(view: views_data.View) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for number, table in enumerate(view.tables):
        sheet = book.create_sheet(title=f"Bảng {number + 1}")
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([c.header for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(row.get(c.key), c.kind) for c in table.columns])
        for index, column in enumerate(table.columns, start=1):
            if column.kind in ("percent", "number"):
                for cells in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cells[0].number_format = "0.00"
            if column.kind == "text":
                for cells in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cells[0].data_type = "s"  # text is never a formula, whatever it starts with
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "csv": (_csv, "text/csv; charset=utf-8"),
    "xlsx": (_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@bp.get("/xuat/<view_name>.<fmt>")
def export(view_name: str, fmt: str):
    if view_name not in views_data.VIEWS or fmt not in FORMATS:
        abort(404)
    f = filters.parse(request.args, current_user)
    view = views_data.VIEWS[view_name](f)
    render, mimetype = FORMATS[fmt]
    name = f"sipas-{view_name}-{f.period.start}-{f.period.end}.{fmt}"
    return Response(render(view), mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
