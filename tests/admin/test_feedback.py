"""A feedback inbox that can be emptied: only real complaints get a deadline; triage, bulk actions, one "overdue"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select

from survey.extensions import db
from survey.figures import derived
from survey.figures.periods import Period
from survey.models import FeedbackContact, FeedbackItem, Response, User
from survey.services import feedback as service
from tests.admin.conftest import add_low_score, csrf_from
from tests.conftest import full_answers, hidden_fields

PRAISE = "Cán bộ Châu Ổ tận tình"


def _response(app, comment: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Response.id).where(Response.comment == comment))


def _items(app, **where) -> list[FeedbackItem]:
    with app.app_context():
        stmt = select(FeedbackItem).order_by(FeedbackItem.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(FeedbackItem, name) == value)
        return list(db.session.scalars(stmt))


def _logout(client) -> None:
    client.post("/admin/logout", data={"csrf_token": csrf_from(client, "/admin/phan-anh")})


def test_praise_opens_no_item_a_low_score_does(app, world):
    # the world: Bình Chánh has 35 ballots at level 2 (4 with a comment), Châu Ổ none below 3
    with app.app_context():
        kinds = dict(db.session.execute(select(FeedbackItem.kind, func.count()).group_by(FeedbackItem.kind)).all())
        assert kinds == {"low_score": 35}
        assert db.session.scalar(select(func.count()).where(FeedbackItem.unit_id == world["a"].id)) == 0
        praise = db.session.get(Response, _response(app, PRAISE))
        assert not service.raises_feedback(praise)
        assert service.raises_feedback(praise, complaint=True)  # had the citizen marked it
        # the in-memory rule (storing) and the SQL rule (collect) pick the same ballots
        responses = db.session.scalars(select(Response)).all()
        assert {r.id for r in responses if service.raises_feedback(r)} == set(
            db.session.scalars(select(FeedbackItem.response_id))
        )
        assert service.collect() == 0
        item = db.session.scalars(select(FeedbackItem)).first()
        assert item.due_at - max(item.created_at, item.response.submitted_at) == timedelta(days=7)


def _send(client, open_form, counter, answers=None, **fields):
    # a new ballot each time (moi=1), not the page of the one just sent
    hidden = hidden_fields(client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True))
    data = {**hidden, **(answers or full_answers(value=4)), "field_code": "HT", **fields}
    return client.post(f"/s/{counter.token}", data=data)


def test_the_citizen_decides_what_is_a_complaint(app, client, make_counter, open_form):
    counter = make_counter()
    assert _send(client, open_form, counter, comment="Cảm ơn cán bộ rất nhiệt tình").status_code == 303
    assert _items(app) == []  # praise: only the comments view
    assert (
        _send(client, open_form, counter, comment="Chờ quá lâu, không ai hướng dẫn", complaint="y").status_code == 303
    )
    (item,) = _items(app)
    assert item.kind == "complaint" and item.status == "new" and item.unit_id == counter.unit_id
    assert _send(client, open_form, counter, answers={**full_answers(value=4), "q_B2": "1"}).status_code == 303
    assert [i.kind for i in _items(app)] == ["complaint", "low_score"]


def test_a_complaint_box_without_a_comment_is_refused(app, client, make_counter, open_form):
    counter = make_counter()
    response = _send(client, open_form, counter, complaint="y")
    assert response.status_code == 422
    assert "Xin ghi nội dung phản ánh, kiến nghị vào ô ý kiến." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_an_officer_turns_a_comment_into_a_complaint(app, client, world, login):
    response_id = _response(app, PRAISE)
    login("canbo.bchanh")  # another commune: the comment is not theirs
    token = csrf_from(client, "/admin/phan-anh/y-kien")
    assert client.post(f"/admin/phan-anh/y-kien/{response_id}/chuyen", data={"csrf_token": token}).status_code == 404
    _logout(client)
    login("canbo.chauo")
    page = client.get("/admin/phan-anh/y-kien").get_data(as_text=True)
    assert "tận tình" in page and "Chuyển thành phản ánh" in page  # masked: "Cán bộ [đã ẩn] tận tình"
    token = csrf_from(client, "/admin/phan-anh/y-kien")
    done = client.post(f"/admin/phan-anh/y-kien/{response_id}/chuyen", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Đã chuyển ý kiến thành phản ánh, hạn xử lý 7 ngày." in done
    (item,) = _items(app, kind="converted")
    assert item.unit_id == world["a"].id and item.due_at - item.created_at == timedelta(days=7)
    again = client.post(f"/admin/phan-anh/y-kien/{response_id}/chuyen", data={"csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Ý kiến này đã là một phản ánh." in again
    assert "tận tình" not in client.get("/admin/phan-anh/y-kien").get_data(as_text=True)


def test_new_to_closed_with_a_result_and_audit_trail(app, client, world, login):
    with app.app_context():
        officer = db.session.get(User, world["officer_a"])
        item_id = service.convert(db.session.get(Response, _response(app, PRAISE)), officer).id
        db.session.commit()
    login("vanphong")
    token = csrf_from(client, f"/admin/phan-anh/{item_id}")
    client.post(f"/admin/phan-anh/{item_id}/giao", data={"csrf_token": token, "assignee": str(world["officer_a"])})
    page = client.post(f"/admin/phan-anh/{item_id}/dong", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "chưa có kết quả xử lý" in page  # nothing recorded yet: not closed
    _logout(client)

    login("canbo.chauo")
    page = client.get(f"/admin/phan-anh/{item_id}").get_data(as_text=True)
    assert "Kết quả xử lý (cơ quan đã làm gì)" in page and "Nội dung trả lời người dân" not in page
    token = csrf_from(client, f"/admin/phan-anh/{item_id}")
    empty = client.post(f"/admin/phan-anh/{item_id}/tra-loi", data={"csrf_token": token, "text": "   "},
                        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Xin ghi kết quả xử lý." in empty
    client.post(f"/admin/phan-anh/{item_id}/tra-loi", data={"csrf_token": token, "text": "Đã nhắc quầy 1."})
    client.post(f"/admin/phan-anh/{item_id}/dong", data={"csrf_token": token})  # officers do not close
    assert _items(app, id=item_id)[0].status == "answered"
    _logout(client)

    login("vanphong")
    token = csrf_from(client, f"/admin/phan-anh/{item_id}")
    client.post(f"/admin/phan-anh/{item_id}/dong", data={"csrf_token": token, "note": "Xong"})
    with app.app_context():
        done = db.session.get(FeedbackItem, item_id)
        assert done.status == "closed" and done.answer_text == "Đã nhắc quầy 1."
        trail = [(e.action, e.actor.username) for e in done.events]
    assert trail == [("converted", "canbo.chauo"), ("assigned", "vanphong"), ("answered", "canbo.chauo"),
                     ("closed", "vanphong")]  # fmt: skip


def _listed(client, query: str = "") -> tuple[int, list[int]]:
    page = client.get("/admin/phan-anh" + query).get_data(as_text=True)
    total = int(re.search(r'id="so-phan-anh"[^>]*>([\d.]+) phản ánh', page).group(1).replace(".", ""))
    return total, [int(i) for i in re.findall(r'name="item" value="(\d+)"', page)]


def test_filters_search_and_given_to_me(app, client, world, login):
    items = _items(app)
    with app.app_context():
        officer_b = db.session.scalar(select(User).where(User.username == "canbo.bchanh"))
        officer_b_id = officer_b.id
        for item in db.session.scalars(select(FeedbackItem).where(FeedbackItem.id.in_([i.id for i in items[:3]]))):
            service.assign(item, officer_b, officer_b)  # "Giao cho tôi" through the service
        late = db.session.get(FeedbackItem, items[5].id)
        late.due_at = datetime(2026, 10, 2, tzinfo=UTC)
        hostile = db.session.scalar(
            select(FeedbackItem).join(Response).where(Response.comment == "Bí mật xã Bình Chánh")
        )
        hostile_id = hostile.id
        db.session.commit()
    login("vanphong")
    assert _listed(client)[0] == 35
    assert _listed(client, f"?don_vi={world['a'].id}")[0] == 0
    assert _listed(client, f"?don_vi={world['district'].id}")[0] == 35  # a unit with those under it
    assert _listed(client, f"?nguoi_xu_ly={officer_b_id}")[0] == 3
    assert _listed(client, "?nguoi_xu_ly=none")[0] == 32
    assert _listed(client, "?trang_thai=assigned")[0] == 3
    assert _listed(client, "?qua_han=y") == (1, [items[5].id])
    assert _listed(client, "?tim=bí+mật") == (1, [hostile_id])
    assert _listed(client, f"?tim=%23{hostile_id}")[1] == [hostile_id]
    bad = client.get("/admin/phan-anh?tu_ngay=31/02/2026").get_data(as_text=True)
    assert "Bộ lọc chưa đúng" in bad  # never silently ignored
    page = client.get("/admin/phan-anh").get_data(as_text=True)
    why = re.search(r'class="why"><strong>Chấm điểm thấp:</strong>\s*([^<]+)', page).group(1)
    assert ": Không hài lòng; " in why and "tiêu chí khác" in why  # why, in the level's words
    _logout(client)
    login("canbo.bchanh")
    assert _listed(client, "?nguoi_xu_ly=me")[0] == 3


def test_bulk_assign_and_close(app, client, world, login):
    ids = [i.id for i in _items(app)][:4]
    login("vanphong")
    token = csrf_from(client, "/admin/phan-anh")
    with app.app_context():
        officer_b = db.session.scalar(select(User.id).where(User.username == "canbo.bchanh"))
    page = client.post("/admin/phan-anh/hang-loat", data={"csrf_token": token, "item": ids, "action": "assign",
                       "assignee": str(officer_b), "back": "/admin/phan-anh"}, follow_redirects=True)  # fmt: skip
    assert "Đã giao 4 phản ánh cho Cán bộ Bình Chánh." in page.get_data(as_text=True)
    assert {(i.status, i.assignee_id) for i in _items(app) if i.id in ids} == {("assigned", officer_b)}
    # an officer of another unit cannot be given them: nothing changes
    page = client.post("/admin/phan-anh/hang-loat", data={"csrf_token": token, "item": ids[:1], "action": "assign",
                       "assignee": str(world["officer_a"])}, follow_redirects=True)  # fmt: skip
    assert "Chỉ giao cho cán bộ đang hoạt động" in page.get_data(as_text=True)
    # closing needs a result for those without one; all or none
    page = client.post("/admin/phan-anh/hang-loat", data={"csrf_token": token, "item": ids, "action": "close"},
                       follow_redirects=True)  # fmt: skip
    assert "chưa có kết quả xử lý" in page.get_data(as_text=True)
    assert all(i.status == "assigned" for i in _items(app) if i.id in ids)
    page = client.post("/admin/phan-anh/hang-loat", data={"csrf_token": token, "item": ids, "action": "close",
                       "result": "Đã họp rút kinh nghiệm với bộ phận một cửa."}, follow_redirects=True)  # fmt: skip
    assert "Đã đóng 4 phản ánh." in page.get_data(as_text=True)
    closed = [i for i in _items(app) if i.id in ids]
    assert {(i.status, i.answer_text) for i in closed} == {("closed", "Đã họp rút kinh nghiệm với bộ phận một cửa.")}
    # without the form's token: refused
    client.post("/admin/phan-anh/hang-loat", data={"item": [_items(app, status="new")[0].id], "action": "close",
                                                   "result": "x"})  # fmt: skip
    assert _items(app, status="closed") == closed or len(_items(app, status="closed")) == 4


def test_an_officer_takes_items_but_not_another_units(app, client, world, login):
    ids = [i.id for i in _items(app)][:2]
    login("canbo.chauo")
    token = csrf_from(client, "/admin/phan-anh")
    response = client.post("/admin/phan-anh/hang-loat", data={"csrf_token": token, "item": ids, "action": "take"})
    assert response.status_code == 404
    assert client.get(f"/admin/phan-anh/{ids[0]}").status_code == 404
    assert client.post(f"/admin/phan-anh/{ids[0]}/nhan", data={"csrf_token": token}).status_code == 404
    assert all(i.status == "new" for i in _items(app) if i.id in ids)
    _logout(client)
    login("canbo.bchanh")
    token = csrf_from(client, "/admin/phan-anh")
    page = client.post("/admin/phan-anh/hang-loat", data={"csrf_token": token, "item": ids, "action": "take"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Đã giao 2 phản ánh cho Cán bộ Bình Chánh." in page
    # an officer cannot give items to someone else
    with app.app_context():
        other = db.session.scalar(select(User.id).where(User.username == "canbo.chauo"))
    client.post("/admin/phan-anh/hang-loat", data={"csrf_token": token, "item": ids, "action": "assign",
                                                   "assignee": str(other)})  # fmt: skip
    with app.app_context():
        bchanh = db.session.scalar(select(User.id).where(User.username == "canbo.bchanh"))
    assert {i.assignee_id for i in _items(app) if i.id in ids} == {bchanh}


def test_overview_and_inbox_count_overdue_alike(app, client, world, login):
    items = _items(app)
    with app.app_context():
        for n, item_id in enumerate(i.id for i in items[:6]):
            item = db.session.get(FeedbackItem, item_id)
            item.created_at = datetime(2026, 10, 3 + n, 2, tzinfo=UTC)
            item.due_at = datetime(2026, 10, 10, tzinfo=UTC)
            if n == 0:
                item.status, item.answered_at = "answered", datetime(2026, 10, 11, tzinfo=UTC)  # late, not overdue
        db.session.commit()
        now = datetime.now(UTC)
        summary = derived.feedback(Period.month(2026, 10), [world["b"].id], now)[world["b"].id]
    assert summary.overdue == 5  # worked out above: six items due 10/10, one answered
    login("vanphong")
    total, _ = _listed(client, f"?qua_han=y&don_vi={world['b'].id}&tu_ngay=2026-10-01&den_ngay=2026-10-31")
    assert total == summary.overdue


def test_contact_is_stored_apart_only_with_consent(app, client, make_counter, open_form):
    counter = make_counter()
    complaint = {"comment": "Hồ sơ bị trả lại ba lần", "complaint": "y"}
    refused = _send(client, open_form, counter, **complaint, contact_phone="0905 123 456")
    assert refused.status_code == 422
    assert "xin đánh dấu ô đồng ý" in refused.get_data(as_text=True)
    bad = _send(client, open_form, counter, **complaint, contact_phone="12", contact_consent="y")
    assert "Số điện thoại chưa đúng" in bad.get_data(as_text=True)
    alone = _send(client, open_form, counter, comment="x", contact_email="a@example.vn", contact_consent="y")
    assert "Để được trả lời, xin đánh dấu ô" in alone.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    ok = _send(client, open_form, counter, **complaint, contact_phone="0905 123 456", contact_consent="y")
    assert ok.status_code == 303
    with app.app_context():
        contact = db.session.scalars(select(FeedbackContact)).one()
        assert (contact.phone, contact.email) == ("+84905123456", None)
        assert contact.item.kind == "complaint" and "0905" not in (contact.item.response.comment or "")


def test_search_finds_only_what_masking_shows(app, client, world, login, make_counter, open_form):
    # one item by each way an item is opened: the citizen's complaint, a low score, an officer's conversion
    complaint = "Chờ quá lâu, xin gọi lại 0905 123 456 hoặc lan.tran@gmail.com"
    low = "Hồ sơ trả chậm, số máy 0914.222.333, thư hung.le (at) yahoo.com"
    counter = make_counter(unit=world["a"])
    assert _send(client, open_form, counter, comment=complaint, complaint="y").status_code == 303
    with app.app_context():
        assert add_low_score(world["a"].id, world["counter_a"], low) == 1
        officer = db.session.get(User, world["officer_a"])
        service.convert(db.session.get(Response, _response(app, PRAISE)), officer)  # shown "Cán bộ [đã ẩn] tận tình"
        db.session.commit()
    ids = {item.kind: item.id for item in _items(app, unit_id=world["a"].id)}
    login("vanphong")
    for hidden in ("0905 123 456", "lan.tran@gmail.com", "gmail", "0914.222.333", "hung.le", "yahoo", "Châu Ổ"):
        assert _listed(client, "?" + urlencode({"tim": hidden})) == (0, []), hidden
    assert _listed(client, "?" + urlencode({"tim": "xin gọi lại"})) == (1, [ids["complaint"]])
    assert _listed(client, "?" + urlencode({"tim": "trả chậm"})) == (1, [ids["low_score"]])
    assert _listed(client, "?" + urlencode({"tim": "tận tình"})) == (1, [ids["converted"]])
    assert _listed(client, "?" + urlencode({"tim": f"#{ids['complaint']}"}))[1] == [ids["complaint"]]
