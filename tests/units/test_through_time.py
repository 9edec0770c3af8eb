"""Units through time: a code names one unit a day, mergers close the old units, successions keep the history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from survey.models import Counter, Unit, UnitSuccession
from survey.services import units as unit_service
from survey.services.errors import DomainError

MERGER_DAY = date(2025, 7, 1)


def _bình_sơn(db):
    """Thị trấn Châu Ổ (21040) and Xã Bình Chánh (21052) merge into Xã Bình Sơn, which takes code 21040."""
    province = unit_service.add_unit("51", "Tỉnh Quảng Ngãi", unit_type="tinh")
    district = unit_service.add_unit("524", "Huyện Bình Sơn", unit_type="huyen", parent=province)
    chau_o = unit_service.add_unit("21040", "Thị trấn Châu Ổ", unit_type="thi_tran", parent=district)
    binh_chanh = unit_service.add_unit("21052", "Xã Bình Chánh", unit_type="xa", parent=district)
    counter = Counter(unit=chau_o, code="Q-CHAUO", name="Quầy 1")
    db.session.add(counter)
    db.session.flush()
    new = unit_service.NewUnit("21040", "Xã Bình Sơn", "xa", province)
    basis = unit_service.LegalBasis("1677/NQ-UBTVQH15", date(2025, 6, 16))
    binh_son = unit_service.record_merger([chau_o, binh_chanh], new, MERGER_DAY, basis)
    return chau_o, binh_chanh, binh_son, counter


def test_a_code_reused_across_the_merger_resolves_on_each_side_of_the_date(app, db):
    with app.app_context():
        chau_o, _, binh_son, _ = _bình_sơn(db)
        assert unit_service.resolve_code("21040", date(2025, 6, 30)).id == chau_o.id
        assert unit_service.resolve_code("21040", date(2025, 7, 1)).id == binh_son.id
        assert unit_service.resolve_code("21040", date(2024, 1, 15)).id == chau_o.id
        assert unit_service.resolve_code("21040").id == binh_son.id  # today (2026) is after the merger
        assert unit_service.resolve_code("21052", date(2025, 7, 1)) is None  # Bình Chánh's code went with it
        assert chau_o.id != binh_son.id
        # what a command's --unit 21040 means: the unit bearing the code today; a code no longer in use: its last unit
        assert unit_service.unit_by_code("21040").id == binh_son.id
        assert unit_service.unit_by_code("21052").name == "Xã Bình Chánh"
        assert unit_service.unit_by_code("00000") is None


def test_a_merger_closes_the_old_units_and_their_counters_and_records_each_succession(app, db):
    with app.app_context():
        chau_o, binh_chanh, binh_son, counter = _bình_sơn(db)
        assert chau_o.valid_to == binh_chanh.valid_to == date(2025, 6, 30)
        assert binh_son.valid_from == MERGER_DAY and binh_son.kind == "commune" and binh_son.unit_type == "xa"
        assert counter.is_active is False and counter.revoked_at is not None
        rows = db.session.scalars(select(UnitSuccession).order_by(UnitSuccession.id)).all()
        assert [(r.predecessor.name, r.successor.name, r.kind, r.share) for r in rows] == [
            ("Thị trấn Châu Ổ", "Xã Bình Sơn", "merge", 1.0),
            ("Xã Bình Chánh", "Xã Bình Sơn", "merge", 1.0),
        ]
        assert {r.legal_basis_number for r in rows} == {"1677/NQ-UBTVQH15"}
        assert chau_o.successor.id == binh_son.id  # the one unit it went into whole


def test_a_code_cannot_name_two_units_on_the_same_day(app, db):
    with app.app_context():
        _bình_sơn(db)
        with pytest.raises(DomainError, match="21040"):  # Xã Bình Sơn bears it from 1/7/2025 on
            unit_service.add_unit("21040", "Xã khác", unit_type="xa", valid_from=date(2026, 1, 1))
        with pytest.raises(DomainError, match="21040"):  # Châu Ổ bore it until 30/6/2025
            unit_service.add_unit("21040", "Xã cũ khác", unit_type="xa", valid_to=date(2020, 1, 1))
        reused = unit_service.add_unit("21052", "Xã mới", unit_type="xa", valid_from=date(2026, 1, 1))
        assert unit_service.resolve_code("21052", date(2026, 1, 1)).id == reused.id  # Bình Chánh ended 30/6/2025
        with pytest.raises(DomainError, match="sau ngày bắt đầu"):
            unit_service.add_unit(
                "99999", "Xã X", unit_type="xa", valid_from=date(2025, 1, 2), valid_to=date(2025, 1, 1)
            )


def test_the_database_keeps_one_current_unit_and_one_unit_ending_a_day_per_code(app, db):
    with app.app_context():
        values = {"code": "21040", "name": "x", "kind": "commune", "is_sample": False}
        db.session.execute(insert(Unit).values(**values))
        with pytest.raises(IntegrityError):
            db.session.execute(insert(Unit).values(**values))  # two current units of one code
        db.session.rollback()
        db.session.execute(insert(Unit).values(**values, valid_to=date(2025, 6, 30)))
        with pytest.raises(IntegrityError):
            db.session.execute(insert(Unit).values(**values, valid_to=date(2025, 6, 30)))
        db.session.rollback()


def test_a_succession_is_edited_not_duplicated_and_bad_shares_are_refused(app, db):
    with app.app_context():
        chau_o, _, binh_son, _ = _bình_sơn(db)
        unit_service.record_succession(chau_o, binh_son, MERGER_DAY, "split", share=0.4, share_basis="dân số")
        rows = db.session.scalars(select(UnitSuccession).where(UnitSuccession.predecessor_id == chau_o.id)).all()
        assert [(r.kind, r.share, r.share_basis, r.legal_basis_number) for r in rows] == [
            ("split", 0.4, "dân số", None)
        ]
        for bad in (0, 1.5, -0.1):
            with pytest.raises(DomainError, match="Tỷ lệ"):
                unit_service.record_succession(chau_o, binh_son, MERGER_DAY, "split", share=bad)
        with pytest.raises(DomainError):
            unit_service.record_succession(chau_o, binh_son, MERGER_DAY, "nuốt")
        with pytest.raises(DomainError):
            unit_service.record_succession(chau_o, chau_o, MERGER_DAY, "merge")


def test_the_crosswalk_lists_old_to_new_until_a_day(app, db):
    with app.app_context():
        _bình_sơn(db)
        rows = unit_service.crosswalk()
        assert [(r.old_code, r.old_name, r.old_parent, r.new_code, r.new_name) for r in rows] == [
            ("21040", "Thị trấn Châu Ổ", "Huyện Bình Sơn", "21040", "Xã Bình Sơn"),
            ("21052", "Xã Bình Chánh", "Huyện Bình Sơn", "21040", "Xã Bình Sơn"),
        ]
        assert unit_service.crosswalk(date(2025, 6, 30)) == []
