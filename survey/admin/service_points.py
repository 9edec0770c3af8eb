"""Admin pages for service points (Nghị định 118/2025): each unit's Trung tâm Phục vụ hành chính công,
its điểm tiếp nhận and branches; add one, rename it or change its address, close it on a day.

Only the admin reaches them (like the unit pages): an officer or a reviewer gets 403. Counters are
placed in a service point from the counters' pages.
"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from survey.admin import bp
from survey.admin.actions import act, admin_only
from survey.extensions import db
from survey.forms import DayField, Form, choices
from survey.models import Counter, ServicePoint, Unit
from survey.models.counters import SERVICE_POINT_KINDS
from survey.services import service_points as point_service
from survey.services.text import by_name


class PointForm(Form):
    kind = SelectField("Loại", choices=choices((k, SERVICE_POINT_KINDS[k]) for k in point_service.NEW_KINDS))
    name = StringField("Tên (để trống: đặt theo loại và số thứ tự tiếp theo)",
                       validators=[Optional(), Length(max=200)])  # fmt: skip
    address = StringField("Địa chỉ (không bắt buộc)", validators=[Optional(), Length(max=300)])
    valid_from = DayField("Ngày bắt đầu tiếp nhận (không bắt buộc)", validators=[Optional()])


class PointEditForm(Form):
    name = StringField("Tên", validators=[InputRequired("Xin nhập tên điểm phục vụ."), Length(max=200)])
    address = StringField("Địa chỉ (không bắt buộc)", validators=[Optional(), Length(max=300)])


class CloseForm(Form):
    last_day = DayField("Ngày cuối cùng tiếp nhận hồ sơ", validators=[InputRequired("Xin nhập ngày đóng.")])


def _unit_page(unit: Unit) -> str:
    return url_for("admin.service_points", unit_id=unit.id)


@bp.get("/diem-phuc-vu")
@admin_only
def service_points_index():
    """The units in force, each with how many service points and counters in use it has."""
    points = (select(ServicePoint.unit_id, func.count()).where(ServicePoint.valid_to.is_(None))
              .group_by(ServicePoint.unit_id))  # fmt: skip
    counters = (select(Counter.unit_id, func.count()).where(Counter.is_active.is_(True))
                .group_by(Counter.unit_id))  # fmt: skip
    open_points = dict(db.session.execute(points).all())
    open_counters = dict(db.session.execute(counters).all())
    units = sorted(by_name(db.session.scalars(select(Unit).where(Unit.valid_to.is_(None)))),
                   key=lambda u: u.kind != "province")  # fmt: skip
    return render_template("admin/service_points_index.html", units=units, open_points=open_points,
                           open_counters=open_counters)  # fmt: skip


def _list(unit: Unit, form: PointForm):
    points = point_service.points_of(unit)
    return render_template("admin/service_points.html", unit=unit, points=points, form=form,
                           in_use=point_service.open_counter_counts(points), kinds=SERVICE_POINT_KINDS)  # fmt: skip


@bp.route("/don-vi-quan-ly/<int:unit_id>/diem-phuc-vu", methods=["GET", "POST"])
@admin_only
def service_points(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = PointForm()
    if request.method == "GET":
        form.kind.data = "intake" if any(p.kind == "centre" for p in point_service.open_points(unit)) else "centre"
        return _list(unit, form)

    def create():
        point = point_service.create_point(unit, form.kind.data, form.name.data, form.address.data,
                                           form.valid_from.data, actor=current_user)  # fmt: skip
        return f"Đã tạo {point.full_name}."

    return act(create, _unit_page(unit), form=form, again=lambda: _list(unit, form))


def _point_page(point: ServicePoint, form: PointEditForm, close: CloseForm):
    return render_template("admin/service_point.html", point=point, form=form, close=close,
                           kinds=SERVICE_POINT_KINDS)  # fmt: skip


@bp.route("/diem-phuc-vu/<int:point_id>", methods=["GET", "POST"])
@admin_only
def service_point_edit(point_id: int):
    point = db.session.get(ServicePoint, point_id) or abort(404)
    form = PointEditForm(obj=None if request.method == "POST" else point)
    if request.method == "GET":
        return _point_page(point, form, CloseForm())

    def save():
        point_service.edit_point(point, form.name.data, form.address.data, actor=current_user)
        return f"Đã lưu {point.full_name}."

    return act(save, url_for("admin.service_point_edit", point_id=point.id), form=form, done=_unit_page(point.unit),
               again=lambda: _point_page(point, form, CloseForm(formdata=None)))  # fmt: skip


@bp.post("/diem-phuc-vu/<int:point_id>/dong")
@admin_only
def service_point_close(point_id: int):
    point = db.session.get(ServicePoint, point_id) or abort(404)
    form = CloseForm()

    def close():
        point_service.close_point(point, form.last_day.data, actor=current_user)
        return f"Đã đóng {point.full_name} từ sau ngày {form.last_day.data:%d/%m/%Y}."

    return act(close, url_for("admin.service_point_edit", point_id=point.id), form=form, done=_unit_page(point.unit),
               again=lambda: _point_page(point, PointEditForm(formdata=None, obj=point), form))  # fmt: skip
