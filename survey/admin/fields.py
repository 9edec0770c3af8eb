"""Fields (lĩnh vực) and their procedures (thủ tục): the list and the admin's additions."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from survey.admin import bp
from survey.admin.actions import CODE, act, admin_only
from survey.admin.units import field_choices
from survey.extensions import db
from survey.forms import Form
from survey.models import Field
from survey.services import catalogue


class FieldForm(Form):
    code = StringField("Mã lĩnh vực", validators=[InputRequired("Xin nhập mã lĩnh vực."), CODE])
    name = StringField("Tên lĩnh vực", validators=[InputRequired("Xin nhập tên lĩnh vực."), Length(max=200)])


class ProcedureForm(Form):
    field = SelectField("Lĩnh vực", validators=[InputRequired()])
    code = StringField("Mã thủ tục", validators=[InputRequired("Xin nhập mã thủ tục."), Length(max=64)])
    name = StringField("Tên thủ tục", validators=[InputRequired("Xin nhập tên thủ tục."), Length(max=500)])


def _procedure_form() -> ProcedureForm:
    form = ProcedureForm()
    form.field.choices = field_choices()
    return form


@bp.get("/linh-vuc-quan-ly")
@admin_only
def fields_manage():
    fields = catalogue.fields_in_order()
    return render_template("admin/fields.html", fields=fields, field_form=FieldForm(), procedure_form=_procedure_form())


@bp.post("/linh-vuc-quan-ly")
@admin_only
def field_create():
    form = FieldForm()

    def create():
        field = catalogue.create_field(form.code.data, form.name.data, actor=current_user)
        return f"Đã thêm lĩnh vực {field.name}."

    return act(create, url_for("admin.fields_manage"), form=form)


@bp.post("/linh-vuc-quan-ly/thu-tuc")
@admin_only
def procedure_create():
    form = _procedure_form()

    def create():
        field = db.session.scalar(select(Field).where(Field.code == form.field.data))
        procedure = catalogue.create_procedure(field, form.code.data, form.name.data, actor=current_user)
        return f"Đã thêm thủ tục {procedure.name}."

    return act(create, url_for("admin.fields_manage"), form=form)
