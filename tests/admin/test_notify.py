"""The daily e-mail arrives at a real SMTP server (aiosmtpd, started here): Vietnamese, text + HTML, the right items."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, datetime, time, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from survey.extensions import db
from survey.figures.periods import VN
from survey.models import FeedbackItem, Field, User
from survey.services import feedback, notify
from survey.services.responses import Ballot, build_response

ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Rcpt"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port, "SMTP_SECURITY": "none",
                       "MAIL_FROM": "Khảo sát SIPAS <khaosat@binhson.example.vn>"}.items():  # fmt: skip
        monkeypatch.setitem(app.config, key, value)
    yield inbox
    controller.stop()


@pytest.fixture
def mailing(app, world):
    """E-mail for three accounts; 12 very-unsatisfied ballots at Châu Ổ yesterday; items assigned and overdue."""
    now = datetime.now(UTC)
    yesterday = (now.astimezone(VN) - timedelta(days=1)).date()
    with app.app_context():
        ht = db.session.scalar(select(Field.id).where(Field.code == "HT"))
        for i in range(12):
            stamp = datetime.combine(yesterday, time(9, i), VN).astimezone(UTC)
            db.session.add(build_response(Ballot(key=f"hom-qua-{i:05d}-xxxxxxxx", profile="sipas-2024",
                                                 unit_id=world["a"].id, field_id=ht, counter_id=world["counter_a"],
                                                 answers=dict.fromkeys(ITEMS, 1), submitted_at=stamp)))  # fmt: skip
        users = {u.username: u for u in db.session.scalars(select(User))}
        notify.set_email(users["vanphong"], "vanphong@binhson.example.vn")
        notify.set_email(users["canbo.chauo"], "chauo@binhson.example.vn")
        notify.set_email(users["canbo.bchanh"], "bchanh@binhson.example.vn")
        items = db.session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()
        feedback.assign(items[0], users["canbo.bchanh"], users["vanphong"])
        for item in items[1:3]:
            item.due_at = now - timedelta(days=2)
        db.session.commit()
        return {"now": now, "yesterday": yesterday, "assigned": items[0].id, "overdue": [i.id for i in items[1:3]],
                "b_items": [i.id for i in items]}  # fmt: skip


def _body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_each_officer_gets_their_units_items(app, world, smtp, mailing):
    with app.app_context():
        result = notify.send_daily(mailing["now"])
    assert (result.sent, result.alerts) == (3, 1)
    mails = {m["To"]: m for m in smtp.messages}
    assert set(mails) == {"vanphong@binhson.example.vn", "chauo@binhson.example.vn", "bchanh@binhson.example.vn"}
    day = mailing["yesterday"].strftime("%d/%m/%Y")

    bchanh = mails["bchanh@binhson.example.vn"]
    assert bchanh["Subject"] == f"Khảo sát SIPAS — phản ánh, kiến nghị ngày {day}: 2 quá hạn, 1 giao cho Ông/Bà, 35 mới"
    text, html = _body(bchanh, "plain"), _body(bchanh, "html")
    assert "Kính gửi Cán bộ Bình Chánh" in text and "Quá hạn, chưa có kết quả xử lý: 2 phản ánh" in text
    for item_id in mailing["overdue"]:
        assert f"https://khaosat.example.vn/admin/phan-anh/{item_id}" in text
        assert f'<a href="https://khaosat.example.vn/admin/phan-anh/{item_id}">Phản ánh số {item_id}</a>' in html
    assert "Không hài lòng" in text  # why each item exists, in the level's words
    assert "Cảnh báo" not in html  # Châu Ổ is not theirs
    assert "… và 15 phản ánh khác" in text  # 35 new, 20 listed

    chauo = mails["chauo@binhson.example.vn"]
    assert chauo["Subject"] == f"Khảo sát SIPAS — phản ánh, kiến nghị ngày {day} — cảnh báo mức hài lòng thấp"
    chauo_text = _body(chauo, "plain")
    # all twelve ballots "rất không hài lòng": nobody satisfied, 0 %
    assert "UBND thị trấn Châu Ổ: chỉ số hài lòng 0,00 % trên 12 phiếu (ngưỡng cảnh báo 70,00 %)" in chauo_text
    assert "/admin/phan-anh/" not in chauo_text.replace("/admin/phan-anh?", "")  # no item of Bình Chánh

    office = _body(mails["vanphong@binhson.example.vn"], "plain")
    assert "UBND thị trấn Châu Ổ: chỉ số hài lòng 0,00 %" in office and "Đang giao cho Ông/Bà" not in office


def test_the_command_sends_and_says_so(app, world, smtp, mailing, runner):
    result = runner.invoke(args=["notify", "daily"])
    assert result.exit_code == 0, result.output
    assert "Đã gửi 3 thư; 0 cán bộ không có gì mới; 1 đơn vị có mức hài lòng thấp hôm qua." in result.output
    assert len(smtp.messages) == 3


def test_no_server_configured_is_said_plainly(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    result = runner.invoke(args=["notify", "daily"])
    assert result.exit_code != 0 and "Chưa cấu hình máy chủ thư (SMTP_HOST)" in result.output


def test_a_bad_address_is_refused(app, world):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "vanphong"))
        with pytest.raises(Exception, match="Địa chỉ thư điện tử chưa đúng"):
            notify.set_email(user, "khong-phai-dia-chi")
