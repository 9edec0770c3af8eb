"""Flagged responses: the office confirms each exclusion or restores the ballot, with a trail."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import Length, Optional

from survey.admin import bp, filters
from survey.admin.actions import act
from survey.errors import page_number
from survey.extensions import db
from survey.forms import Form
from survey.models import Response, ResponseReview
from survey.queries import where_clauses
from survey.services import trust

PAGE_SIZE = 50


class ReviewForm(Form):
    note = StringField(
        "Ghi chú", validators=[Optional(), Length(max=500, message="Ghi chú không hợp lệ (tối đa 500 ký tự).")]
    )


def _reviewers_only() -> None:
    if not current_user.sees_all_units:
        abort(403)


@bp.get("/phieu-bi-loai")
def flagged():
    _reviewers_only()
    f = filters.parse(request.args, current_user)
    scope = f.scope()
    page = page_number(request.args.get("page"))
    # every flagged ballot of the scope: still excluded, or already restored by a reviewer
    conditions = [*where_clauses(scope.__class__(**{**scope.__dict__, "include_excluded": True})),
                  Response.flags.is_not(None)]  # fmt: skip
    total = db.session.scalar(select(func.count(Response.id)).where(*conditions))
    responses = db.session.scalars(
        select(Response).where(*conditions).order_by(Response.submitted_at.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()  # fmt: skip
    reviews = {}
    if responses:
        for review in db.session.scalars(select(ResponseReview).where(
                ResponseReview.response_id.in_([r.id for r in responses])).order_by(ResponseReview.at)):  # fmt: skip
            reviews.setdefault(review.response_id, []).append(review)
    return render_template("admin/flagged.html", f=f, responses=responses, reviews=reviews, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), summary=trust.excluded_summary(scope),
                           labels=trust.REASON_LABELS, form=ReviewForm())  # fmt: skip


@bp.post("/phieu-bi-loai/<int:response_id>/<action>")
def review_response(response_id: int, action: str):
    _reviewers_only()
    response = db.session.get(Response, response_id)
    if response is None or action not in ("xac-nhan", "khoi-phuc"):
        abort(404)
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else url_for("admin.flagged")

    def review() -> str:
        if action == "xac-nhan":
            trust.confirm_exclusion(response, current_user, form.note.data)
            return f"Đã xác nhận loại phiếu #{response.id}."
        trust.restore(response, current_user, form.note.data)
        return f"Đã khôi phục phiếu #{response.id}: phiếu được tính lại vào chỉ số."

    form = ReviewForm()
    return act(review, back, form=form)
