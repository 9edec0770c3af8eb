"""Feedback pages: the inbox (filters, several items at once), one item, and comments to turn into complaints."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from survey.admin import bp, visible_or_404
from survey.admin.actions import act
from survey.errors import page_number
from survey.extensions import db
from survey.forms import DayField, Form, choices
from survey.models import FeedbackItem, Field, Response, Unit, User
from survey.models.feedback import KIND_NAMES, STATUS_NAMES
from survey.models.types import utcnow
from survey.services import contacts
from survey.services import feedback as service
from survey.services import feedback_inbox as inbox
from survey.services.errors import DomainError
from survey.services.text import by_name
from survey.services.users import can_see_unit, visible_unit_ids

PAGE_SIZE = 50
RESULT_LABEL = "Kết quả xử lý (cơ quan đã làm gì)"


class FilterForm(Form):
    """The inbox's filters, read from the query string (GET: no CSRF)."""

    don_vi = SelectField("Đơn vị (gồm đơn vị trực thuộc)", validators=[Optional()])
    linh_vuc = SelectField("Lĩnh vực", validators=[Optional()])
    nguoi_xu_ly = SelectField("Người xử lý", validators=[Optional()])
    trang_thai = SelectField("Trạng thái", validators=[Optional()])
    qua_han = BooleanField("Chỉ phản ánh quá hạn")
    tim = StringField("Tìm trong nội dung hoặc số phản ánh", validators=[Optional(), Length(max=200)])
    tu_ngay = DayField("Nhận từ ngày", validators=[Optional()])
    den_ngay = DayField("đến ngày", validators=[Optional()])


class BulkForm(Form):
    item = SelectMultipleField("Phản ánh đã chọn", coerce=int, validate_choice=False)
    action = SelectField("Việc", choices=choices([("take", "Giao cho tôi"), ("assign", "Giao cho cán bộ"),
                                                  ("close", "Ghi kết quả và đóng")]))  # fmt: skip
    assignee = SelectField("Giao cho cán bộ", validators=[Optional()], validate_choice=False)
    result = TextAreaField(RESULT_LABEL + " — cho các phản ánh chưa có kết quả",
                           validators=[Optional(), Length(max=service.ANSWER_MAX_LENGTH)])  # fmt: skip
    back = HiddenField()


class AssignForm(Form):
    assignee = SelectField("Giao cho cán bộ", validators=[InputRequired("Xin chọn cán bộ.")])


class AnswerForm(Form):
    text = TextAreaField(RESULT_LABEL, validators=[InputRequired("Xin ghi kết quả xử lý."),
                                                   Length(max=service.ANSWER_MAX_LENGTH)])  # fmt: skip


class CloseForm(Form):
    note = TextAreaField("Ghi chú khi đóng (không bắt buộc)", validators=[Optional(), Length(max=1000)])


class ActionForm(Form):
    """A button that only needs the CSRF token ("Giao cho tôi", "Chuyển thành phản ánh")."""


def _units() -> list[Unit]:
    allowed = visible_unit_ids(current_user)
    stmt = select(Unit)
    if allowed is not None:
        stmt = stmt.where(Unit.id.in_(allowed))
    return by_name(db.session.scalars(stmt))


def _officers(unit_id: int | None = None) -> list[User]:
    """Active officers the current account may give items to (of ``unit_id`` when given)."""
    stmt = select(User).options(selectinload(User.unit)).where(User.role == "unit_officer", User.is_active.is_(True))
    if not current_user.sees_all_units:
        stmt = stmt.where(User.id == current_user.id)
    officers = by_name(db.session.scalars(stmt), lambda u: u.display_name)
    return [u for u in officers if can_see_unit(current_user, u.unit_id) and
            (unit_id is None or can_see_unit(u, unit_id))]  # fmt: skip


