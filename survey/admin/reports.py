"""The reports made so far, and their files, for the units the account may see."""

from __future__ import annotations

from flask import abort, render_template, send_file
from flask_login import current_user
from sqlalchemy import select

from survey.admin import bp, visible_or_404
from survey.extensions import db
from survey.models import Report
from survey.services.users import visible_unit_ids


@bp.get("/bao-cao")
def reports():
    stmt = select(Report).order_by(Report.period.desc(), Report.unit_id)
    allowed = visible_unit_ids(current_user)
    if allowed is not None:
        stmt = stmt.where(Report.unit_id.in_(allowed))
    return render_template("admin/reports.html", reports=db.session.scalars(stmt.limit(500)).all())


@bp.get("/bao-cao/<int:report_id>.<fmt>")
def report_file(report_id: int, fmt: str):
    from survey.reports.generate import report_files

    report = visible_or_404(Report, report_id)
    path = report_files(report).get(fmt)
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=f"{report.period}-{path.name}")
