"""Management through services: names cleaned to NFC, a taken code a Vietnamese message (also in a race), audited."""

from __future__ import annotations

import threading
import time
import unicodedata

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Counter, Field, Procedure, Unit, User
from survey.services import catalogue, counter_admin
from survey.services.errors import DomainError
from tests.admin.conftest import csrf_from

#: "Quầy Hộ tịch" typed with combining marks (as some keyboards and copied PDFs give it)
DECOMPOSED = unicodedata.normalize("NFD", "Quầy Hộ tịch số 2")


def test_names_are_stored_nfc_whatever_way_they_are_typed(app, client, world, login):
    assert DECOMPOSED != "Quầy Hộ tịch số 2"
    login("quantri")
    token = csrf_from(client, "/admin/quay")
    client.post("/admin/quay", data={"csrf_token": token, "code": "X-CHAUO-Q2", "name": "  " + DECOMPOSED + "\u200b",
                                     "unit": "X-CHAUO", "field": ""})  # fmt: skip
    client.post("/admin/don-vi-quan-ly", data={"csrf_token": token, "code": "X-MOI", "kind": "commune",
                                               "name": unicodedata.normalize("NFD", "UBND xã Bình Sơn")})  # fmt: skip
    client.post("/admin/linh-vuc-quan-ly", data={"csrf_token": token, "code": "KD",
                                                 "name": unicodedata.normalize("NFD", "Đăng ký kinh doanh")})  # fmt: skip
    client.post("/admin/linh-vuc-quan-ly/thu-tuc", data={"csrf_token": token, "field": "KD", "code": "KD-01",
                "name": unicodedata.normalize("NFD", "Thành lập hộ kinh doanh")})  # fmt: skip
    client.post("/admin/nguoi-dung", data={"csrf_token": token, "username": "canbo.hoa", "role": "reviewer",
                "display_name": unicodedata.normalize("NFD", "Nguyễn Thị Hoà"), "password": "tam-thoi-cho-hoa-9"})  # fmt: skip
    with app.app_context():
        assert db.session.scalar(select(Counter.name).where(Counter.code == "X-CHAUO-Q2")) == "Quầy Hộ tịch số 2"
        assert db.session.scalar(select(Unit.name).where(Unit.code == "X-MOI")) == "UBND xã Bình Sơn"
        assert db.session.scalar(select(Field.name).where(Field.code == "KD")) == "Đăng ký kinh doanh"
        assert db.session.scalar(select(Procedure.name).where(Procedure.code == "KD-01")) == "Thành lập hộ kinh doanh"
        assert db.session.scalar(select(User.display_name).where(User.username == "canbo.hoa")) == "Nguyễn Thị Hoà"
        assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.summary.like("Tạo quầy%"))) == (
            "Tạo quầy X-CHAUO-Q2 (Quầy Hộ tịch số 2) của UBND thị trấn Châu Ổ"
        )


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/admin/quay", {"code": "X-CHAUO-Q1", "name": "Quầy trùng", "unit": "X-CHAUO", "field": ""},
         "Mã quầy X-CHAUO-Q1 đã có."),
        ("/admin/don-vi-quan-ly", {"code": "X-CHAUO", "name": "Trùng", "kind": "commune"}, "Mã đơn vị X-CHAUO đã có."),
        ("/admin/linh-vuc-quan-ly", {"code": "HT", "name": "Trùng"}, "Mã lĩnh vực HT đã có."),
        ("/admin/nguoi-dung", {"username": "VanPhong", "display_name": "Trùng", "role": "reviewer",
                               "password": "tam-thoi-cho-hoa-9"}, "Tên đăng nhập vanphong đã có."),
    ],
)  # fmt: skip
def test_a_taken_code_is_a_vietnamese_message_and_nothing_changes(app, client, world, login, path, data, message):
    """No SELECT runs before the INSERT: the database's UNIQUE index refuses it, inside a savepoint."""
    login("quantri")
    with app.app_context():
        before = [db.session.scalar(select(db.func.count()).select_from(m)) for m in (Counter, Unit, Field, User)]
    answer = client.post(path, data={"csrf_token": csrf_from(client, path if path != "/admin/quay" else "/admin/quay"),
                                     **data}, follow_redirects=True)  # fmt: skip
    assert answer.status_code == 200 and message in answer.text
    with app.app_context():
        after = [db.session.scalar(select(db.func.count()).select_from(m)) for m in (Counter, Unit, Field, User)]
        assert after == before and db.session.scalar(select(AuditEntry.id)) is None


def test_a_taken_procedure_code(app, client, world, login):
    login("quantri")
    token = csrf_from(client, "/admin/linh-vuc-quan-ly")
    data = {"csrf_token": token, "field": "HT", "code": "HT-99", "name": "Thủ tục thử"}
    client.post("/admin/linh-vuc-quan-ly/thu-tuc", data=data)
    again = client.post("/admin/linh-vuc-quan-ly/thu-tuc", data=data, follow_redirects=True)
    assert "Mã thủ tục HT-99 đã có." in again.text


def test_two_admins_creating_one_code_at_once_get_a_message_not_a_500(app, world, database_url):
    """Two sessions on PostgreSQL: the second INSERT waits on the first's unique index entry, then is refused."""
    if not database_url.startswith("postgresql"):
        pytest.skip("two writers at once need PostgreSQL (SQLite serialises them)")
    first_flushed = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        with app.app_context():
            unit = db.session.scalar(select(Unit).where(Unit.code == "X-CHAUO"))
            counter_admin.create_counter("X-CHAUO-Q9", "Quầy 9", unit, None, actor=None)
            first_flushed.set()
            time.sleep(0.5)  # the second is now waiting on the index entry
            db.session.commit()
            outcome["first"] = "committed"

    def second():
        first_flushed.wait(5)
        with app.app_context():
            unit = db.session.scalar(select(Unit).where(Unit.code == "X-CHAUO"))
            try:
                counter_admin.create_counter("X-CHAUO-Q9", "Quầy 9 bis", unit, None, actor=None)
                db.session.commit()
                outcome["second"] = "committed"
            except DomainError as exc:
                db.session.rollback()
                outcome["second"] = str(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert outcome == {"first": "committed", "second": "Mã quầy X-CHAUO-Q9 đã có."}
    with app.app_context():
        assert db.session.scalar(select(Counter.name).where(Counter.code == "X-CHAUO-Q9")) == "Quầy 9"


def test_services_refuse_blank_names_after_cleaning(app, world):
    with app.app_context(), pytest.raises(DomainError, match="Xin nhập tên lĩnh vực"):
        catalogue.create_field("KD", "\u200b \u202e", actor=None)
