"""The current view as CSV or XLSX, through the one writer (:mod:`survey.figures.export`)."""

from __future__ import annotations

from flask import Response, abort, request
from flask_login import current_user

from survey.admin import bp, filters, views_data
from survey.figures import export as writer

FORMATS = {
    "csv": (writer.csv_bytes, "text/csv; charset=utf-8"),
    "xlsx": (writer.xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@bp.get("/xuat/<view_name>.<fmt>")
def export(view_name: str, fmt: str):
    if view_name not in views_data.VIEWS or fmt not in FORMATS:
        abort(404)
    f = filters.parse(request.args, current_user)
    view = views_data.VIEWS[view_name](f)
    render, mimetype = FORMATS[fmt]
    name = f"sipas-{view_name}-{f.period.key.replace('..', '-')}.{fmt}"
    return Response(render(view.tables), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
