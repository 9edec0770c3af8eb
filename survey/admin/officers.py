"""Officers: records (admin), an officer's own results, the leader's annual assessment sheet.

Officers' results are personal data of the officers: who may see them is decided by
:func:`survey.services.officer_results.can_see_results`; an officer outside it gets 404,
as if it did not exist.
"""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from analysis.profile import load_profile
from survey.admin import bp
from survey.admin.actions import CODE, act, admin_only, visible
from survey.extensions import db
from survey.figures import current as current_settings
from survey.forms import DayField, Form, choices
from survey.models import Counter, Officer, Unit
from survey.officers_cli import placard_url
from survey.services import audit
from survey.services import officers as officer_service
from survey.services.officer_results import (
    ELEMENT,
    GROUP_NAMES,
    Months,
    can_see_results,
    comments_about,
    element_items,
    officer_figures,
)
from survey.services.text import by_name
from survey.services.units import unit_by_code
from survey.services.users import visible_unit_ids


class OfficerForm(Form):
    code = StringField("Mã công chức (không ghi họ tên)", validators=[InputRequired("Xin nhập mã công chức."), CODE])
    name = StringField("Họ và tên", validators=[InputRequired("Xin nhập họ tên."), Length(max=200)])
    unit = SelectField("Đơn vị", validators=[InputRequired()])
    counter = SelectField("Quầy (bàn làm việc)", validators=[Optional()])
    active_from = DayField("Bắt đầu phục vụ", validators=[Optional()])


def _officer_form() -> OfficerForm:
    form = OfficerForm()
    form.unit.choices = choices((u.code, u.name) for u in by_name(db.session.scalars(select(Unit))))
    counters = db.session.scalars(select(Counter).where(Counter.is_active.is_(True)).order_by(Counter.code))
    form.counter.choices = choices([("", "— Chưa gắn quầy —")] + [(c.code, f"{c.code} — {c.name}") for c in counters])
    return form


def _officer_or_404(officer_id: int, *, results: bool) -> Officer:
    officer = db.session.get(Officer, officer_id)
    if officer is None:
        abort(404)
    if results and not can_see_results(current_user, officer):
        abort(404)
    if not results and current_user.role != "admin" and not can_see_results(current_user, officer):
        abort(404)
    return officer


@bp.get("/cong-chuc")
def officers_page():
    if current_user.officer_id is not None:  # an officer sees their own page, nobody else's
        return redirect(url_for("admin.officer_results", officer_id=current_user.officer_id))
    if current_user.role == "admin":
        rows = db.session.scalars(select(Officer).order_by(Officer.code)).all()
    elif current_user.role in ("reviewer", "unit_officer"):
        rows = db.session.scalars(visible(select(Officer), Officer.unit_id).order_by(Officer.code)).all()
    else:
        abort(404)
    form = _officer_form() if current_user.role == "admin" else None
    return render_template("admin/officers.html", officers=rows, form=form,
                           sees_results=current_user.role != "admin", year=officer_service.vietnam_day().year)  # fmt: skip


@bp.post("/cong-chuc")
@admin_only
def officer_create():
    form = _officer_form()

    def create():
        counter = (db.session.scalar(select(Counter).where(Counter.code == form.counter.data))
                   if form.counter.data else None)  # fmt: skip
        officer = officer_service.create(form.code.data, form.name.data, unit_by_code(form.unit.data),
                                         counter=counter, active_from=form.active_from.data)  # fmt: skip
        audit.record(current_user, f"Thêm công chức {officer.code} ({officer.unit.name})")
        return f"Đã thêm công chức {officer.code}."

    return act(create, url_for("admin.officers_page"), form=form)


@bp.post("/cong-chuc/<int:officer_id>/thoi-phuc-vu")
@admin_only
def officer_end(officer_id: int):
    officer = _officer_or_404(officer_id, results=False)

    def end():
        officer.active_to = max(officer_service.vietnam_day(), officer.active_from)
        audit.record(current_user, f"Công chức {officer.code} thôi phục vụ từ {officer.active_to:%d/%m/%Y}")
        return f"Công chức {officer.code} thôi phục vụ từ {officer.active_to:%d/%m/%Y}: áp phích riêng hết hiệu lực."

    return act(end, url_for("admin.officers_page"))


@bp.get("/cong-chuc/<int:officer_id>/ap-phich.pdf")
def officer_placard(officer_id: int):
    from survey.qrcodes import poster_pdf

    officer = _officer_or_404(officer_id, results=False)
    if officer.counter is None:
        abort(404)
    url = placard_url(officer, current_app.config["PUBLIC_BASE_URL"])
    return Response(poster_pdf(officer.counter, url), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{officer.counter.code}-{officer.code}.pdf"'})  # fmt: skip


def _months() -> Months:
    today = officer_service.vietnam_day()
    year = request.args.get("nam", type=int) or today.year
    quarter = request.args.get("quy", type=int)
    if not 2000 <= year <= today.year + 1 or (quarter is not None and not 1 <= quarter <= 4):
        abort(404)
    return Months.quarter(year, quarter) if quarter else Months.year(year)


@bp.get("/cong-chuc/<int:officer_id>/ket-qua")
def officer_results(officer_id: int):
    officer = _officer_or_404(officer_id, results=True)
    months = _months()
    table = officer_figures(officer.unit_id, months, min_n=current_settings().min_n)
    mine = table[table["officer_code"] == officer.code] if not table.empty else table
    return render_template(
        "admin/officer_results.html", officer=officer, months=months, rows=mine.to_dict("records"),
        comments=comments_about(officer, months), min_n=current_settings().min_n, groups=GROUP_NAMES,
        year=months.start // 100, own=current_user.officer_id == officer.id, item_names=_item_names(),
    )  # fmt: skip


def _item_names() -> dict[str, str]:
    profile = load_profile()
    names = {code: f"{code}. {profile.text_of(code)}" for code in element_items()}
    return names | {ELEMENT: "Chung (trung bình ba tiêu chí)"}


@bp.get("/cong-chuc/bang-danh-gia-<int:year>.<any(xlsx, docx):kind>")
def officer_sheet(year: int, kind: str):
    """The annual sheet for the assessment of civil servants: for the unit's leader and the reviewer only."""
    from survey.officer_sheet import DOCX, XLSX, sheet_docx, sheet_rows, sheet_xlsx

    unit = unit_by_code(request.args.get("don_vi", ""))
    allowed = visible_unit_ids(current_user)
    if (
        unit is None
        or current_user.officer_id is not None
        or current_user.role not in ("reviewer", "unit_officer")
        or (allowed is not None and unit.id not in allowed)
        or not 2000 <= year <= officer_service.vietnam_day().year
    ):
        abort(404)
    rows = sheet_rows(unit, year, current_settings().min_n)
    body, mime = (
        (sheet_xlsx(unit, year, rows, current_settings().min_n), XLSX)
        if kind == "xlsx"
        else (sheet_docx(unit, year, rows, current_settings().min_n), DOCX)
    )
    name = f"danh-gia-cong-chuc-{unit.code}-{year}.{kind}"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})
