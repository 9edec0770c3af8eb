"""`flask seed-demo` builds Quảng Ngãi as it is in 2026 (the expected names are those of the issue's merger table,
Nghị quyết 1677/NQ-UBTVQH15, not read from the code under test)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from survey.extensions import db as _db
from survey.models import Counter, Officer, OfficerShift, Response, ServicePoint, Unit, UnitSuccession, User
from survey.services.units import resolve_code

TODAY = date(2026, 11, 15)
BINH_SON = ["Xã Bình Sơn", "Xã Vạn Tường", "Xã Bình Minh", "Xã Bình Chương", "Xã Đông Sơn"]
#: the new communes' predecessors within the former huyện Bình Sơn (Tịnh Hòa, from the former city, is not sampled)
MADE_FROM = {
    "Xã Bình Sơn": ["Thị trấn Châu Ổ", "Bình Thạnh", "Bình Chánh", "Bình Dương", "Bình Nguyên", "Bình Trung",
                    "Bình Long"],
    "Xã Vạn Tường": ["Bình Thuận", "Bình Đông", "Bình Trị", "Bình Hải", "Bình Hòa", "Bình Phước"],
    "Xã Bình Minh": ["Bình Khương", "Bình An", "Bình Minh"],
    "Xã Bình Chương": ["Bình Mỹ", "Bình Chương"],
    "Xã Đông Sơn": ["Bình Hiệp", "Bình Thanh", "Bình Tân Phú", "Bình Châu"],
}  # fmt: skip


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _full(name: str) -> str:
    return name if name.startswith(("Thị trấn", "Xã")) else f"Xã {name}"


@pytest.fixture(scope="module")
def demo(app):
    from survey.services.demo import seed_demo

    with app.app_context():
        counts = seed_demo(today=TODAY)
        _db.session.commit()
    yield counts
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


def test_current_units_of_the_sample(app, demo):
    with app.app_context():
        current = _db.session.scalars(select(Unit).where(Unit.valid_to.is_(None), Unit.kind == "commune")).all()
        names = sorted(nfc(u.name) for u in current)
        assert set(BINH_SON) <= set(names)
        assert "Đặc khu Lý Sơn" in names
        assert [u.unit_type for u in current].count("phuong") >= 1
        assert len(current) == demo["current"] == 9
        assert all(u.is_sample for u in _db.session.scalars(select(Unit)))
        province = _db.session.scalars(select(Unit).where(Unit.kind == "province")).one()
        assert nfc(province.name) == "Tỉnh Quảng Ngãi" and province.valid_to is None


def test_former_units_closed_on_30_june_2025(app, demo):
    with app.app_context():
        district = _db.session.scalars(select(Unit).where(Unit.name == nfc("Huyện Bình Sơn"))).one()
        assert district.valid_to == date(2025, 6, 30)
        communes = _db.session.scalars(select(Unit).where(Unit.parent_id == district.id)).all()
        expected = {nfc(_full(n)) for olds in MADE_FROM.values() for n in olds}
        assert len(communes) == 22 and {nfc(c.name) for c in communes} == expected
        assert {c.valid_to for c in communes} == {date(2025, 6, 30)}
        # the former units' counters (the district's one-stop counters too) closed that day, at their Bộ phận Một cửa
        closed = _db.session.scalars(
            select(Counter).where(Counter.unit_id.in_([district.id, *(c.id for c in communes)]))
        )
        closed = closed.all()
        assert len(closed) == 22 + 2
        assert not any(c.is_active for c in closed)
        assert {c.service_point.kind for c in closed} == {"one_stop"}


def test_successions_of_the_five_communes(app, demo):
    with app.app_context():
        for new, olds in MADE_FROM.items():
            unit = resolve_code(resolve_code_of(new), date(2025, 7, 1))
            got = sorted(nfc(s.predecessor.name) for s in unit.successions_in)
            assert got == sorted(nfc(_full(n)) for n in olds), new
            assert {(s.kind, s.date) for s in unit.successions_in} == {("merge", date(2025, 7, 1))}
        # code 21040: Thị trấn Châu Ổ until 30/6/2025, Xã Bình Sơn since
        assert nfc(resolve_code("21040", date(2025, 6, 30)).name) == "Thị trấn Châu Ổ"
        assert nfc(resolve_code("21040", date(2025, 7, 1)).name) == "Xã Bình Sơn"
        assert _db.session.scalar(select(func.count()).select_from(UnitSuccession)) == 22 + 1  # + Lý Sơn's rename


def resolve_code_of(name: str) -> str:
    return _db.session.scalar(select(Unit.code).where(Unit.name == nfc(name), Unit.valid_to.is_(None)))


def test_service_points_of_the_new_communes(app, demo):
    with app.app_context():
        binh_son = resolve_code("21040", TODAY)
        points = _db.session.scalars(select(ServicePoint).where(ServicePoint.unit_id == binh_son.id)).all()
        assert sorted((p.kind, p.number) for p in points) == [("centre", None), ("intake", 1), ("intake", 2)]
        assert all(p.counters and all(c.is_active for c in p.counters) for p in points)
        for unit in _db.session.scalars(select(Unit).where(Unit.valid_to.is_(None), Unit.kind == "commune")):
            assert "centre" in {p.kind for p in _db.session.scalars(
                select(ServicePoint).where(ServicePoint.unit_id == unit.id))}, unit.name  # fmt: skip
        province_points = _db.session.scalars(
            select(ServicePoint.kind).join(Unit).where(Unit.kind == "province").order_by(ServicePoint.kind)).all()  # fmt: skip
        assert province_points == ["branch", "centre"]


def test_answers_from_july_2024_to_this_month(app, demo):
    with app.app_context():
        months = sorted(_db.session.scalars(select(Response.period_month).distinct()))
        expected = [y * 100 + m for y in (2024, 2025, 2026) for m in range(1, 13)
                    if 202407 <= y * 100 + m <= 202611]  # fmt: skip
        assert months == expected and len(months) == 29
        assert 6000 <= demo["responses"] <= 9000
        assert _db.session.scalar(select(func.count()).select_from(Response)) == demo["responses"]
        # the former units' answers stay on them, before the merger; the current units' come after it
        rows = _db.session.execute(
            select(Unit.valid_to.is_(None), func.min(Response.period_month), func.max(Response.period_month))
            .join(Unit, Unit.id == Response.unit_id).group_by(Unit.valid_to.is_(None))
        ).all()  # fmt: skip
        spans = {bool(current): (lo, hi) for current, lo, hi in rows}
        assert spans == {False: (202407, 202506), True: (202507, 202611)}
        # every response keeps the service point of its counter
        assert _db.session.scalar(select(func.count()).select_from(Response).join(Counter)
                                  .where(Response.service_point_id != Counter.service_point_id)) == 0  # fmt: skip


def test_demo_accounts_and_officers(app, demo):
    with app.app_context():
        users = {u.username: u for u in _db.session.scalars(select(User))}
        assert {u.role for u in users.values()} == {"admin", "reviewer", "unit_officer"}
        officers = [u for u in users.values() if u.role == "unit_officer"]
        assert len(officers) == 2
        assert nfc("Xã Bình Sơn") in {nfc(u.unit.name) for u in officers}
        assert _db.session.scalar(select(func.count()).select_from(Officer)) >= 3
        assert _db.session.scalar(select(func.count()).select_from(OfficerShift)) > 0
        attributed = _db.session.execute(select(Response.officer_source, func.count()).where(
            Response.officer_id.is_not(None)).group_by(Response.officer_source)).all()  # fmt: skip
        assert {source for source, n in attributed if n > 0} == {"roster", "placard"}
