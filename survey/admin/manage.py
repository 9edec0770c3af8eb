"""Management pages: counters (QR, posters), units and their fields, users, reports."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import DateField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from survey.admin import bp, visible_or_404
from survey.extensions import db
from survey.forms import Form, choices
from survey.models import Counter, Field, Procedure, Report, Unit, User
from survey.models.units import UNIT_KINDS
from survey.models.users import ROLE_NAMES
from survey.reports.signing import lines
from survey.services import counters as counter_service
from survey.services import notify
from survey.services import units as unit_service
from survey.services import users as user_service
from survey.services.errors import DomainError
from survey.services.text import clean_text
from survey.services.units import unit_by_code
from survey.services.users import visible_unit_ids

CODE = Regexp(r"^[A-Za-z0-9_.-]{1,32}$", message="Mã chỉ gồm chữ không dấu, số, dấu gạch (tối đa 32 ký tự).")
SYMBOL_MESSAGE = "Ký hiệu chỉ gồm chữ in hoa, số và dấu gạch nối, ví dụ BC-UBND."
KIND_NAMES = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã, thị trấn", "department": "Phòng, ban"}


def admin_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _visible(stmt, column):
    allowed = visible_unit_ids(current_user)
    return stmt if allowed is None else stmt.where(column.in_(allowed))


def _flash_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


# ---- counters -------------------------------------------------------------------------


class CounterForm(Form):
    code = StringField("Mã quầy", validators=[InputRequired("Xin nhập mã quầy."), CODE])
    name = StringField("Tên quầy", validators=[InputRequired("Xin nhập tên quầy."), Length(max=200)])
    unit = SelectField("Đơn vị", validators=[InputRequired()])
    field = SelectField("Lĩnh vực cố định (không bắt buộc)", validators=[Optional()])


def _counter_form() -> CounterForm:
    form = CounterForm()
    form.unit.choices = choices((u.code, u.name) for u in db.session.scalars(select(Unit).order_by(Unit.name)))
    fields = db.session.scalars(select(Field).order_by(Field.sort_order))
    form.field.choices = choices([("", "— Hỏi người dân —")] + [(f.code, f.name) for f in fields])
    return form


@bp.get("/quay")
def counters():
    items = db.session.scalars(_visible(select(Counter), Counter.unit_id).order_by(Counter.code)).all()
    base = current_app.config["PUBLIC_BASE_URL"]
    form = _counter_form() if current_user.role == "admin" else None
    return render_template("admin/counters.html", counters=items, base=base, form=form,
                           url_of=lambda c: counter_service.survey_url(c, base),
                           kiosk_of=lambda c: counter_service.kiosk_url(c, base))  # fmt: skip


@bp.post("/quay")
@admin_only
def counter_create():
    form = _counter_form()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("admin.counters"))
    if db.session.scalar(select(Counter.id).where(Counter.code == form.code.data)):
        flash(f"Mã quầy {form.code.data} đã có.", "error")
        return redirect(url_for("admin.counters"))
    unit = unit_by_code(form.unit.data)
    field = db.session.scalar(select(Field).where(Field.code == form.field.data)) if form.field.data else None
    db.session.add(Counter(code=form.code.data, name=form.name.data.strip(), unit=unit, field=field))
    db.session.commit()
    flash(f"Đã tạo quầy {form.code.data}.", "info")
    return redirect(url_for("admin.counters"))


@bp.post("/quay/<int:counter_id>/thu-hoi")
@admin_only
def counter_revoke(counter_id: int):
    counter = visible_or_404(Counter, counter_id)
    counter_service.revoke(counter)
    db.session.commit()
    flash(f"Đã thu hồi mã QR của quầy {counter.code}: áp phích cũ không còn dùng được.", "info")
    return redirect(url_for("admin.counters"))


@bp.post("/quay/<int:counter_id>/tao-lai")
@admin_only
def counter_regenerate(counter_id: int):
    counter = visible_or_404(Counter, counter_id)
    counter_service.regenerate_token(counter)
    db.session.commit()
    flash(f"Đã tạo mã QR mới cho quầy {counter.code}: hãy in lại áp phích.", "info")
    return redirect(url_for("admin.counters"))


@bp.post("/quay/<int:counter_id>/linh-vuc")
@admin_only
def counter_fields(counter_id: int):
    """The fields the counter's form offers: a few of its unit's, one (fixed), or none ticked for all."""
    counter = visible_or_404(Counter, counter_id)
    if not Form().validate_on_submit():  # the CSRF token
        abort(400)
    wanted = set(request.form.getlist("field"))
    try:
        counter_service.set_fields(counter, [f for f in counter.unit.fields if f.code in wanted])
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.counters"))
    db.session.commit()
    flash(f"Quầy {counter.code} nhận: {', '.join(f.name for f in counter.offered)}.", "info")
    return redirect(url_for("admin.counters"))


@bp.post("/quay/<int:counter_id>/may-tinh-bang")
@admin_only
def counter_kiosk(counter_id: int):
    counter = visible_or_404(Counter, counter_id)
    counter_service.new_kiosk_token(counter)
    db.session.commit()
    flash(
        f"Đã tạo đường dẫn máy tính bảng mới cho quầy {counter.code}; đường dẫn cũ (nếu có) không còn dùng được.",
        "info",
    )
    return redirect(url_for("admin.counters"))


@bp.post("/quay/<int:counter_id>/may-tinh-bang/thu-hoi")
@admin_only
def counter_kiosk_revoke(counter_id: int):
    counter = visible_or_404(Counter, counter_id)
    counter_service.revoke_kiosk(counter)
    db.session.commit()
    flash(f"Đã thu hồi đường dẫn máy tính bảng của quầy {counter.code}.", "info")
    return redirect(url_for("admin.counters"))


@bp.get("/quay/<int:counter_id>/qr.png")
def counter_qr(counter_id: int):
    from survey.qrcodes import qr_png

    counter = visible_or_404(Counter, counter_id)
    url = counter_service.survey_url(counter, current_app.config["PUBLIC_BASE_URL"])
    return Response(qr_png(url), mimetype="image/png",
                    headers={"Content-Disposition": f'attachment; filename="{counter.code}.png"'})  # fmt: skip


@bp.get("/quay/<int:counter_id>/ap-phich.pdf")
def counter_poster(counter_id: int):
    from survey.qrcodes import poster_pdf

    counter = visible_or_404(Counter, counter_id)
    url = counter_service.survey_url(counter, current_app.config["PUBLIC_BASE_URL"])
    return Response(poster_pdf(counter, url), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{counter.code}.pdf"'})  # fmt: skip


# ---- units and fields -----------------------------------------------------------------


class UnitForm(Form):
    code = StringField("Mã đơn vị", validators=[InputRequired("Xin nhập mã đơn vị."), CODE])
    name = StringField("Tên đơn vị", validators=[InputRequired("Xin nhập tên đơn vị."), Length(max=200)])
    kind = SelectField("Cấp", choices=choices((k, KIND_NAMES[k]) for k in UNIT_KINDS))
    parent = SelectField("Trực thuộc", validators=[Optional()])
    fields = SelectMultipleField("Lĩnh vực tiếp nhận", validators=[Optional()])


def _unit_form() -> UnitForm:
    form = UnitForm()
    units = db.session.scalars(select(Unit).order_by(Unit.name))
    form.parent.choices = choices([("", "— Không —")] + [(u.code, u.name) for u in units])
    form.fields.choices = choices(
        [(f.code, f.name) for f in db.session.scalars(select(Field).order_by(Field.sort_order))]
    )
    return form


@bp.get("/don-vi-quan-ly")
@admin_only
def units_manage():
    units = db.session.scalars(select(Unit).order_by(Unit.parent_id.is_not(None), Unit.name)).all()
    return render_template("admin/units.html", units=units, form=_unit_form(), kinds=KIND_NAMES)


@bp.post("/don-vi-quan-ly")
@admin_only
def unit_create():
    form = _unit_form()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("admin.units_manage"))
    if db.session.scalar(select(Unit.id).where(Unit.code == form.code.data)):
        flash(f"Mã đơn vị {form.code.data} đã có.", "error")
        return redirect(url_for("admin.units_manage"))
    parent = unit_by_code(form.parent.data) if form.parent.data else None
    fields = list(db.session.scalars(select(Field).where(Field.code.in_(form.fields.data or []))))
    db.session.add(Unit(code=form.code.data, name=form.name.data.strip(), kind=form.kind.data, parent=parent,
                        fields=fields))  # fmt: skip
    db.session.commit()
    flash(f"Đã tạo đơn vị {form.name.data}.", "info")
    return redirect(url_for("admin.units_manage"))


# ---- users ----------------------------------------------------------------------------


class UserForm(Form):
    username = StringField("Tên đăng nhập", validators=[InputRequired("Xin nhập tên đăng nhập."), Length(max=64)])
    display_name = StringField("Họ tên cán bộ", validators=[InputRequired("Xin nhập họ tên."), Length(max=200)])
    role = SelectField("Vai trò", choices=choices(ROLE_NAMES.items()))
    unit = SelectField("Đơn vị (với cán bộ đơn vị)", validators=[Optional()])
    email = StringField("Thư điện tử nhận bản tin (không bắt buộc)", validators=[Optional(), Length(max=254)])
    password = PasswordField("Mật khẩu ban đầu", validators=[InputRequired("Xin nhập mật khẩu."), Length(min=10, max=200,
                             message="Mật khẩu phải có từ 10 đến 200 ký tự.")])  # fmt: skip


def _user_form() -> UserForm:
    form = UserForm()
    form.unit.choices = choices(
        [("", "—")] + [(u.code, u.name) for u in db.session.scalars(select(Unit).order_by(Unit.name))]
    )
    return form


@bp.get("/nguoi-dung")
@admin_only
def users():
    items = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render_template("admin/users.html", users=items, form=_user_form(), roles=ROLE_NAMES)


@bp.post("/nguoi-dung")
@admin_only
def user_create():
    form = _user_form()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("admin.users"))
    unit = unit_by_code(form.unit.data) if form.unit.data else None
    try:
        user = user_service.create_user(form.username.data, form.password.data, form.role.data,
                                        form.display_name.data, unit)  # fmt: skip
        notify.set_email(user, form.email.data)
        db.session.commit()
        flash(f"Đã tạo tài khoản {form.username.data}.", "info")
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("admin.users"))


@bp.post("/nguoi-dung/<int:user_id>/khoa")
@admin_only
def user_toggle(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash("Không thể tự khoá tài khoản của mình.", "error")
        return redirect(url_for("admin.users"))
    user_service.set_active(user, not user.is_active)
    db.session.commit()
    flash(("Đã mở khoá " if user.is_active else "Đã khoá ") + user.username + ".", "info")
    return redirect(url_for("admin.users"))


# ---- reports --------------------------------------------------------------------------


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


# ---- fields, procedures, editing a unit ---------------------------------------------------


class FieldForm(Form):
    code = StringField("Mã lĩnh vực", validators=[InputRequired("Xin nhập mã lĩnh vực."), CODE])
    name = StringField("Tên lĩnh vực", validators=[InputRequired("Xin nhập tên lĩnh vực."), Length(max=200)])


class ProcedureForm(Form):
    field = SelectField("Lĩnh vực", validators=[InputRequired()])
    code = StringField("Mã thủ tục", validators=[InputRequired("Xin nhập mã thủ tục."), Length(max=64)])
    name = StringField("Tên thủ tục", validators=[InputRequired("Xin nhập tên thủ tục."), Length(max=500)])


def _procedure_form() -> ProcedureForm:
    form = ProcedureForm()
    form.field.choices = choices(
        [(f.code, f.name) for f in db.session.scalars(select(Field).order_by(Field.sort_order))]
    )
    return form


@bp.get("/linh-vuc-quan-ly")
@admin_only
def fields_manage():
    fields = db.session.scalars(select(Field).order_by(Field.sort_order, Field.name)).all()
    return render_template("admin/fields.html", fields=fields, field_form=FieldForm(), procedure_form=_procedure_form())


@bp.post("/linh-vuc-quan-ly")
@admin_only
def field_create():
    form = FieldForm()
    if not form.validate_on_submit():
        _flash_errors(form)
    elif db.session.scalar(select(Field.id).where(Field.code == form.code.data)):
        flash(f"Mã lĩnh vực {form.code.data} đã có.", "error")
    else:
        last = db.session.scalar(select(func.max(Field.sort_order))) or 0
        db.session.add(Field(code=form.code.data, name=clean_text(form.name.data), sort_order=last + 1))
        db.session.commit()
        flash(f"Đã thêm lĩnh vực {form.name.data}.", "info")
    return redirect(url_for("admin.fields_manage"))


@bp.post("/linh-vuc-quan-ly/thu-tuc")
@admin_only
def procedure_create():
    form = _procedure_form()
    if not form.validate_on_submit():
        _flash_errors(form)
    elif db.session.scalar(select(Procedure.id).where(Procedure.code == form.code.data.strip())):
        flash(f"Mã thủ tục {form.code.data} đã có.", "error")
    else:
        field = db.session.scalar(select(Field).where(Field.code == form.field.data))
        db.session.add(Procedure(code=form.code.data.strip(), name=clean_text(form.name.data), field=field))
        db.session.commit()
        flash(f"Đã thêm thủ tục {form.name.data}.", "info")
    return redirect(url_for("admin.fields_manage"))


class UnitEditForm(Form):
    name = StringField("Tên đơn vị", validators=[InputRequired("Xin nhập tên đơn vị."), Length(max=200)])
    fields = SelectMultipleField("Lĩnh vực tiếp nhận", validators=[Optional()])
    valid_to = DateField("Ngày thôi hoạt động (sáp nhập, giải thể)", validators=[Optional()])
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


def _lines_field(text: str | None) -> str | None:
    """A multi-line setting kept one clean entry a line; None when nothing is left."""
    return "\n".join(lines(text)) or None


@bp.route("/don-vi-quan-ly/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def unit_edit(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = UnitEditForm(obj=None if request.method == "POST" else unit)
    form.fields.choices = choices(
        [(f.code, f.name) for f in db.session.scalars(select(Field).order_by(Field.sort_order))]
    )
    others = db.session.scalars(select(Unit).where(Unit.id != unit.id).order_by(Unit.name)).all()
    form.successor.choices = choices([("", "— Không —")] + [(u.code, u.name) for u in others])
    if request.method == "GET":
        form.fields.data = [f.code for f in unit.fields]
        form.successor.data = unit.successor.code if unit.successor else ""
    elif form.validate_on_submit():
        successor = unit_by_code(form.successor.data) if form.successor.data else None
        if successor is not None and form.valid_to.data is None:
            flash("Đơn vị kế thừa chỉ đặt khi có ngày thôi hoạt động.", "error")
        else:
            unit.name = clean_text(form.name.data)
            unit.fields = list(db.session.scalars(select(Field).where(Field.code.in_(form.fields.data or []))))
            unit.valid_to = form.valid_to.data
            if successor is not None and successor is not unit.successor:
                unit_service.record_succession(unit, successor, form.valid_to.data + timedelta(days=1), "merge")
            unit.report_signer_titles = _lines_field(form.report_signer_titles.data)
            unit.report_signer_name = clean_text(form.report_signer_name.data)
            unit.report_recipients = _lines_field(form.report_recipients.data)
            unit.report_symbol = clean_text(form.report_symbol.data)
            db.session.commit()
            flash(f"Đã lưu đơn vị {unit.name}.", "info")
            return redirect(url_for("admin.units_manage"))
    else:
        _flash_errors(form)
    return render_template("admin/unit_edit.html", unit=unit, form=form)
