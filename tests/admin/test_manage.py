"""Management pages: counters and their QR, units and fields, users — as an admin does it."""

from __future__ import annotations

from pypdf import PdfReader
from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter, Field, Procedure, Unit, User
from tests.admin.conftest import csrf_from


def _counter(app, code):
    with app.app_context():
        return db.session.scalar(select(Counter).where(Counter.code == code))


def test_admin_creates_revokes_and_regenerates_a_counter(app, client, world, login, tmp_path):
    login("quantri")
    token = csrf_from(client, "/admin/quay")
    page = client.post("/admin/quay", data={"csrf_token": token, "code": "X-CHAUO-Q2", "name": "Quầy số 2",
                                            "unit": "X-CHAUO", "field": "DD"}, follow_redirects=True)  # fmt: skip
    assert "Đã tạo quầy X-CHAUO-Q2" in page.get_data(as_text=True)
    counter = _counter(app, "X-CHAUO-Q2")
    assert client.get(f"/s/{counter.token}").status_code == 200

    poster = client.get(f"/admin/quay/{counter.id}/ap-phich.pdf")
    assert poster.mimetype == "application/pdf"
    (tmp_path / "p.pdf").write_bytes(poster.data)
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG\nTHỊ TRẤN CHÂU Ổ" in PdfReader(tmp_path / "p.pdf").pages[0].extract_text()
    assert client.get(f"/admin/quay/{counter.id}/qr.png").mimetype == "image/png"

    client.post(f"/admin/quay/{counter.id}/thu-hoi", data={"csrf_token": token})
    assert client.get(f"/s/{counter.token}").status_code == 404
    client.post(f"/admin/quay/{counter.id}/tao-lai", data={"csrf_token": token})
    renewed = _counter(app, "X-CHAUO-Q2")
    assert renewed.token != counter.token and renewed.is_active
    assert client.get(f"/s/{counter.token}").status_code == 404 and client.get(f"/s/{renewed.token}").status_code == 200

    duplicate = client.post("/admin/quay", data={"csrf_token": token, "code": "X-CHAUO-Q2", "name": "x",
                                                 "unit": "X-CHAUO"}, follow_redirects=True)  # fmt: skip
    assert "đã có" in duplicate.get_data(as_text=True)


def test_admin_manages_fields_procedures_and_units(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/linh-vuc-quan-ly")
    client.post("/admin/linh-vuc-quan-ly", data={"csrf_token": token, "code": "KD", "name": "Đăng ký kinh doanh"})
    client.post("/admin/linh-vuc-quan-ly/thu-tuc", data={"csrf_token": token, "field": "KD", "code": "KD-01",
                                                         "name": "Đăng ký thành lập hộ kinh doanh"})  # fmt: skip
    bad = client.post("/admin/linh-vuc-quan-ly", data={"csrf_token": token, "code": "có dấu", "name": "x"},
                      follow_redirects=True)  # fmt: skip
    assert "Mã chỉ gồm chữ không dấu" in bad.get_data(as_text=True)
    client.post("/admin/don-vi-quan-ly", data={"csrf_token": token, "code": "X-MOI", "name": "Xã Bình Sơn Mới",
                                               "kind": "commune", "parent": "H-BS", "fields": ["HT", "KD"]})  # fmt: skip
    with app.app_context():
        assert db.session.scalar(select(Procedure.field_id).where(Procedure.code == "KD-01")) == db.session.scalar(
            select(Field.id).where(Field.code == "KD")
        )
        new = db.session.scalar(select(Unit).where(Unit.code == "X-MOI"))
        assert new.parent.code == "H-BS" and sorted(f.code for f in new.fields) == ["HT", "KD"]
        old_id = db.session.scalar(select(Unit.id).where(Unit.code == "X-BCHANH"))
    # the 2025 reform: Bình Chánh merged into the new commune, never deleted
    page = client.post(f"/admin/don-vi-quan-ly/{old_id}", data={"csrf_token": token, "name": "UBND xã Bình Chánh",
                       "fields": ["HT"], "valid_to": "2025-06-30", "successor": "X-MOI"}, follow_redirects=True)  # fmt: skip
    assert "Đã lưu đơn vị" in page.get_data(as_text=True)
    with app.app_context():
        old = db.session.get(Unit, old_id)
        assert str(old.valid_to) == "2025-06-30" and old.successor.code == "X-MOI"


def test_admin_creates_accounts_through_the_form(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/nguoi-dung")
    page = client.post("/admin/nguoi-dung", data={"csrf_token": token, "username": "canbo.moi", "display_name":
                       "Nguyễn Thị Hoà", "role": "unit_officer", "unit": "X-CHAUO", "password": "mat-khau-moi-123"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Đã tạo tài khoản canbo.moi" in page and "Nguyễn Thị Hoà" in page
    short = client.post("/admin/nguoi-dung", data={"csrf_token": token, "username": "x", "display_name": "x",
                        "role": "admin", "password": "ngan"}, follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Mật khẩu phải có từ 10 đến 200 ký tự" in short
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "canbo.moi"))
        assert user.unit.code == "X-CHAUO" and user.password_hash.startswith("scrypt:")
        assert db.session.scalar(select(User).where(User.username == "x")) is None


def test_admin_chooses_a_counters_fields_and_makes_a_revocable_kiosk(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/quay")
    client.post("/admin/quay", data={"csrf_token": token, "code": "X-CHAUO-Q3", "name": "Quầy số 3",
                                     "unit": "X-CHAUO", "field": ""})  # fmt: skip
    counter = _counter(app, "X-CHAUO-Q3")
    with app.app_context():
        unit_fields = [f.code for f in db.session.get(Counter, counter.id).unit.fields]
    assert len(unit_fields) >= 2
    page = client.post(f"/admin/quay/{counter.id}/linh-vuc", data={"csrf_token": token, "field": unit_fields[:2]},
                       follow_redirects=True)  # fmt: skip
    assert "Quầy X-CHAUO-Q3 nhận:" in page.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Counter, counter.id)
        assert [f.code for f in stored.offered] == unit_fields[:2] and stored.field is None
    # no CSRF token: refused, nothing changed
    assert client.post(f"/admin/quay/{counter.id}/linh-vuc", data={"field": unit_fields[:1]}).status_code == 400

    client.post(f"/admin/quay/{counter.id}/may-tinh-bang", data={"csrf_token": token})
    kiosk_token = _counter(app, "X-CHAUO-Q3").kiosk_token
    listing = client.get(f"/admin/quay/{counter.id}").get_data(as_text=True)  # the counter's own page
    assert f"/k/{kiosk_token}" in listing
    assert client.get(f"/k/{kiosk_token}").status_code == 200
    client.post(f"/admin/quay/{counter.id}/may-tinh-bang/thu-hoi", data={"csrf_token": token})
    assert _counter(app, "X-CHAUO-Q3").kiosk_token is None
    assert client.get(f"/k/{kiosk_token}").status_code == 404
