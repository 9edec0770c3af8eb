"""Every complaint has an owner and a due date, and is followed from new to closed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import FeedbackItem, Response
from survey.services import feedback as service
from tests.admin.conftest import csrf_from


def _item(app, unit_id):
    with app.app_context():
        return db.session.scalar(
            select(FeedbackItem).where(FeedbackItem.unit_id == unit_id, FeedbackItem.kind == "comment").limit(1)
        )


def test_comments_and_low_scores_become_items_with_due_dates(app, world):
    with app.app_context():
        commented = db.session.scalar(select(func.count()).where(Response.comment.is_not(None)))
        comments = db.session.scalar(select(func.count()).where(FeedbackItem.kind == "comment"))
        low = db.session.scalar(select(func.count()).where(FeedbackItem.kind == "low_score"))
        assert comments == commented == 5
        assert low == 35 - 4  # level-2 ballots of Bình Chánh without a comment
        item = db.session.scalars(select(FeedbackItem)).first()
        assert item.due_at - max(item.created_at, item.response.submitted_at) == timedelta(days=7)
        assert [e.action for e in item.events] == ["created"]


def test_new_to_closed_with_audit_trail(app, client, world, login):
    item = _item(app, world["a"].id)
    login("vanphong")
    token = csrf_from(client, f"/admin/phan-anh/{item.id}")
    client.post(f"/admin/phan-anh/{item.id}/giao", data={"csrf_token": token, "assignee": str(world["officer_a"])})
    # the reviewer cannot close before an answer
    client.post(f"/admin/phan-anh/{item.id}/dong", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(FeedbackItem, item.id).status == "assigned"
    client.post("/admin/logout", data={"csrf_token": token})

    login("canbo.chauo")
    token = csrf_from(client, f"/admin/phan-anh/{item.id}")
    page = client.post(f"/admin/phan-anh/{item.id}/tra-loi", data={"csrf_token": token, "text": "Đã chấn chỉnh."},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Đã trả lời" in page
    client.post(f"/admin/phan-anh/{item.id}/dong", data={"csrf_token": token})  # officers cannot close
    with app.app_context():
        assert db.session.get(FeedbackItem, item.id).status == "answered"
    client.post("/admin/logout", data={"csrf_token": token})

    login("vanphong")
    token = csrf_from(client, f"/admin/phan-anh/{item.id}")
    client.post(f"/admin/phan-anh/{item.id}/dong", data={"csrf_token": token, "note": "Người dân đồng ý"})
    with app.app_context():
        done = db.session.get(FeedbackItem, item.id)
        assert done.status == "closed" and done.answer_text == "Đã chấn chỉnh." and done.closed_at is not None
        trail = [(e.action, e.actor.username if e.actor else None) for e in done.events]
    assert trail == [("created", None), ("assigned", "vanphong"), ("answered", "canbo.chauo"), ("closed", "vanphong")]


def test_cannot_assign_to_an_officer_of_another_unit(app, client, world, login):
    item = _item(app, world["b"].id)
    login("vanphong")
    token = csrf_from(client, f"/admin/phan-anh/{item.id}")
    page = client.post(f"/admin/phan-anh/{item.id}/giao", data={"csrf_token": token, "assignee": str(world["officer_a"])},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Chỉ giao cho cán bộ đang hoạt động của đơn vị có phản ánh" in page
    with app.app_context():
        assert db.session.get(FeedbackItem, item.id).status == "new"


def test_empty_answer_is_refused(app, client, world, login):
    item = _item(app, world["a"].id)
    login("vanphong")
    token = csrf_from(client, f"/admin/phan-anh/{item.id}")
    page = client.post(f"/admin/phan-anh/{item.id}/tra-loi", data={"csrf_token": token, "text": "   "},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Xin nhập nội dung trả lời" in page


def test_overdue_items_stand_out(app, client, world, login):
    with app.app_context():
        item = db.session.scalars(select(FeedbackItem)).first()
        item.due_at = item.created_at - timedelta(days=1)
        db.session.commit()
    login("vanphong")
    page = client.get("/admin/phan-anh?overdue=1").get_data(as_text=True)
    assert "1 phản ánh" in page and "(quá hạn)" in page


def test_a_citizen_complaint_becomes_an_item_when_sent(app, client, make_counter, open_form):
    from tests.conftest import full_answers

    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**hidden, **full_answers(value=1), "field_code": "HT", "comment": "Chờ quá lâu, không ai hướng dẫn"}
    assert client.post(f"/s/{counter.token}", data=data).status_code == 303
    with app.app_context():
        item = db.session.scalars(select(FeedbackItem)).one()
        assert item.kind == "comment" and item.status == "new" and item.unit_id == counter.unit_id
        assert item.response.comment == "Chờ quá lâu, không ai hướng dẫn"


def test_in_memory_rule_matches_the_sql_rule(app, world):
    """raises_feedback (used when storing) and collect (SQL) pick the same responses."""
    with app.app_context():
        responses = db.session.scalars(select(Response)).all()
        with_item = set(db.session.scalars(select(FeedbackItem.response_id)))
        assert {r.id for r in responses if service.raises_feedback(r)} == with_item
        assert 0 < len(with_item) < len(responses)


def test_an_item_opened_when_storing_is_the_one_collect_makes(app, world):
    """open_item (storing a ballot) and collect (import, restore, the CLI) make equal items."""
    with app.app_context():
        responses = db.session.scalars(select(Response).where(Response.id.in_(select(FeedbackItem.response_id))))
        response = next(r for r in responses if r.comment is None)
        collected = db.session.scalar(select(FeedbackItem).where(FeedbackItem.response_id == response.id))
        expected = (collected.kind, collected.unit_id, collected.status, collected.due_at - collected.created_at,
                    [(e.action, e.actor_id) for e in collected.events])  # fmt: skip
        now = collected.created_at
        db.session.delete(collected)
        db.session.flush()
        opened = db.session.get(FeedbackItem, service.open_item(response, now=now))
        assert (opened.kind, opened.unit_id, opened.status, opened.due_at - opened.created_at,
                [(e.action, e.actor_id) for e in opened.events]) == expected  # fmt: skip
        assert service.collect([response.id]) == 0  # nothing left to collect
        db.session.rollback()
