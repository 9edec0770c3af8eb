"""Admin pages for units through time: record a merger in one step, list and edit successions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from survey.admin import bp
from survey.admin.actions import CODE, act, admin_only
from survey.extensions import db
from survey.forms import DayField, Form, choices
from survey.models import Unit, UnitSuccession
from survey.models.units import SUCCESSION_KINDS, UNIT_TYPES
from survey.services import audit
from survey.services import service_points as point_service
from survey.services import units as unit_service
from survey.services.errors import DomainError
from survey.services.text import by_name, clean_text

NEW_TYPES = ("xa", "phuong", "dac_khu")
SHARE = Regexp(
    r"^\s*(100|\d{1,2})([,.]\d{1,4})?\s*%?\s*$", message="Tỷ lệ là một số phần trăm từ 0 đến 100, ví dụ 45,5."
)


def _at_least_one(form, field) -> None:
    """Like InputRequired, without the ``required`` attribute (on checkboxes it would ask for all of them)."""
    if not field.data:
        raise ValidationError("Xin chọn các đơn vị cũ.")


class MergerForm(Form):
    # the choices are the units in force; one merged already is not refused as a bad choice but by the service,
    # which says when and into what (a form sent twice)
    old_units = SelectMultipleField("Các đơn vị cũ", validators=[_at_least_one], coerce=int, validate_choice=False,
                                    widget=widgets.ListWidget(prefix_label=False),
                                    option_widget=widgets.CheckboxInput())  # fmt: skip
    on = DayField("Ngày đơn vị mới bắt đầu hoạt động", validators=[InputRequired("Xin nhập ngày sáp nhập.")])
    code = StringField("Mã đơn vị mới (có thể dùng lại mã của một đơn vị cũ)",
                       validators=[InputRequired("Xin nhập mã đơn vị mới."), CODE])  # fmt: skip
    name = StringField("Tên đơn vị mới", validators=[InputRequired("Xin nhập tên đơn vị mới."), Length(max=200)])
    unit_type = SelectField("Loại đơn vị mới", choices=choices((t, UNIT_TYPES[t][0]) for t in NEW_TYPES))
    parent = SelectField("Trực thuộc", validators=[Optional()])
    basis_number = StringField("Số nghị quyết (không bắt buộc)", validators=[Optional(), Length(max=60)])
    basis_date = DayField("Ngày ban hành nghị quyết", validators=[Optional()])
    centre_address = StringField("Địa chỉ Trung tâm Phục vụ hành chính công (không bắt buộc)",
                                 validators=[Optional(), Length(max=300)])  # fmt: skip
    intake_count = IntegerField("Số điểm tiếp nhận", default=1, validators=[
        InputRequired("Xin nhập số điểm tiếp nhận (0 nếu chỉ có trung tâm)."),
        NumberRange(0, point_service.MAX_INTAKE_POINTS,
                    message=f"Số điểm tiếp nhận từ 0 đến {point_service.MAX_INTAKE_POINTS}.")])  # fmt: skip
    intake_names = TextAreaField("Tên các điểm tiếp nhận (mỗi dòng một tên; để trống: Điểm tiếp nhận số 1, số 2…)",
                                 validators=[Optional(), Length(max=3000)])  # fmt: skip
    replace_counters = BooleanField("Tạo quầy mới tại trung tâm hoặc điểm tiếp nhận của đơn vị mới thay cho các "
                                    "quầy cũ (quầy cũ và phiếu của quầy cũ vẫn thuộc đơn vị cũ; cần in áp phích mới)")  # fmt: skip
    #: the button that shows, for each chosen old unit, where its new counters will be made (nothing is recorded)
    show_places = SubmitField("Chọn nơi đặt quầy mới cho từng đơn vị cũ")


def _unit_label(unit: Unit) -> str:
    parent = f" — {unit.parent.name}" if unit.parent else ""
    return f"{unit.name} ({unit.code}){parent}"


def _merger_form() -> MergerForm:
    form = MergerForm()
    current = by_name(db.session.scalars(select(Unit).where(Unit.valid_to.is_(None))))
    form.old_units.choices = choices((u.id, _unit_label(u)) for u in current if u.kind != "province")
    form.parent.choices = choices([("", "— Không —")] + [(u.id, u.name) for u in current if u.kind == "province"])
    return form


#: the name of the select that places one old unit's new counters (``noi_dat_<unit id>``)
PLACE_FIELD = "noi_dat_{}"
#: what the merger's first step checks before it shows the places (the rest is checked when the merger is recorded)
PLACE_INPUTS = ("csrf_token", "old_units", "intake_count", "intake_names")


@dataclass(frozen=True)
class PlaceRow:
    """One chosen old unit on the merger page: its counters in use and the select that places their new ones."""

    unit: Unit
    field: str
    counters: int
    options: list[tuple[int, str]]
    selected: int


def _chosen_olds(form: MergerForm) -> list[Unit]:
    olds = by_name(db.session.scalars(select(Unit).where(Unit.id.in_(form.old_units.data or []),
                                                         Unit.kind != "province")))  # fmt: skip
    if len(olds) != len(set(form.old_units.data or [])):
        raise DomainError("Lựa chọn không hợp lệ, xin vui lòng chọn lại.")
    return olds


def _plan(form: MergerForm) -> point_service.PointPlan:
    return point_service.plan(form.intake_count.data, (form.intake_names.data or "").splitlines(),
                              form.centre_address.data)  # fmt: skip


def _posted_places(olds: list[Unit]) -> dict[int, int]:
    """Old unit id → the place the admin chose (the service checks it against the plan)."""
    out = {}
    for unit in olds:
        raw = request.form.get(PLACE_FIELD.format(unit.id), "")
        if raw and not re.fullmatch(r"[0-9]{1,3}", raw):
            raise DomainError("Lựa chọn nơi đặt quầy mới không hợp lệ, xin vui lòng chọn lại.")
        if raw:
            out[unit.id] = int(raw)
    return out


def _place_rows(form: MergerForm) -> tuple[list[PlaceRow], str | None]:
    """The chosen old units with where their new counters go (what the admin chose, else the service's default),
    and why the service would refuse those places (None when it would not)."""
    olds, plan = _chosen_olds(form), _plan(form)
    options = list(enumerate(point_service.place_names(plan)))
    placed = point_service.default_places(olds, len(plan.intake_names))
    posted = _posted_places(olds)
    try:
        point_service.check_places(olds, posted, plan)
        refusal = None
    except DomainError as exc:
        refusal = str(exc)
    for unit_id, place in posted.items():
        placed[unit_id] = place
        if place not in dict(options):  # a place beyond the plan, kept so the admin sees what to change
            options.append((place, f"Điểm tiếp nhận thứ {place} (không có — xin chọn lại)"))
    in_use = unit_service.counters_in_use(olds)
    return [PlaceRow(u, PLACE_FIELD.format(u.id), in_use[u.id], options, placed[u.id]) for u in olds], refusal


def _merger_page(form: MergerForm, rows: list[PlaceRow] | None = None):
    posted = any(key.startswith(PLACE_FIELD.format("")) for key in request.form)
    if rows is None and posted and form.intake_count.data is not None:
        try:  # the page again after a refusal: the places the admin chose stay on it
            rows = _place_rows(form)[0]
        except DomainError:
            rows = None
    return render_template("admin/merger.html", form=form, rows=rows or [])


def _show_places(form: MergerForm):
    """The merger's first step: where each chosen old unit's new counters go. Records nothing."""
    form.validate()
    errors = [error for name in PLACE_INPUTS for error in form.errors.get(name, [])]
    rows: list[PlaceRow] = []
    if not errors:
        try:
            rows, refusal = _place_rows(form)
            errors += [refusal] if refusal else []
        except DomainError as exc:
            errors.append(str(exc))
    for error in errors:
        flash(error, "error")
    return _merger_page(form, rows)


@bp.route("/don-vi/sap-nhap", methods=["GET", "POST"])
@admin_only
def merger_record():
    form = _merger_form()
    if request.method == "GET":
        return _merger_page(form)
    if form.show_places.data:
        return _show_places(form)

    def record():
        olds = _chosen_olds(form)
        parent = db.session.get(Unit, int(form.parent.data)) if form.parent.data else None
        new = unit_service.NewUnit(form.code.data.strip(), clean_text(form.name.data), form.unit_type.data, parent)
        basis = unit_service.LegalBasis(clean_text(form.basis_number.data) or None, form.basis_date.data)
        done = unit_service.merge(olds, new, form.on.data, basis, _plan(form), places=_posted_places(olds),
                                  replace_counters=form.replace_counters.data, actor=current_user)  # fmt: skip
        return f"Đã ghi nhận: {done.summary}{' — hãy in áp phích mới' if done.replaced else ''}."

    return act(record, url_for("admin.merger_record"), form=form, done=url_for("admin.successions_list"),
               again=lambda: _merger_page(form))  # fmt: skip


@bp.get("/don-vi/ke-thua")
@admin_only
def successions_list():
    rows = db.session.scalars(select(UnitSuccession).options(joinedload(UnitSuccession.successor))
                              .order_by(UnitSuccession.id))  # fmt: skip
    rows = by_name(rows, lambda s: s.successor.name)  # stable: one successor's rows stay in the order recorded
    return render_template("admin/successions.html", rows=rows, kinds=SUCCESSION_KINDS)


class SuccessionForm(Form):
    on = DayField("Ngày có hiệu lực", validators=[InputRequired("Xin nhập ngày có hiệu lực.")])
    kind = SelectField("Hình thức", choices=choices(SUCCESSION_KINDS.items()))
    share = StringField("Tỷ lệ chuyển sang (%, với chia tách hoặc điều chỉnh một phần)", validators=[Optional(), SHARE])
    share_basis = SelectField("Tính theo", choices=choices([("", "—"), ("dân số", "Dân số"), ("diện tích", "Diện tích")]),
                              validators=[Optional()])  # fmt: skip
    basis_number = StringField("Số nghị quyết", validators=[Optional(), Length(max=60)])
    basis_date = DayField("Ngày ban hành nghị quyết", validators=[Optional()])


def _share(text: str | None) -> float | None:
    if not text or not text.strip():
        return None
    return float(text.strip().rstrip("%").strip().replace(",", ".")) / 100


@bp.route("/don-vi/ke-thua/<int:succession_id>", methods=["GET", "POST"])
@admin_only
def succession_edit(succession_id: int):
    row = db.session.get(UnitSuccession, succession_id) or abort(404)
    form = SuccessionForm()
    if request.method == "GET":
        form.on.data, form.kind.data, form.share_basis.data = row.date, row.kind, row.share_basis or ""
        form.share.data = "" if row.share is None else f"{row.share * 100:g}".replace(".", ",")
        form.basis_number.data, form.basis_date.data = row.legal_basis_number, row.legal_basis_date
        return render_template("admin/succession_edit.html", row=row, form=form)

    def save():
        basis = unit_service.LegalBasis(clean_text(form.basis_number.data) or None, form.basis_date.data)
        unit_service.record_succession(row.predecessor, row.successor, form.on.data, form.kind.data,
                                       share=_share(form.share.data), share_basis=form.share_basis.data or None,
                                       basis=basis)  # fmt: skip
        audit.record(current_user, f"Sửa quan hệ kế thừa: {row.predecessor.name} → {row.successor.name}")
        return f"Đã lưu: {row.predecessor.name} → {row.successor.name}."

    return act(save, url_for("admin.succession_edit", succession_id=row.id), form=form,
               done=url_for("admin.successions_list"),
               again=lambda: render_template("admin/succession_edit.html", row=row, form=form))  # fmt: skip
