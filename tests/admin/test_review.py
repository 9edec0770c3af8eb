"""Flagged ballots are kept, counted out of the index, and a reviewer confirms or restores each."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import FeedbackItem, Response, ResponseReview
from tests.admin.conftest import csrf_from


def _flag(app, unit_id, n=3):
    with app.app_context():
        rows = db.session.scalars(select(Response).where(Response.unit_id == unit_id, Response.period_month == 202610)
                                  .order_by(Response.id).limit(n)).all()  # fmt: skip
        for r in rows:
            r.flags, r.is_excluded = "device", True
        db.session.commit()
        return [r.id for r in rows]


def test_flagged_ballots_are_counted_and_reviewed(app, client, world, login):
    ids = _flag(app, world["b"].id)
    login("vanphong")
    overview = client.get("/admin/?month=2026-10").get_data(as_text=True)
    assert "3 phiếu bị loại (nhiều phiếu từ cùng một thiết bị: 3)" in overview
    page = client.get("/admin/phieu-bi-loai?month=2026-10").get_data(as_text=True)
    assert "3 phiếu có dấu hiệu nghi vấn" in page and "nhiều phiếu từ cùng một thiết bị" in page
    token = csrf_from(client, "/admin/phieu-bi-loai?month=2026-10")
    client.post(
        f"/admin/phieu-bi-loai/{ids[0]}/khoi-phuc", data={"csrf_token": token, "note": "Cả gia đình dùng chung máy"}
    )
    client.post(f"/admin/phieu-bi-loai/{ids[1]}/xac-nhan", data={"csrf_token": token})
    with app.app_context():
        restored, confirmed = db.session.get(Response, ids[0]), db.session.get(Response, ids[1])
        assert not restored.is_excluded and restored.flags == "device" and confirmed.is_excluded
        trail = [(r.response_id, r.action, r.actor.username, r.note) for r in db.session.scalars(
            select(ResponseReview).order_by(ResponseReview.id))]  # fmt: skip
        assert trail == [
            (ids[0], "restored", "vanphong", "Cả gia đình dùng chung máy"),
            (ids[1], "confirmed", "vanphong", None),
        ]
        # a restored low-score ballot now raises its complaint like any other
        assert db.session.scalar(select(FeedbackItem.id).where(FeedbackItem.response_id == ids[0])) is not None
    assert "2 phiếu bị loại" in client.get("/admin/?month=2026-10").get_data(as_text=True)


def test_officers_cannot_review(app, client, world, login):
    ids = _flag(app, world["a"].id, 1)
    login("canbo.chauo")
    assert client.get("/admin/phieu-bi-loai").status_code == 403
    token = csrf_from(client, "/admin/")
    assert client.post(f"/admin/phieu-bi-loai/{ids[0]}/khoi-phuc", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.get(Response, ids[0]).is_excluded
