"""A citizen's contact: kept apart, shown only to the item's handlers, never exported, purged after closing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import FeedbackContact, FeedbackItem, Field, Response, User
from survey.services import feedback, privacy
from survey.services.contacts import Contact
from survey.services.responses import Ballot, build_response
from tests.admin.conftest import csrf_from

PHONE, PHONE_SHOWN, EMAIL = "+84905123456", "0905 123 456", "lan.tran@gmail.com"
#: a comment that carries personal data itself: masked everywhere
COMMENT = "Hồ sơ trả lại 3 lần, gọi 0912 345 678 hoặc thư hoa.le@yahoo.com"


@pytest.fixture
def with_contact(app, world):
    with app.app_context():
        ht = db.session.scalar(select(Field.id).where(Field.code == "HT"))
        response = build_response(Ballot(key="lien-he-0001-xxxxxxxxx", profile="sipas-2024", unit_id=world["a"].id,
                                         field_id=ht, counter_id=world["counter_a"], answers={"A1": 4},
                                         comment=COMMENT, submitted_at=datetime(2026, 10, 6, 3, tzinfo=UTC)))  # fmt: skip
        db.session.add(response)
        db.session.flush()
        item_id = feedback.open_item(response, complaint=True, contact=Contact(PHONE, EMAIL))
        db.session.commit()
    return item_id


def _logout(client) -> None:
    client.post("/admin/logout", data={"csrf_token": csrf_from(client, "/admin/phan-anh")})


def _text(response) -> str:
    if response.mimetype.endswith("sheet"):
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        return "\n".join(str(c.value) for s in book for row in s.iter_rows() for c in row if c.value is not None)
    return response.get_data(as_text=True)


SECRETS = ("0905", "123 456", "123456", "lan.tran", "0912", "345 678", "hoa.le", "yahoo")


def test_only_the_handlers_see_the_contact(app, client, world, login, with_contact):
    item_path = f"/admin/phan-anh/{with_contact}"
    login("canbo.chauo")  # an officer of the unit, not (yet) handling it
    pages = [item_path, "/admin/phan-anh", "/admin/phan-anh?tim=gọi", "/admin/y-kien?month=2026-10",
             "/admin/xuat/comments.csv?month=2026-10", "/admin/xuat/comments.xlsx?month=2026-10"]  # fmt: skip
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = _text(response)
        for secret in SECRETS:
            assert secret not in text, (path, secret)
    assert "[đã ẩn]" in client.get(item_path).get_data(as_text=True)
    token = csrf_from(client, item_path)
    client.post(f"/admin/phan-anh/{with_contact}/nhan", data={"csrf_token": token})  # "Giao cho tôi"
    page = client.get(item_path).get_data(as_text=True)
    assert PHONE_SHOWN in page and EMAIL in page  # now they handle it
    assert "0912" not in page  # the comment stays masked
    _logout(client)
    login("canbo.bchanh")
    assert client.get(item_path).status_code == 404
    _logout(client)
    login("vanphong")
    page = client.get(item_path).get_data(as_text=True)
    assert PHONE_SHOWN in page and "Người dân để lại liên hệ" in page


def test_the_contact_is_never_in_the_exchange_file_or_the_api(app, world, with_contact, runner, tmp_path, client):
    out = tmp_path / "phieu.csv"
    result = runner.invoke(args=["responses", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert "Hồ sơ trả lại 3 lần" in text  # the ballot is there (its comment as written: a machine file) …
    assert PHONE not in text and "0905" not in text and "lan.tran" not in text  # … the contact is not
    # the API has no comment or contact field at all: its document names none
    spec = client.get("/api/openapi.json").get_data(as_text=True).lower()
    assert '"openapi"' in spec and "contact" not in spec.replace('"contact": {', "") and "phone" not in spec


def test_the_purge_deletes_contacts_after_closing_plus_retention(app, world, with_contact, runner):
    with app.app_context():
        reviewer = db.session.get(User, world["reviewer"])
        item = db.session.get(FeedbackItem, with_contact)
        feedback.close(item, reviewer, result="Đã gọi lại, hướng dẫn bổ sung hồ sơ.")
        db.session.commit()
        closed_at = item.closed_at
        days = app.config["CONTACT_RETENTION_DAYS"]
        # before the retention has passed: kept
        assert privacy.purge(closed_at + timedelta(days=days - 1)).contacts == 0
        assert db.session.scalar(select(func.count()).select_from(FeedbackContact)) == 1
        # an open item's contact is never purged, however old
        assert privacy.purge(closed_at + timedelta(days=days + 1), contact_days=days).contacts == 1
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(FeedbackContact)) == 0
        # the item, its result and the comment stay
        kept = db.session.get(FeedbackItem, with_contact)
        assert kept.status == "closed" and kept.answer_text and kept.response.comment == COMMENT
        assert db.session.scalar(select(func.count()).select_from(Response)) > 0


def test_the_purge_command_reports_contacts(app, world, with_contact, runner):
    with app.app_context():
        item = db.session.get(FeedbackItem, with_contact)
        feedback.close(item, db.session.get(User, world["reviewer"]), result="Đã trả lời qua điện thoại.")
        item.closed_at = datetime.now(UTC) - timedelta(days=app.config["CONTACT_RETENTION_DAYS"] + 1)
        db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Đã xoá liên hệ người dân của 1 phản ánh đã đóng quá thời hạn lưu." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FeedbackContact)) == 0
