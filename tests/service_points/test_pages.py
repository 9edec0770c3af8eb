"""The admin's service point pages and the merger form's new centre: the admin may, nobody else; bad input and a
missing CSRF token change nothing; a counter is placed in a service point when created and may be moved."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from survey.extensions import db as _db
from survey.models import AuditEntry, Counter, ServicePoint, Unit
from tests.admin.conftest import csrf_from


def _unit_id(app, code):
    with app.app_context():
        return _db.session.scalar(select(Unit.id).where(Unit.code == code, Unit.valid_to.is_(None)))


def _points(app, unit_id):
    with app.app_context():
        rows = _db.session.scalars(
            select(ServicePoint).where(ServicePoint.unit_id == unit_id).order_by(ServicePoint.id)
        )
        return [(p.kind, p.name, p.address, p.valid_to) for p in rows]


def _merger(app, token, **extra):
    with app.app_context():
        olds = [str(i) for i in _db.session.scalars(select(Unit.id).where(Unit.code.in_(["X-CHAUO", "X-BCHANH"])))]
    return {
        "csrf_token": token,
        "old_units": olds,
        "on": "2025-07-01",
        "code": "X-BS",
        "name": "Xã Bình Sơn",
        "unit_type": "xa",
        "parent": "",
        "intake_count": "2",
        "intake_names": "",
        "centre_address": "",
        **extra,
    }


def test_the_merger_form_opens_the_centre_and_its_intake_points(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/don-vi/sap-nhap")
    data = _merger(app, token, intake_names="Điểm tiếp nhận Bình Chánh\r\n", centre_address="Thôn Phú Lễ",
                   replace_counters="y")  # fmt: skip
    page = client.post("/admin/don-vi/sap-nhap", data=data, follow_redirects=True).get_data(as_text=True)
    assert (
        "Đã ghi nhận: UBND thị trấn Châu Ổ, UBND xã Bình Chánh → Xã Bình Sơn từ 01/07/2025; 2 quầy của đơn vị cũ "
        "đã đóng; đã tạo Trung tâm Phục vụ hành chính công và 2 điểm tiếp nhận; quầy mới tại trung tâm: "
        "X-BS-X-CHAUO-Q1 (thay X-CHAUO-Q1); tại Điểm tiếp nhận Bình Chánh: X-BS-X-BCHANH-Q1 (thay X-BCHANH-Q1) "
        "— hãy in áp phích mới."
    ) in page
    unit_id = _unit_id(app, "X-BS")
    assert _points(app, unit_id) == [("centre", "Trung tâm Phục vụ hành chính công", "Thôn Phú Lễ", None),
                                     ("intake", "Điểm tiếp nhận Bình Chánh", None, None),
                                     ("intake", "Điểm tiếp nhận số 2", None, None)]  # fmt: skip
    listing = client.get(f"/admin/don-vi-quan-ly/{unit_id}/diem-phuc-vu").get_data(as_text=True)
    assert "Điểm tiếp nhận Bình Chánh" in listing and "từ 01/07/2025" in listing and "Thôn Phú Lễ" in listing
    # the same form again: a message, not a second merger
    again = client.post("/admin/don-vi/sap-nhap", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Đã ghi nhận trước đó" in again
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Unit).where(Unit.code == "X-BS")) == 1


@pytest.mark.parametrize("change,message", [
    ({"intake_count": "-1"}, "Số điểm tiếp nhận từ 0 đến 30."),
    ({"intake_count": "ba"}, "Phải là một số nguyên."),
    ({"intake_count": "1", "intake_names": "Một\nHai"}, "Đã nhập 2 tên điểm tiếp nhận nhưng số điểm tiếp nhận là 1."),
])  # fmt: skip
def test_a_bad_merger_form_changes_nothing(app, client, world, login, change, message):
    login("quantri")
    token = csrf_from(client, "/admin/don-vi/sap-nhap")
    page = client.post("/admin/don-vi/sap-nhap", data=_merger(app, token, **change)).get_data(as_text=True)
    assert message in page
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Unit).where(Unit.code == "X-BS")) == 0
        assert _db.session.scalar(select(func.count()).select_from(ServicePoint).where(
            ServicePoint.valid_to.is_not(None))) == 0  # fmt: skip


def test_the_admin_adds_renames_and_closes_a_service_point(app, client, world, login):
    login("quantri")
    unit_id = _unit_id(app, "X-CHAUO")
    path = f"/admin/don-vi-quan-ly/{unit_id}/diem-phuc-vu"
    assert "Trung tâm Phục vụ hành chính công" in client.get("/admin/diem-phuc-vu").get_data(as_text=True)
    token = csrf_from(client, path)
    page = client.post(path, data={"csrf_token": token, "kind": "intake", "name": "", "address": "Thôn An Điềm",
                                   "valid_from": ""}, follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Đã tạo Điểm tiếp nhận số 1 — Trung tâm Phục vụ hành chính công thị trấn Châu Ổ." in page
    with app.app_context():
        intake_id = _db.session.scalar(select(ServicePoint.id).where(ServicePoint.kind == "intake"))
        centre_id = _db.session.scalar(select(ServicePoint.id).where(ServicePoint.unit_id == unit_id,
                                                                     ServicePoint.kind == "centre"))  # fmt: skip
    edit = f"/admin/diem-phuc-vu/{intake_id}"
    page = client.post(edit, data={"csrf_token": token, "name": "Điểm tiếp nhận An Điềm", "address": "Thôn An Điềm 2"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Đã lưu Điểm tiếp nhận An Điềm" in page
    # the centre still has a counter in use: refused, with why, and nothing changes
    page = client.post(f"/admin/diem-phuc-vu/{centre_id}/dong", data={"csrf_token": token, "last_day": "2026-10-31"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Chưa đóng được Trung tâm Phục vụ hành chính công thị trấn Châu Ổ: còn 1 quầy đang dùng mã QR" in page
    page = client.post(f"{edit}/dong", data={"csrf_token": token, "last_day": "2026-10-31"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Đã đóng Điểm tiếp nhận An Điềm" in page and "từ sau ngày 31/10/2026" in page
    assert _points(app, unit_id) == [
        ("centre", "Trung tâm Phục vụ hành chính công", None, None),
        ("intake", "Điểm tiếp nhận An Điềm", "Thôn An Điềm 2", date(2026, 10, 31)),
    ]
    with app.app_context():
        summaries = list(_db.session.scalars(select(AuditEntry.summary).order_by(AuditEntry.id)))[-3:]
        assert summaries[0].startswith("Tạo Điểm tiếp nhận số 1") and summaries[2].startswith("Đóng Điểm tiếp nhận")


@pytest.mark.parametrize("data,message", [
    ({"name": "   "}, "Xin nhập tên điểm phục vụ."),
    ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
])  # fmt: skip
def test_bad_input_on_a_point_changes_nothing(app, client, world, login, data, message):
    login("quantri")
    with app.app_context():
        point_id = _db.session.scalar(select(ServicePoint.id).join(ServicePoint.unit).where(Unit.code == "X-CHAUO"))
    edit = f"/admin/diem-phuc-vu/{point_id}"
    token = csrf_from(client, edit)
    client.post(edit, data={"csrf_token": token, "address": "", **data})
    for bad in ({"last_day": "31/13/2026"}, {"last_day": ""}):
        assert "Ngày" in client.post(f"{edit}/dong", data={"csrf_token": token, **bad},
                                     follow_redirects=True).get_data(as_text=True)  # fmt: skip
    with app.app_context():
        point = _db.session.get(ServicePoint, point_id)
        assert (point.name, point.valid_to) == ("Trung tâm Phục vụ hành chính công", None)


def test_without_the_csrf_token_nothing_changes(app, client, world, login):
    login("quantri")
    unit_id = _unit_id(app, "X-CHAUO")
    with app.app_context():
        point_id = _db.session.scalar(select(ServicePoint.id).where(ServicePoint.unit_id == unit_id))
    client.post(f"/admin/don-vi-quan-ly/{unit_id}/diem-phuc-vu", data={"kind": "intake", "name": "Không token"})
    client.post(f"/admin/diem-phuc-vu/{point_id}", data={"name": "Không token"})
    client.post(f"/admin/diem-phuc-vu/{point_id}/dong", data={"last_day": "2026-10-31"})
    assert _points(app, unit_id) == [("centre", "Trung tâm Phục vụ hành chính công", None, None)]


@pytest.mark.parametrize("username", ["canbo.chauo", "vanphong"])
def test_only_the_admin_reaches_the_pages(app, client, world, login, username):
    """Service points are drawn by the admin, like units: an officer of the unit and the reviewer get 403."""
    login(username)
    unit_id = _unit_id(app, "X-CHAUO")
    with app.app_context():
        point_id = _db.session.scalar(select(ServicePoint.id).where(ServicePoint.unit_id == unit_id))
    for path in (
        "/admin/diem-phuc-vu",
        f"/admin/don-vi-quan-ly/{unit_id}/diem-phuc-vu",
        f"/admin/diem-phuc-vu/{point_id}",
    ):
        assert client.get(path).status_code == 403
    token = csrf_from(client, "/admin/quay")
    for path in (f"/admin/diem-phuc-vu/{point_id}/dong", f"/admin/diem-phuc-vu/{point_id}"):
        assert client.post(path, data={"csrf_token": token, "last_day": "2026-10-31", "name": "x"}).status_code == 403
    assert _points(app, unit_id) == [("centre", "Trung tâm Phục vụ hành chính công", None, None)]
    # the officer's counter page names the point, without a link to the admin's page
    counter = client.get(f"/admin/quay/{world['counter_a']}").get_data(as_text=True)
    assert "Trung tâm Phục vụ hành chính công thị trấn Châu Ổ" in counter and "/admin/diem-phuc-vu/" not in counter
    if username == "canbo.chauo":
        assert client.get(f"/admin/quay/{world['counter_b']}").status_code == 404


def test_a_counter_is_placed_in_a_point_and_moved(app, client, world, login):
    login("quantri")
    unit_id = _unit_id(app, "X-CHAUO")
    token = csrf_from(client, f"/admin/don-vi-quan-ly/{unit_id}/diem-phuc-vu")
    client.post(f"/admin/don-vi-quan-ly/{unit_id}/diem-phuc-vu", data={"csrf_token": token, "kind": "intake"})
    with app.app_context():
        intake_id = _db.session.scalar(select(ServicePoint.id).where(ServicePoint.kind == "intake"))
        other_unit_point = _db.session.scalar(select(ServicePoint.id).join(ServicePoint.unit)
                                              .where(Unit.code == "X-BCHANH"))  # fmt: skip
    form = {"csrf_token": token, "code": "X-CHAUO-D1", "name": "Quầy điểm 1", "unit": "X-CHAUO", "field": ""}
    page = client.post("/admin/quay", data={**form, "service_point": str(other_unit_point)},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "không thuộc UBND thị trấn Châu Ổ" in page
    client.post("/admin/quay", data={**form, "service_point": str(intake_id)})
    with app.app_context():
        counter = _db.session.scalar(select(Counter).where(Counter.code == "X-CHAUO-D1"))
        assert counter.service_point_id == intake_id
        counter_id = counter.id
        centre_id = _db.session.scalar(select(ServicePoint.id).where(ServicePoint.unit_id == unit_id,
                                                                     ServicePoint.kind == "centre"))  # fmt: skip
    for bad, message in (("", "Xin chọn điểm phục vụ."), (str(other_unit_point), "Lựa chọn không hợp lệ")):
        page = client.post(f"/admin/quay/{counter_id}/diem-phuc-vu", data={"csrf_token": token, "service_point": bad},
                           follow_redirects=True).get_data(as_text=True)  # fmt: skip
        assert message in page
    with app.app_context():
        assert _db.session.get(Counter, counter_id).service_point_id == intake_id
    page = client.post(f"/admin/quay/{counter_id}/diem-phuc-vu", data={"csrf_token": token,
                       "service_point": str(centre_id)}, follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Quầy X-CHAUO-D1 từ nay ở Trung tâm Phục vụ hành chính công thị trấn Châu Ổ" in page
    with app.app_context():
        assert _db.session.get(Counter, counter_id).service_point_id == centre_id
