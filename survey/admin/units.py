"""Units: the list, a new unit, and one unit's edit page (name, fields, end and successor, report signing)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from survey.admin import bp
from survey.admin.actions import CODE, act, admin_only
from survey.extensions import db
from survey.forms import DayField, Form, choices
from survey.models import Unit
from survey.models.units import UNIT_KINDS
from survey.services import catalogue
from survey.services.text import by_name
from survey.services.units import unit_by_code

SYMBOL_MESSAGE = "Ký hiệu chỉ gồm chữ in hoa, số và dấu gạch nối, ví dụ BC-UBND."
KIND_NAMES = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã, thị trấn", "department": "Phòng, ban"}


def field_choices() -> list:
    return choices([(f.code, f.name) for f in catalogue.fields_in_order()])


class UnitForm(Form):
    code = StringField("Mã đơn vị", validators=[InputRequired("Xin nhập mã đơn vị."), CODE])
    name = StringField("Tên đơn vị", validators=[InputRequired("Xin nhập tên đơn vị."), Length(max=200)])
    kind = SelectField("Cấp", choices=choices((k, KIND_NAMES[k]) for k in UNIT_KINDS))
    parent = SelectField("Trực thuộc", validators=[Optional()])
    fields = SelectMultipleField("Lĩnh vực tiếp nhận", validators=[Optional()])


def _unit_form() -> UnitForm:
    form = UnitForm()
    units = by_name(db.session.scalars(select(Unit)))
    form.parent.choices = choices([("", "— Không —")] + [(u.code, u.name) for u in units])
    form.fields.choices = field_choices()
    return form


@bp.get("/don-vi-quan-ly")
@admin_only
def units_manage():
    units = sorted(by_name(db.session.scalars(select(Unit))), key=lambda u: u.parent_id is not None)
    return render_template("admin/units.html", units=units, form=_unit_form(), kinds=KIND_NAMES)


@bp.post("/don-vi-quan-ly")
@admin_only
def unit_create():
    form = _unit_form()

    def create():
        parent = unit_by_code(form.parent.data) if form.parent.data else None
        unit = catalogue.create_unit(form.code.data, form.name.data, form.kind.data, parent,
                                     catalogue.fields_by_code(form.fields.data), actor=current_user)  # fmt: skip
        return f"Đã tạo đơn vị {unit.name}."

    return act(create, url_for("admin.units_manage"), form=form)


class UnitEditForm(Form):
    name = StringField("Tên đơn vị", validators=[InputRequired("Xin nhập tên đơn vị."), Length(max=200)])
    fields = SelectMultipleField("Lĩnh vực tiếp nhận", validators=[Optional()])
    valid_to = DayField("Ngày thôi hoạt động (sáp nhập, giải thể)", validators=[Optional()])
    successor = SelectField("Đơn vị kế thừa (sau sáp nhập)", validators=[Optional()])
    # how the unit's reports are signed (survey/reports/signing.py); empty: the usual form of a draft
    report_signer_titles = TextAreaField(
        "Chức vụ người ký báo cáo (mỗi dòng một dòng in, ví dụ: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)",
        validators=[Optional(), Length(max=300)],
    )
    report_signer_name = StringField("Họ và tên người ký", validators=[Optional(), Length(max=120)])
    report_recipients = TextAreaField(
        "Nơi nhận báo cáo (mỗi dòng một nơi nhận)", validators=[Optional(), Length(max=2000)]
    )
    report_symbol = StringField(
        "Ký hiệu văn bản báo cáo (ví dụ: BC-UBND)",
        validators=[Optional(), Length(max=40), Regexp(r"^[A-ZĐ0-9.&-]+$", message=SYMBOL_MESSAGE)],
    )


@bp.route("/don-vi-quan-ly/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def unit_edit(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = UnitEditForm(obj=None if request.method == "POST" else unit)
    form.fields.choices = field_choices()
    others = by_name(db.session.scalars(select(Unit).where(Unit.id != unit.id)))
    form.successor.choices = choices([("", "— Không —")] + [(u.code, u.name) for u in others])
    if request.method == "GET":
        form.fields.data = [f.code for f in unit.fields]
        form.successor.data = unit.successor.code if unit.successor else ""
        return render_template("admin/unit_edit.html", unit=unit, form=form)

    def save():
        changes = catalogue.UnitChanges(
            name=form.name.data, fields=catalogue.fields_by_code(form.fields.data), valid_to=form.valid_to.data,
            successor=unit_by_code(form.successor.data) if form.successor.data else None,
            signer_titles=form.report_signer_titles.data, signer_name=form.report_signer_name.data,
            recipients=form.report_recipients.data, symbol=form.report_symbol.data,
        )  # fmt: skip
        catalogue.edit_unit(unit, changes, actor=current_user)
        return f"Đã lưu đơn vị {unit.name}."

    return act(save, url_for("admin.unit_edit", unit_id=unit.id), form=form, done=url_for("admin.units_manage"),
               again=lambda: render_template("admin/unit_edit.html", unit=unit, form=form))  # fmt: skip
