"""A merger in one step opens the new unit's Trung tâm Phục vụ hành chính công and điểm tiếp nhận, closes the old
units' counters and service points the day before, writes one audit entry, and is not recorded twice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from survey.extensions import db as _db
from survey.models import AuditEntry, Counter, Response, ServicePoint, Unit, UnitSuccession, User
from survey.services import service_points as point_service
from survey.services import units as unit_service
from survey.services.errors import DomainError

ON, LAST = date(2025, 7, 1), date(2025, 6, 30)


def _olds():
    return list(_db.session.scalars(select(Unit).where(Unit.code.in_(["X-CHAUO", "X-BCHANH"])).order_by(Unit.code)))


def _merge(points, *, replace=False):
    admin = _db.session.scalar(select(User).where(User.username == "quantri"))
    new = unit_service.NewUnit("X-BS", "Xã Bình Sơn", "xa")
    return unit_service.merge(_olds(), new, ON, unit_service.LegalBasis("1677/NQ-UBTVQH15", date(2025, 6, 16)),
                              points, replace_counters=replace, actor=admin)  # fmt: skip


def _count(model, *where):
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_merger_opens_the_centre_and_intake_points_and_closes_the_old_ones(app, world):
    with app.app_context():
        old_points = {c.service_point_id for c in _db.session.scalars(select(Counter))}
        audits = _count(AuditEntry)
        done = _merge(point_service.plan(3, ["Điểm tiếp nhận Châu Ổ"], "Thôn Phú Lễ"))
        _db.session.commit()
        points = point_service.points_of(done.unit)
        assert [(p.kind, p.number, p.name, p.address, p.valid_from, p.valid_to) for p in points] == [
            ("centre", None, "Trung tâm Phục vụ hành chính công", "Thôn Phú Lễ", ON, None),
            ("intake", 1, "Điểm tiếp nhận Châu Ổ", None, ON, None),
            ("intake", 2, "Điểm tiếp nhận số 2", None, ON, None),
            ("intake", 3, "Điểm tiếp nhận số 3", None, ON, None),
        ]
        assert all(p.centre_id == points[0].id for p in points[1:])
        # the old units, their counters and the points those stood in end on 30/6/2025
        assert [u.valid_to for u in _olds()] == [LAST, LAST]
        assert _count(Counter, Counter.is_active.is_(True)) == 0 and done.counters_closed == 2
        assert {p.valid_to for p in _db.session.scalars(select(ServicePoint).where(ServicePoint.id.in_(old_points)))} \
            == {LAST}  # fmt: skip
        # the new unit receives what its predecessors received (both had Hộ tịch and Đất đai)
        assert sorted(f.code for f in done.unit.fields) == ["DD", "HT"]
        # one audit entry, naming what was made
        assert _count(AuditEntry) == audits + 1
        entry = _db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.summary == ("Ghi nhận sáp nhập: UBND xã Bình Chánh, UBND thị trấn Châu Ổ → Xã Bình Sơn từ "
                                 "01/07/2025; 2 quầy của đơn vị cũ đã đóng; đã tạo Trung tâm Phục vụ hành chính công "
                                 "và 3 điểm tiếp nhận")  # fmt: skip


def test_a_merger_submitted_twice_is_refused_with_a_message(app, world):
    with app.app_context():
        _merge(point_service.plan(1))
        _db.session.commit()
        before = (_count(Unit), _count(ServicePoint), _count(UnitSuccession), _count(AuditEntry))
        with pytest.raises(DomainError, match="Đã ghi nhận trước đó: UBND xã Bình Chánh sáp nhập vào Xã Bình Sơn"):
            _merge(point_service.plan(1))
        _db.session.rollback()
        assert (_count(Unit), _count(ServicePoint), _count(UnitSuccession), _count(AuditEntry)) == before


def test_new_counters_replace_the_old_ones_which_keep_their_history(app, world):
    with app.app_context():
        old_counter = _db.session.scalar(select(Counter).where(Counter.code == "X-CHAUO-Q1"))
        old_point, answers = old_counter.service_point_id, _count(Response, Response.counter_id == old_counter.id)
        done = _merge(point_service.plan(0), replace=True)
        _db.session.commit()
        assert [(o.code, n.code) for o, n in done.replaced] == [("X-BCHANH-Q1", "X-BS-X-BCHANH-Q1"),
                                                                ("X-CHAUO-Q1", "X-BS-X-CHAUO-Q1")]  # fmt: skip
        centre = done.points[0]
        for _, new in done.replaced:
            assert (new.unit_id, new.service_point_id, new.is_active) == (done.unit.id, centre.id, True)
        # the old counter stays where it was, closed, with all its answers
        _db.session.refresh(old_counter)
        assert (old_counter.service_point_id, old_counter.is_active) == (old_point, False)
        assert _count(Response, Response.counter_id == old_counter.id) == answers == 52
        assert _count(Response, Response.service_point_id == centre.id) == 0


@pytest.mark.parametrize("count,names,message", [
    (2, ["A", "B", "C"], "Đã nhập 3 tên điểm tiếp nhận nhưng số điểm tiếp nhận là 2."),
    (2, ["Điểm X", "Điểm X"], "Tên các điểm tiếp nhận phải khác nhau."),
    (3, ["Điểm tiếp nhận số 3"], "một tên trùng với tên mặc định"),
    (31, [], "Số điểm tiếp nhận từ 0 đến 30."),
])  # fmt: skip
def test_a_bad_plan_is_refused(count, names, message):
    with pytest.raises(DomainError, match=message):
        point_service.plan(count, names)


def test_a_point_with_counters_in_use_is_not_closed(app, world):
    with app.app_context():
        admin = _db.session.scalar(select(User).where(User.username == "quantri"))
        counter = _db.session.scalar(select(Counter).where(Counter.code == "X-CHAUO-Q1"))
        point = counter.service_point
        with pytest.raises(DomainError, match=r"còn 1 quầy đang dùng mã QR \(X-CHAUO-Q1\)"):
            point_service.close_point(point, date(2026, 10, 31), actor=admin)
        assert point.valid_to is None
        intake = point_service.create_point(point.unit, "intake", None, "Thôn An Điềm", None, actor=admin)
        assert (intake.name, intake.number, intake.centre_id) == ("Điểm tiếp nhận số 1", 1, point.id)
        point_service.move_counter(counter, intake, actor=admin)
        # the centre stays open while its intake point does; the intake point is closed once its counter is gone
        with pytest.raises(DomainError, match="còn 1 quầy"):
            point_service.close_point(intake, date(2026, 10, 31), actor=admin)
        other = point_service.create_point(point.unit, "intake", "Điểm Bình Thạnh", None, None, actor=admin)
        assert other.number == 2
        point_service.close_point(other, date(2026, 10, 31), actor=admin)
        assert other.valid_to == date(2026, 10, 31)
        with pytest.raises(DomainError, match="đã có Trung tâm"):
            point_service.create_point(point.unit, "centre", None, None, None, actor=admin)
