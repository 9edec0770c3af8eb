"""Feedback pages: the list (overdue first) and one item with its actions and history."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from analysis.profile import load_profile
from survey.admin import bp, visible_or_404
from survey.admin.actions import act
from survey.errors import page_number
from survey.extensions import db
from survey.forms import Form, choices
from survey.models import FeedbackItem, Response, Unit, User
from survey.models.feedback import STATUS_NAMES
from survey.models.types import utcnow
from survey.services import feedback as service
from survey.services.errors import DomainError
from survey.services.users import can_see_unit, visible_unit_ids

PAGE_SIZE = 50


class AssignForm(Form):
    assignee = SelectField("Giao cho cán bộ", validators=[InputRequired("Xin chọn cán bộ.")])


class AnswerForm(Form):
    text = TextAreaField("Nội dung trả lời người dân",
                         validators=[InputRequired("Xin nhập nội dung trả lời."), Length(max=service.ANSWER_MAX_LENGTH)])  # fmt: skip


class CloseForm(Form):
    note = TextAreaField("Ghi chú khi đóng (không bắt buộc)", validators=[Optional(), Length(max=1000)])


@bp.get("/phan-anh")
def feedback_list():
    allowed = visible_unit_ids(current_user)
    status = request.args.get("status") or None
    overdue_only = request.args.get("overdue") == "1"
    page = page_number(request.args.get("page"))
    now = utcnow()
    stmt = select(FeedbackItem).join(Unit, FeedbackItem.unit_id == Unit.id)
    if allowed is not None:
        stmt = stmt.where(FeedbackItem.unit_id.in_(allowed))
    if status in STATUS_NAMES:
        stmt = stmt.where(FeedbackItem.status == status)
    if overdue_only:
        stmt = stmt.where(FeedbackItem.status.in_(("new", "assigned")), FeedbackItem.due_at < now)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(
        stmt.order_by(FeedbackItem.status.in_(("answered", "closed")), FeedbackItem.due_at)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()  # fmt: skip
    return render_template("admin/feedback_list.html", items=items, now=now, status=status, statuses=STATUS_NAMES,
                           overdue_only=overdue_only, page=page, pages=max(1, -(-total // PAGE_SIZE)), total=total)  # fmt: skip


def _lowest_answers(response: Response) -> list[tuple[str, str, int]]:
    profile = load_profile(response.profile)
    scored = [(c, profile.text_of(c), response.answer(c)) for c in profile.satisfaction_codes]
    return sorted([s for s in scored if s[2] not in (None, 0)], key=lambda s: s[2])[:5]


@bp.get("/phan-anh/<int:item_id>")
def feedback_item(item_id: int):
    item = visible_or_404(FeedbackItem, item_id)
    assign_form = AssignForm()
    officers = db.session.scalars(select(User).where(User.role == "unit_officer", User.is_active.is_(True))).all()
    assign_form.assignee.choices = choices(
        (u.id, f"{u.display_name} — {u.unit.name}") for u in officers if can_see_unit(u, item.unit_id)
    )
    return render_template("admin/feedback_item.html", item=item, now=utcnow(), statuses=STATUS_NAMES,
                           lowest=_lowest_answers(item.response), assign_form=assign_form,
                           answer_form=AnswerForm(), close_form=CloseForm())  # fmt: skip


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


@bp.post("/phan-anh/<int:item_id>/tra-loi")
def feedback_answer(item_id: int):
    return _act(item_id, AnswerForm, lambda item, form: service.answer(item, form.text.data, current_user))


@bp.post("/phan-anh/<int:item_id>/dong")
def feedback_close(item_id: int):
    return _act(item_id, CloseForm, lambda item, form: service.close(item, current_user, form.note.data))
