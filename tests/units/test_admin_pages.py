"""The admin records a merger in one step and edits a succession; others may not; bad input changes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from survey.extensions import db as _db
from survey.models import Counter, Unit, UnitSuccession
from survey.services.units import resolve_code
from tests.admin.conftest import csrf_from


def _ids(app, *codes):
    with app.app_context():
        return [str(_db.session.scalar(select(Unit.id).where(Unit.code == c))) for c in codes]


def test_admin_records_a_merger_and_edits_its_succession(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/don-vi/sap-nhap")
    old = _ids(app, "X-CHAUO", "X-BCHANH")
    data = {"csrf_token": token, "old_units": old, "on": "2025-07-01", "code": "X-CHAUO", "name": "Xã Bình Sơn",
            "unit_type": "xa", "parent": "", "basis_number": "1677/NQ-UBTVQH15", "basis_date": "2025-06-16",
            "intake_count": "1"}  # fmt: skip
    page = client.post("/admin/don-vi/sap-nhap", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Đã ghi nhận: UBND thị trấn Châu Ổ, UBND xã Bình Chánh → Xã Bình Sơn từ 01/07/2025" in page
    assert "Nghị quyết số 1677/NQ-UBTVQH15 ngày 16/06/2025" in page and "01/07/2025" in page
    with app.app_context():
        assert resolve_code("X-CHAUO", date(2025, 6, 30)).name == "UBND thị trấn Châu Ổ"
        assert resolve_code("X-CHAUO", date(2025, 7, 1)).name == "Xã Bình Sơn"
        assert _db.session.scalar(select(func.count()).select_from(Counter).where(Counter.is_active.is_(True))) == 0
        row_id = _db.session.scalar(select(UnitSuccession.id).join(UnitSuccession.predecessor)
                                    .where(Unit.code == "X-BCHANH"))  # fmt: skip

    edit = f"/admin/don-vi/ke-thua/{row_id}"
    assert 'value="1677/NQ-UBTVQH15"' in client.get(edit).get_data(as_text=True)
    form = {"csrf_token": token, "on": "2025-07-01", "kind": "split", "share": "45,5", "share_basis": "dân số",
            "basis_number": "1677/NQ-UBTVQH15", "basis_date": "2025-06-16"}  # fmt: skip
    page = client.post(edit, data=form, follow_redirects=True).get_data(as_text=True)
    assert "Đã lưu: UBND xã Bình Chánh → Xã Bình Sơn" in page and "45,5 % theo dân số" in page
    for bad in ("145", "abc", "0"):
        page = client.post(edit, data={**form, "share": bad}, follow_redirects=True).get_data(as_text=True)
        assert "Tỷ lệ" in page
    with app.app_context():
        row = _db.session.get(UnitSuccession, row_id)
        assert (row.kind, row.share, row.share_basis) == ("split", 0.455, "dân số")


def test_a_merger_onto_a_code_in_use_is_refused_and_changes_nothing(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/don-vi/sap-nhap")
    data = {"csrf_token": token, "old_units": _ids(app, "X-CHAUO"), "on": "2025-07-01", "code": "X-BCHANH",
            "name": "Xã mới", "unit_type": "xa", "parent": "", "intake_count": "1"}  # fmt: skip
    page = client.post("/admin/don-vi/sap-nhap", data=data, follow_redirects=True).get_data(as_text=True)
    assert "một mã chỉ dùng cho một đơn vị tại mỗi thời điểm" in page
    none_chosen = client.post("/admin/don-vi/sap-nhap", data={**data, "old_units": [], "code": "X-MOI"},
                              follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Xin chọn các đơn vị cũ." in none_chosen
    with app.app_context():
        assert _db.session.scalar(select(Unit.valid_to).where(Unit.code == "X-CHAUO")) is None
        assert _db.session.scalar(select(func.count()).select_from(UnitSuccession)) == 0
        assert _db.session.scalar(select(Counter.is_active).where(Counter.code == "X-CHAUO-Q1")) is True


def test_only_an_admin_reaches_the_pages(app, client, world, login):
    login("vanphong")  # the reviewer sees every unit's figures, but does not redraw the map
    for path in ("/admin/don-vi/sap-nhap", "/admin/don-vi/ke-thua"):
        assert client.get(path).status_code == 403


def test_a_merger_without_its_csrf_token_changes_nothing(app, client, world, login):
    login("quantri")
    data = {"old_units": _ids(app, "X-CHAUO"), "on": "2025-07-01", "code": "X-NEW", "name": "x", "unit_type": "xa"}
    client.post("/admin/don-vi/sap-nhap", data=data, follow_redirects=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Unit).where(Unit.code == "X-NEW")) == 0
        assert _db.session.scalar(select(Unit.valid_to).where(Unit.code == "X-CHAUO")) is None
