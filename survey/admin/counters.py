"""Counters: the list, one counter's page (QR, poster, kiosk, fields, receipt codes) and the admin's changes.

Revoking or renewing a QR or a kiosk link makes what was printed or set up stop working,
so each has a confirmation page (GET) saying exactly that; only its form (POST) acts.
"""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from survey.admin import bp, visible_or_404
from survey.admin.actions import CODE, Confirmation, act, admin_only, confirmed, visible
from survey.extensions import db
from survey.figures.periods import VN
from survey.forms import Form, choices
from survey.models import Counter, Field, ServicePoint, Unit
from survey.models.types import utcnow
from survey.services import catalogue, counter_admin
from survey.services import counters as counter_service
from survey.services import service_points as point_service
from survey.services.text import by_name
from survey.services.units import unit_by_code


class CounterForm(Form):
    code = StringField("Mã quầy", validators=[InputRequired("Xin nhập mã quầy."), CODE])
    name = StringField("Tên quầy", validators=[InputRequired("Xin nhập tên quầy."), Length(max=200)])
    unit = SelectField("Đơn vị", validators=[InputRequired()])
    field = SelectField("Lĩnh vực cố định (không bắt buộc)", validators=[Optional()])
    service_point = SelectField("Điểm phục vụ", validators=[Optional()])


class MoveForm(Form):
    service_point = SelectField("Chuyển quầy sang", validators=[InputRequired("Xin chọn điểm phục vụ.")])


class ReceiptForm(Form):
    count = IntegerField("Số mã cần in (24 mã một trang A4)", default=24, validators=[
        InputRequired("Xin nhập số mã cần in."),
        NumberRange(1, counter_admin.MAX_ISSUE_ONLINE,
                    message=f"Số mã phải từ 1 đến {counter_admin.MAX_ISSUE_ONLINE}.")])  # fmt: skip
    field = SelectField("Lĩnh vực ghi sẵn trên mã", validators=[Optional()])
    valid_days = IntegerField("Hiệu lực (số ngày)", validators=[
        InputRequired("Xin nhập số ngày hiệu lực."),
        NumberRange(1, 365, message="Hiệu lực từ 1 đến 365 ngày.")])  # fmt: skip


def _counter_form() -> CounterForm:
    form = CounterForm()
    form.unit.choices = choices((u.code, u.name) for u in by_name(db.session.scalars(select(Unit))))
    fields = catalogue.fields_in_order()
    form.field.choices = choices([("", "— Hỏi người dân —")] + [(f.code, f.name) for f in fields])
    points = db.session.scalars(select(ServicePoint).join(ServicePoint.unit).where(ServicePoint.valid_to.is_(None))
                                .options(contains_eager(ServicePoint.unit))
                                .order_by(ServicePoint.kind, ServicePoint.number))  # fmt: skip
    points = by_name(points, lambda p: p.unit.name)  # stable: a unit's points stay in kind and number order
    form.service_point.choices = choices([("", "— Trung tâm của đơn vị —")]
                                         + [(p.id, f"{p.unit.name} — {p.name}") for p in points])  # fmt: skip
    return form


def _move_form(counter: Counter) -> MoveForm:
    form = MoveForm()
    points = [p for p in point_service.open_points(counter.unit) if p.id != counter.service_point_id]
    form.service_point.choices = choices([("", "— Chọn điểm phục vụ —")] + [(p.id, p.name) for p in points])
    return form


def _receipt_form(counter: Counter) -> ReceiptForm:
    form = ReceiptForm()
    if form.valid_days.data is None:
        form.valid_days.data = current_app.config["RECEIPT_VALID_DAYS"]
    offered = counter.offered
    fixed = [] if len(offered) == 1 else [("", "— Người dân tự chọn —")]
    form.field.choices = choices(fixed + [(f.code, f.name) for f in offered])
    return form


def _page(counter: Counter) -> str:
    return url_for("admin.counter_page", counter_id=counter.id)


@bp.get("/quay")
def counters():
    stmt = visible(select(Counter), Counter.unit_id).options(
        selectinload(Counter.unit), selectinload(Counter.service_point)
    )
    items = db.session.scalars(stmt.order_by(Counter.code)).all()
    form = _counter_form() if current_user.role == "admin" else None
    return render_template("admin/counters.html", counters=items, base=current_app.config["PUBLIC_BASE_URL"],
                           form=form)  # fmt: skip


@bp.post("/quay")
@admin_only
def counter_create():
    form = _counter_form()

    def create():
        field = db.session.scalar(select(Field).where(Field.code == form.field.data)) if form.field.data else None
        point = db.session.get(ServicePoint, int(form.service_point.data)) if form.service_point.data else None
        counter = counter_admin.create_counter(form.code.data, form.name.data, unit_by_code(form.unit.data), field,
                                               actor=current_user, point=point)  # fmt: skip
        return f"Đã tạo quầy {counter.code}."

    return act(create, url_for("admin.counters"), form=form)


@bp.get("/quay/<int:counter_id>")
def counter_page(counter_id: int):
    counter = visible_or_404(Counter, counter_id)
    base = current_app.config["PUBLIC_BASE_URL"]
    admin = current_user.role == "admin"
    return render_template("admin/counter.html", counter=counter, survey_url=counter_service.survey_url(counter, base),
                           kiosk_url=counter_service.kiosk_url(counter, base),
                           receipt_form=_receipt_form(counter) if admin and counter.is_active else None,
                           move_form=_move_form(counter) if admin and counter.is_active else None)  # fmt: skip