def _filter_form() -> FilterForm:
    form = FilterForm(formdata=request.args, meta={"csrf": False})
    form.don_vi.choices = choices([("", "Tất cả đơn vị"), *((u.id, u.name) for u in _units())])
    fields = by_name(db.session.scalars(select(Field)))
    form.linh_vuc.choices = choices([("", "Tất cả lĩnh vực"), *((f.id, f.name) for f in fields)])
    people = [("", "Mọi người"), ("me", "Giao cho tôi"), ("none", "Chưa giao")]
    form.nguoi_xu_ly.choices = choices(
        people + [(u.id, u.display_name) for u in _officers() if u.id != current_user.id]
    )
    form.trang_thai.choices = choices([("", "Mọi trạng thái"), ("open", "Chưa xong (mới, đã giao)"),
                                       *STATUS_NAMES.items()])  # fmt: skip
    return form


def _as_filter(form: FilterForm) -> inbox.InboxFilter:
    def number(value: str | None) -> int | None:
        return int(value) if value and value.isdigit() else None

    who = form.nguoi_xu_ly.data or None
    return inbox.InboxFilter(
        unit_id=number(form.don_vi.data), field_id=number(form.linh_vuc.data),
        assignee=who if who in ("me", "none") else number(who),
        status=form.trang_thai.data or None, overdue=bool(form.qua_han.data), text=form.tim.data or None,
        received_from=form.tu_ngay.data, received_to=form.den_ngay.data,
    )  # fmt: skip


