"""``units load`` and ``units crosswalk`` on the official lists (the vietnamadminunits package), checked
against the issue's own figures: Quảng Ngãi has 96 commune-level units since 1/7/2025, the former Bình Sơn
district had 22 units, and its five new communes are made as the merger map (Nghị quyết 1677/NQ-UBTVQH15) says."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import func, select

from survey.extensions import db as _db
from survey.models import Counter, Unit, UnitSuccession
from survey.services.units import resolve_code

#: the issue's table, typed from the issue (not from the package)
BÌNH_SƠN = {
    "Xã Bình Sơn": {"Thị trấn Châu Ổ", "Xã Bình Thạnh", "Xã Bình Chánh", "Xã Bình Dương", "Xã Bình Nguyên",
                    "Xã Bình Trung", "Xã Bình Long"},
    "Xã Vạn Tường": {"Xã Bình Thuận", "Xã Bình Đông", "Xã Bình Trị", "Xã Bình Hải", "Xã Bình Hòa", "Xã Bình Phước"},
    "Xã Bình Minh": {"Xã Bình Khương", "Xã Bình An", "Xã Bình Minh"},
    "Xã Bình Chương": {"Xã Bình Mỹ", "Xã Bình Chương"},
    "Xã Đông Sơn": {"Xã Bình Hiệp", "Xã Bình Thanh", "Xã Bình Tân Phú", "Xã Bình Châu", "Xã Tịnh Hòa"},
}  # fmt: skip


def _load(runner, *extra):
    result = runner.invoke(args=["units", "load", "--province", "Quảng Ngãi", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _snapshot(app):
    with app.app_context():
        units = _db.session.execute(select(Unit.id, Unit.code, Unit.name, Unit.valid_from, Unit.valid_to,
                                           Unit.parent_id).order_by(Unit.id)).all()  # fmt: skip
        links = _db.session.execute(select(UnitSuccession.id, UnitSuccession.predecessor_id,
                                           UnitSuccession.successor_id, UnitSuccession.kind, UnitSuccession.share,
                                           UnitSuccession.legal_basis_number).order_by(UnitSuccession.id)).all()  # fmt: skip
    return units, links


def test_load_quang_ngai_with_former_units_and_crosswalk_then_again_changes_nothing(app, runner):
    assert "96 đơn vị hiện hành mới" in _load(runner)
    with app.app_context():
        communes = _db.session.scalars(select(Unit).where(Unit.kind == "commune", Unit.valid_to.is_(None))).all()
        assert len(communes) == 96
        assert {u.parent.name for u in communes} == {"Tỉnh Quảng Ngãi"}
        assert resolve_code("21548").name == "Đặc khu Lý Sơn" and resolve_code("21548").unit_type == "dac_khu"
        assert _db.session.scalar(select(func.count()).select_from(UnitSuccession)) == 0  # no crosswalk asked

    _load(runner, "--with-former")
    with app.app_context():
        district = resolve_code("524", date(2025, 6, 30))
        assert district.name == "Huyện Bình Sơn" and district.unit_type == "huyen"
        assert len(district.children) == 22
        # the code reused across the merger: Châu Ổ until 30/6/2025, Xã Bình Sơn from 1/7/2025
        assert resolve_code("21040", date(2025, 6, 30)).name == "Thị trấn Châu Ổ"
        assert resolve_code("21040", date(2025, 7, 1)).name == "Xã Bình Sơn"
        kon_tum = _db.session.scalar(select(Unit).where(Unit.name == "Tỉnh Kon Tum"))
        assert kon_tum.valid_to == date(2025, 6, 30) and kon_tum.successor.name == "Tỉnh Quảng Ngãi"
        # an old commune divided among two new ones: two "split" lines, share left for the legal text
        tra_bui = _db.session.scalar(select(Unit).where(Unit.name == "Xã Trà Bùi"))
        assert sorted((s.kind, s.share) for s in tra_bui.successions_out) == [("split", None), ("split", None)]
        # a counter with answers on the new commune and a legal basis typed by an admin must survive a reload
        binh_son = resolve_code("21040")
        _db.session.add(Counter(unit=binh_son, code="Q-BINHSON", name="Điểm tiếp nhận số 1"))
        first = binh_son.successions_in[0]
        first.legal_basis_number, first.legal_basis_date = "1677/NQ-UBTVQH15", date(2025, 6, 16)
        _db.session.commit()

    crosswalk = runner.invoke(args=["units", "crosswalk"]).output
    made_from: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO(crosswalk)):
        made_from.setdefault(row["new_name"], set()).add(row["old_name"])
        if row["new_name"] == "Xã Bình Sơn":
            assert (row["kind"], row["date"], row["share"]) == ("merge", "2025-07-01", "1")
    assert {name: made_from[name] for name in BÌNH_SƠN} == BÌNH_SƠN
    assert runner.invoke(args=["units", "crosswalk", "--on", "2025-06-30"]).output.count("\n") == 1  # header only

    before = _snapshot(app)
    output = _load(runner, "--with-former")
    assert "0 đơn vị hiện hành mới, 96 đã có" in output and "0 mới" in output
    assert _snapshot(app) == before
    with app.app_context():
        counter = _db.session.scalar(select(Counter).where(Counter.code == "Q-BINHSON"))
        assert counter.is_active and counter.unit.name == "Xã Bình Sơn"


def test_an_unknown_province_is_refused_plainly_and_changes_nothing(app, runner):
    result = runner.invoke(args=["units", "load", "--province", "Bình Sơn"])
    assert result.exit_code != 0 and "Không có tỉnh, thành phố tên 'Bình Sơn'" in result.output
    bad_day = runner.invoke(args=["units", "crosswalk", "--on", "30/06/2025"])
    assert bad_day.exit_code != 0 and "YYYY-MM-DD" in bad_day.output
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_load_with_former_on_an_empty_database_at_once_then_again_changes_nothing(app, runner):
    """Done when: ``units load --province "Quảng Ngãi" --with-former`` on an EMPTY database, then again."""
    output = _load(runner, "--with-former")
    assert "Tỉnh Quảng Ngãi: 96 đơn vị hiện hành mới, 0 đã có." in output
    with app.app_context():
        in_force = select(Unit).where(Unit.valid_to.is_(None))
        assert len(_db.session.scalars(in_force.where(Unit.kind == "commune")).all()) == 96
        former = _db.session.scalars(select(Unit).where(Unit.valid_to == date(2025, 6, 30))).all()
        # the former province Kon Tum (merged into Quảng Ngãi), the 23 former districts (Quảng Ngãi 13 with the
        # island huyện Lý Sơn, Kon Tum 10), and their communes: Kon Tum's 102, Quảng Ngãi's 170
        assert [u.name for u in former if u.kind == "province"] == ["Tỉnh Kon Tum"]
        districts = [u for u in former if u.kind == "district"]
        assert len(districts) == 13 + 10 and len({u.code for u in districts}) == 23
        communes = [u for u in former if u.kind == "commune"]
        assert len(communes) == 170 + 102
        assert f"Đơn vị cũ: {1 + 23 + 272} mới, 0 đã có" in output
        # the crosswalk: every former commune goes (whole or in part) to a unit in force today
        went = set(_db.session.scalars(select(UnitSuccession.predecessor_id)))
        assert {u.name for u in communes if u.id not in went} == set()
        assert all(s.successor.valid_to is None for s in _db.session.scalars(select(UnitSuccession)))
    before = _snapshot(app)
    again = _load(runner, "--with-former")
    assert "0 đơn vị hiện hành mới, 96 đã có" in again and f"Đơn vị cũ: 0 mới, {1 + 23 + 272} đã có" in again
    assert _snapshot(app) == before


def test_the_crosswalk_prints_the_binh_son_table_of_the_issue_row_by_row(app, runner):
    """Done when: ``units crosswalk`` prints the issue's Bình Sơn table (every row, nothing more)."""
    _load(runner, "--with-former")
    printed = runner.invoke(args=["units", "crosswalk"])
    assert printed.exit_code == 0, printed.output
    rows = [r for r in csv.DictReader(io.StringIO(printed.output)) if r["new_name"] in BÌNH_SƠN]
    assert sorted((r["new_name"], r["old_name"]) for r in rows) == sorted(
        (new, old) for new, olds in BÌNH_SƠN.items() for old in olds
    )
    for row in rows:  # all from the former huyện Bình Sơn but Tịnh Hòa, from the former Quảng Ngãi city
        parent = "Thành phố Quảng Ngãi" if row["old_name"] == "Xã Tịnh Hòa" else "Huyện Bình Sơn"
        assert (row["old_parent"], row["date"]) == (parent, "2025-07-01"), row
    # the code reused across the merger: Châu Ổ's 21040 is Xã Bình Sơn's
    assert {(r["old_code"], r["new_code"]) for r in rows if r["old_name"] == "Thị trấn Châu Ổ"} == {("21040", "21040")}