_PRINTED_STOP = "Các áp phích/mã QR đã in của quầy này sẽ không dùng được nữa"
#: URL → (endpoint, the service's change, what is flashed after it, its confirmation)
CHANGES = {
    "thu-hoi": ("counter_revoke", counter_admin.revoke,
                "Đã thu hồi mã QR của quầy {code}: áp phích cũ không còn dùng được.",
                Confirmation("Thu hồi mã QR của quầy", (
                    _PRINTED_STOP + ": người dân quét sẽ thấy trang báo mã không còn hiệu lực.",
                    "Đường dẫn máy tính bảng của quầy cũng ngừng nhận phiếu.",
                    "Phiếu đã nhận vẫn được giữ nguyên. Muốn dùng lại quầy, chọn “Tạo mã QR mới” rồi in lại áp phích."),
                    "Thu hồi mã QR")),
    "tao-lai": ("counter_regenerate", counter_admin.regenerate,
                "Đã tạo mã QR mới cho quầy {code}: hãy in lại áp phích.",
                Confirmation("Tạo mã QR mới cho quầy", (
                    _PRINTED_STOP + ".", "Cần tải và in lại áp phích mới, thay tất cả áp phích cũ tại quầy.",
                    "Phiếu đã nhận vẫn được giữ nguyên."), "Tạo mã QR mới")),
    "may-tinh-bang": ("counter_kiosk", counter_admin.new_kiosk_link,
                      "Đã tạo đường dẫn máy tính bảng mới cho quầy {code}; đường dẫn cũ (nếu có) không còn dùng được.",
                      Confirmation("Đổi đường dẫn máy tính bảng của quầy", (
                          "Máy tính bảng đang mở đường dẫn cũ sẽ không nhận phiếu được nữa.",
                          "Cần mở đường dẫn mới trên máy tính bảng của quầy."), "Đổi đường dẫn")),
    "may-tinh-bang/thu-hoi": ("counter_kiosk_revoke", counter_admin.revoke_kiosk_link,
                              "Đã thu hồi đường dẫn máy tính bảng của quầy {code}.",
                              Confirmation("Thu hồi đường dẫn máy tính bảng của quầy", (
                                  "Máy tính bảng của quầy sẽ không nhận phiếu được nữa.",
                                  "Mã QR và áp phích của quầy vẫn dùng được."), "Thu hồi đường dẫn")),
}  # fmt: skip


def _change_view(change, message: str, confirmation: Confirmation):
    @admin_only
    def view(counter_id: int):
        counter = visible_or_404(Counter, counter_id)

        def run() -> str:
            change(counter, actor=current_user)
            return message.format(code=counter.code)

        if change is counter_admin.new_kiosk_link and counter.kiosk_token is None:  # a first link: nothing stops
            return act(run, _page(counter)) if request.method == "POST" else redirect(_page(counter))
        titled = Confirmation(f"{confirmation.title} {counter.code}", confirmation.consequences, confirmation.button)
        return confirmed(titled, f"{counter.code} — {counter.name} ({counter.unit.name})", run, _page(counter))

    return view


for _path, (_endpoint, _change, _message, _confirmation) in CHANGES.items():
    bp.add_url_rule(f"/quay/<int:counter_id>/{_path}", _endpoint, _change_view(_change, _message, _confirmation),
                    methods=["GET", "POST"])  # fmt: skip


@bp.post("/quay/<int:counter_id>/linh-vuc")
@admin_only
def counter_fields(counter_id: int):
    """The fields the counter's form offers: a few of its unit's, one (fixed), or none ticked for all."""
    counter = visible_or_404(Counter, counter_id)
    if not Form().validate_on_submit():  # the CSRF token
        abort(400)

    def save():
        counter_admin.set_fields(counter, set(request.form.getlist("field")), actor=current_user)
        return f"Quầy {counter.code} nhận: {', '.join(f.name for f in counter.offered)}."

    return act(save, _page(counter))


@bp.post("/quay/<int:counter_id>/diem-phuc-vu")
@admin_only
def counter_move(counter_id: int):
    """The counter stands in another service point of its unit (answers already given keep theirs)."""
    counter = visible_or_404(Counter, counter_id)
    form = _move_form(counter)

    def move():
        point = db.session.get(ServicePoint, int(form.service_point.data))
        point_service.move_counter(counter, point, actor=current_user)
        return f"Quầy {counter.code} từ nay ở {point.full_name}; phiếu đã nhận vẫn ghi nơi cũ."

    return act(move, _page(counter), form=form)


@bp.post("/quay/<int:counter_id>/ma-danh-gia")
@admin_only
def counter_receipts(counter_id: int):
    """Issue one-time receipt codes and download them as an A4 sheet of slips (PDF) to print and cut."""
    from survey.receipt_sheet import sheet_pdf

    counter = visible_or_404(Counter, counter_id)
    form = _receipt_form(counter)

    def issue():
        field = next((f for f in counter.offered if f.code == form.field.data), None) if form.field.data else None
        codes = counter_admin.issue_receipts(counter, form.count.data, field, form.valid_days.data, actor=current_user)
        pdf = sheet_pdf(counter, codes, current_app.config["PUBLIC_BASE_URL"])  # made before the commit
        name = f"ma-danh-gia-{counter.code}-{utcnow().astimezone(VN):%d-%m-%Y-%H%M}.pdf"
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    return act(issue, _page(counter), form=form)


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
