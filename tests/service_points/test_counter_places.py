"""Where a merger makes the new counters that replace the old units' ones: the admin chooses, for each old unit, the
new unit's centre or one of the intake points being created; without a choice, the first old unit's go to the
centre and the k-th other's to the k-th intake point when there is one for each; a place the plan does not make is
refused with a message and changes nothing."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from survey.extensions import db as _db
from survey.models import AuditEntry, Counter, ServicePoint, Unit, User
from survey.services import service_points as point_service
from survey.services import units as unit_service
from survey.services.errors import DomainError
from tests.admin.conftest import csrf_from

ON = date(2025, 7, 1)


def _units(*codes):
    rows = {u.code: u for u in _db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    return [rows[c] for c in codes]


def _merge(olds, points, places=None):
    admin = _db.session.scalar(select(User).where(User.username == "quantri"))
    return unit_service.merge(olds, unit_service.NewUnit("X-BS", "Xã Bình Sơn", "xa"), ON, unit_service.LegalBasis(),
                              points, replace_counters=True, actor=admin, places=places)  # fmt: skip


def _where(done):
    """Old counter code → the name of the service point its replacement stands in."""
    return {old.code: _db.session.get(ServicePoint, new.service_point_id).name for old, new in done.replaced}


def _count(model, *where):
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("olds,intakes,expected", [
    (1, 0, [0]),
    (2, 1, [0, 1]),
    (3, 2, [0, 1, 2]),
    (3, 5, [0, 1, 2]),  # more intake points than former communes: the spare ones stay empty
    (3, 1, [0, 0, 0]),  # one intake point for two former communes: which one kept it is not known
    (2, 0, [0, 0]),
])  # fmt: skip
def test_the_default_places(olds, intakes, expected):
    units = [SimpleNamespace(id=100 + k) for k in range(olds)]
    assert point_service.default_places(units, intakes) == {100 + k: place for k, place in enumerate(expected)}


def test_without_a_choice_the_second_old_unit_gets_the_first_intake_point(app, world):
    with app.app_context():
        audits = _count(AuditEntry)
        done = _merge(_units("X-BCHANH", "X-CHAUO"), point_service.plan(2, ["Điểm tiếp nhận Châu Ổ"]))
        _db.session.commit()
        assert _where(done) == {"X-BCHANH-Q1": "Trung tâm Phục vụ hành chính công",
                                "X-CHAUO-Q1": "Điểm tiếp nhận Châu Ổ"}  # fmt: skip
        assert _count(AuditEntry) == audits + 1
        entry = _db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.summary.endswith("đã tạo Trung tâm Phục vụ hành chính công và 2 điểm tiếp nhận; quầy mới tại "
                                      "trung tâm: X-BS-X-BCHANH-Q1 (thay X-BCHANH-Q1); tại Điểm tiếp nhận Châu Ổ: "
                                      "X-BS-X-CHAUO-Q1 (thay X-CHAUO-Q1)")  # fmt: skip


def test_the_counters_land_where_the_admin_chose(app, world):
    with app.app_context():
        chauo, bchanh = _units("X-CHAUO", "X-BCHANH")
        done = _merge([bchanh, chauo], point_service.plan(2), {chauo.id: 2, bchanh.id: 2})
        _db.session.commit()
        assert _where(done) == {"X-BCHANH-Q1": "Điểm tiếp nhận số 2", "X-CHAUO-Q1": "Điểm tiếp nhận số 2"}
        for _, new in done.replaced:
            assert (new.unit_id, new.is_active, new.service_point.valid_from) == (done.unit.id, True, ON)
        assert "quầy mới tại Điểm tiếp nhận số 2: X-BS-X-BCHANH-Q1 (thay X-BCHANH-Q1), X-BS-X-CHAUO-Q1" in done.summary


@pytest.mark.parametrize("count,place,message", [
    (2, 3, "Quầy mới thay quầy của UBND thị trấn Châu Ổ được chọn đặt tại điểm tiếp nhận thứ 3, nhưng đơn vị mới "
           "chỉ tạo 2 điểm tiếp nhận. Xin chọn lại nơi đặt quầy mới hoặc tăng số điểm tiếp nhận."),
    (0, 1, "nhưng đơn vị mới không tạo điểm tiếp nhận nào."),
    (2, -1, "Lựa chọn nơi đặt quầy mới không hợp lệ"),
])  # fmt: skip
def test_a_place_the_plan_does_not_make_is_refused(app, world, count, place, message):
    with app.app_context():
        chauo, bchanh = _units("X-CHAUO", "X-BCHANH")
        before = (_count(Unit), _count(ServicePoint), _count(Counter), _count(AuditEntry))
        with pytest.raises(DomainError, match=re.escape(message)):
            _merge([bchanh, chauo], point_service.plan(count), {chauo.id: place})
        _db.session.rollback()
        assert (_count(Unit), _count(ServicePoint), _count(Counter), _count(AuditEntry)) == before
        assert _count(Counter, Counter.is_active.is_(True)) == 2


def test_a_place_for_a_unit_outside_the_merger_is_refused(app, world):
    with app.app_context():
        chauo, bchanh = _units("X-CHAUO", "X-BCHANH")
        with pytest.raises(DomainError, match="Lựa chọn nơi đặt quầy mới không hợp lệ"):
            _merge([chauo], point_service.plan(1), {bchanh.id: 0})


# ---- through the merger page ----------------------------------------------------------------------------------


def _form(app, token, **extra):
    with app.app_context():
        ids = {u.code: u.id for u in _db.session.scalars(select(Unit).where(Unit.code.in_(["X-CHAUO", "X-BCHANH"])))}
    data = {"csrf_token": token, "old_units": [str(ids["X-CHAUO"]), str(ids["X-BCHANH"])], "on": "01/07/2025",
            "code": "X-BS", "name": "Xã Bình Sơn", "unit_type": "xa", "parent": "", "intake_count": "2",
            "intake_names": "Điểm tiếp nhận Bình Chánh\r\nĐiểm tiếp nhận Châu Ổ", "replace_counters": "y"}  # fmt: skip
    return {**data, **extra}, ids


def _selected(page, field):
    select_ = re.search(rf'<select id="{field}" name="{field}">(.*?)</select>', page, re.S).group(1)
    return re.search(r'<option value="(\d+)" selected>([^<]+)</option>', select_).groups()


def _nothing_made(app):
    with app.app_context():
        assert _count(Unit, Unit.code == "X-BS") == 0
        assert _count(Counter, Counter.is_active.is_(True)) == 2


def test_the_page_shows_the_places_then_records_the_chosen_ones(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/don-vi/sap-nhap")
    data, ids = _form(app, token)
    # first step: each old unit with its counters and a select of the centre and the intake points named
    page = client.post("/admin/don-vi/sap-nhap", data={**data, "show_places": "y"}).get_data(as_text=True)
    assert "Nơi đặt quầy mới của từng đơn vị cũ" in page
    assert '<label for="noi_dat_{}">UBND thị trấn Châu Ổ: 1 quầy mới đặt tại</label>'.format(ids["X-CHAUO"]) in page
    # by name, Châu Ổ (thị trấn) comes before Bình Chánh (xã): the centre, then the first intake point
    assert _selected(page, f"noi_dat_{ids['X-CHAUO']}") == ("0", "Trung tâm Phục vụ hành chính công")
    assert _selected(page, f"noi_dat_{ids['X-BCHANH']}") == ("1", "Điểm tiếp nhận Bình Chánh")
    assert '<option value="2">Điểm tiếp nhận Châu Ổ</option>' in page
    assert 'value="Xã Bình Sơn"' in page  # what was typed stays
    _nothing_made(app)
    # then the merger, with Châu Ổ's counter at its own intake point
    chosen = {**data, f"noi_dat_{ids['X-CHAUO']}": "2", f"noi_dat_{ids['X-BCHANH']}": "1"}
    page = client.post("/admin/don-vi/sap-nhap", data=chosen, follow_redirects=True).get_data(as_text=True)
    assert ("quầy mới tại Điểm tiếp nhận Bình Chánh: X-BS-X-BCHANH-Q1 (thay X-BCHANH-Q1); tại Điểm tiếp nhận Châu Ổ: "
            "X-BS-X-CHAUO-Q1 (thay X-CHAUO-Q1) — hãy in áp phích mới.") in page  # fmt: skip
    with app.app_context():
        placed = dict(_db.session.execute(select(Counter.code, ServicePoint.name).join(Counter.service_point)
                                          .where(Counter.is_active.is_(True))).all())  # fmt: skip
        assert placed == {"X-BS-X-BCHANH-Q1": "Điểm tiếp nhận Bình Chánh", "X-BS-X-CHAUO-Q1": "Điểm tiếp nhận Châu Ổ"}
        assert _count(AuditEntry, AuditEntry.summary.startswith("Ghi nhận sáp nhập")) == 1


@pytest.mark.parametrize("change,message", [
    ({"intake_count": "1", "intake_names": "", "place": "2"},
     "được chọn đặt tại điểm tiếp nhận thứ 2, nhưng đơn vị mới chỉ tạo 1 điểm tiếp nhận."),
    ({"place": "ba"}, "Lựa chọn nơi đặt quầy mới không hợp lệ, xin vui lòng chọn lại."),
])  # fmt: skip
def test_a_bad_place_changes_nothing_and_says_why(app, client, world, login, change, message):
    login("quantri")
    data, ids = _form(app, csrf_from(client, "/admin/don-vi/sap-nhap"))
    place = change.pop("place")
    data = {**data, **change, f"noi_dat_{ids['X-CHAUO']}": place}
    page = client.post("/admin/don-vi/sap-nhap", data=data).get_data(as_text=True)
    assert message in page
    _nothing_made(app)
    if place == "2":
        # the page keeps the choice to be changed, and the same message in the first step
        assert _selected(page, f"noi_dat_{ids['X-CHAUO']}") == ("2", "Điểm tiếp nhận thứ 2 (không có — xin chọn lại)")
        again = client.post("/admin/don-vi/sap-nhap", data={**data, "show_places": "y"}).get_data(as_text=True)
        assert message in again and "Nơi đặt quầy mới của từng đơn vị cũ" in again
        _nothing_made(app)


def test_without_the_csrf_token_neither_step_runs(app, client, world, login):
    login("quantri")
    data, ids = _form(app, "sai")
    for step in ({}, {"show_places": "y"}):
        response = client.post("/admin/don-vi/sap-nhap", data={**data, **step, f"noi_dat_{ids['X-CHAUO']}": "2"})
        assert response.status_code == 400 and "noi_dat_" not in response.get_data(as_text=True)
    _nothing_made(app)


def test_the_first_step_checks_only_what_it_needs(app, client, world, login):
    login("quantri")
    data, _ = _form(app, csrf_from(client, "/admin/don-vi/sap-nhap"), code="", name="")
    page = client.post("/admin/don-vi/sap-nhap", data={**data, "show_places": "y"}).get_data(as_text=True)
    assert "Nơi đặt quầy mới của từng đơn vị cũ" in page and "Xin nhập mã đơn vị mới." not in page
    none = client.post("/admin/don-vi/sap-nhap", data={**data, "old_units": [], "show_places": "y"})
    assert "Xin chọn các đơn vị cũ." in none.get_data(as_text=True)
    _nothing_made(app)