@bp.get("/phan-anh")
def feedback_list():
    form = _filter_form()
    valid = form.validate() if request.args else True
    f = _as_filter(form) if valid else inbox.InboxFilter()
    now = utcnow()
    number = page_number(request.args.get("page"))
    items, total = inbox.page(current_user, f, now, number, PAGE_SIZE)
    level = current_app.config["FEEDBACK_SCORE_LEVEL"]
    bulk = BulkForm()
    if not current_user.sees_all_units:
        bulk.action.choices = choices([("take", "Giao cho tôi")])
    bulk.assignee.choices = choices([("", "— Chọn cán bộ —"), *((u.id, f"{u.display_name} — {u.unit.name}")
                                                              for u in _officers())])  # fmt: skip
    bulk.back.data = request.full_path
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/feedback_list.html", items=items, now=now, statuses=STATUS_NAMES, kinds=KIND_NAMES,
                           form=form, bulk=bulk, total=total, page=number, pages=max(1, -(-total // PAGE_SIZE)),
                           page_url=lambda n: url_for("admin.feedback_list") + "?" + urlencode({**args, "page": n}),
                           low_reason=lambda item: inbox.low_reason(item, level), comment_start=inbox.comment_start,
                           invalid=not valid)  # fmt: skip


def _back(value: str | None) -> str:
    # only back to the inbox itself: never an address from the form
    return (
        value if value and value.startswith("/admin/phan-anh") and "//" not in value else url_for("admin.feedback_list")
    )


@bp.post("/phan-anh/hang-loat")
def feedback_bulk():
    form = BulkForm()
    back = _back(form.back.data)

    def run() -> str:
        ids = sorted(set(form.item.data or []))
        items = db.session.scalars(select(FeedbackItem).where(FeedbackItem.id.in_(ids))).all() if ids else []
        # another unit's item (or one that does not exist) among the boxes: as for one item, 404
        if len(items) != len(ids) or not all(can_see_unit(current_user, i.unit_id) for i in items):
            abort(404)
        if form.action.data == "close":
            service.close_many(items, current_user, form.result.data)
            return f"Đã đóng {len(items)} phản ánh."
        who = current_user if form.action.data == "take" else (
            db.session.get(User, int(form.assignee.data)) if (form.assignee.data or "").isdigit() else None)  # fmt: skip
        if who is None:
            raise DomainError("Xin chọn cán bộ được giao.")
        service.assign_many(items, who, current_user)
        return f"Đã giao {len(items)} phản ánh cho {who.display_name}."

    return act(run, back, form=form)


@bp.get("/phan-anh/<int:item_id>")
def feedback_item(item_id: int):
    item = visible_or_404(FeedbackItem, item_id)
    assign_form = AssignForm()
    assign_form.assignee.choices = choices((u.id, f"{u.display_name} — {u.unit.name}") for u in _officers(item.unit_id))
    level = current_app.config["FEEDBACK_SCORE_LEVEL"]
    contact = item.contact if contacts.may_see_contact(current_user, item) else None
    return render_template("admin/feedback_item.html", item=item, now=utcnow(), statuses=STATUS_NAMES,
                           kinds=KIND_NAMES, low=inbox.low_answers(item.response, level), assign_form=assign_form,
                           answer_form=AnswerForm(), close_form=CloseForm(), action_form=ActionForm(),
                           contact=contact, phone_shown=contacts.phone_shown)  # fmt: skip


def _act(item_id: int, form_class, action) -> object:
    item = visible_or_404(FeedbackItem, item_id)
    form = form_class()
    if isinstance(form, AssignForm):
        # the officer is checked by the service (unit, role, active); the form only carries the id
        form.assignee.choices = choices([(request.form.get("assignee", ""), "")])

    def run() -> str:
        action(item, form)
        return "Đã lưu."

    return act(run, url_for("admin.feedback_item", item_id=item.id), form=form)


@bp.post("/phan-anh/<int:item_id>/giao")
def feedback_assign(item_id: int):
    def action(item, form):
        assignee = db.session.get(User, int(form.assignee.data)) if form.assignee.data.isdigit() else None
        if assignee is None:
            raise DomainError("Cán bộ không tồn tại.")
        service.assign(item, assignee, current_user)

    return _act(item_id, AssignForm, action)


@bp.post("/phan-anh/<int:item_id>/nhan")
def feedback_take(item_id: int):
    return _act(item_id, ActionForm, lambda item, form: service.assign(item, current_user, current_user))


@bp.post("/phan-anh/<int:item_id>/tra-loi")
def feedback_answer(item_id: int):
    return _act(item_id, AnswerForm, lambda item, form: service.answer(item, form.text.data, current_user))


@bp.post("/phan-anh/<int:item_id>/dong")
def feedback_close(item_id: int):
    return _act(item_id, CloseForm, lambda item, form: service.close(item, current_user, form.note.data))


# ---- comments that are not (yet) complaints ---------------------------------------------------


@bp.get("/phan-anh/y-kien")
def feedback_comments():
    """Comments without an item (no deadline), newest first, each can be turned into a complaint."""
    allowed = visible_unit_ids(current_user)
    stmt = (
        select(Response)
        .options(selectinload(Response.unit), selectinload(Response.field))
        .outerjoin(FeedbackItem, FeedbackItem.response_id == Response.id)
        .where(Response.comment.is_not(None), FeedbackItem.id.is_(None))
    )
    if allowed is not None:
        stmt = stmt.where(Response.unit_id.in_(allowed))
    number = page_number(request.args.get("page"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Response.submitted_at.desc(), Response.id.desc())
                              .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()  # fmt: skip
    return render_template("admin/feedback_comments.html", rows=rows, total=total, page=number,
                           pages=max(1, -(-total // PAGE_SIZE)), action_form=ActionForm(),
                           comment_start=inbox.comment_start)  # fmt: skip


@bp.post("/phan-anh/y-kien/<int:response_id>/chuyen")
def feedback_convert(response_id: int):
    response = visible_or_404(Response, response_id)

    def run():
        item = service.convert(response, current_user)
        flash(f"Đã chuyển ý kiến thành phản ánh, hạn xử lý {current_app.config['FEEDBACK_DUE_DAYS']} ngày.", "info")
        return redirect(url_for("admin.feedback_item", item_id=item.id))

    return act(run, url_for("admin.feedback_comments"), form=ActionForm())
