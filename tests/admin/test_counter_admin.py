"""A counter's page: confirmations before anything printed stops working, and receipt codes printed from it."""

from __future__ import annotations

import io
import re

import pdfplumber
from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter, ReceiptCode
from tests.admin.conftest import csrf_from
from tests.conftest import hidden_fields
from tests.trust.conftest import answers, clock, fresh_limits, phone  # noqa: F401  (fixtures)

STOPS = "Các áp phích/mã QR đã in của quầy này sẽ không dùng được nữa"


def _counter(app, counter_id: int) -> Counter:
    with app.app_context():
        counter = db.session.get(Counter, counter_id)
        db.session.expunge(counter)
        return counter


def test_revoking_or_renewing_a_qr_asks_first_and_get_never_changes_anything(app, client, world, login):
    login("quantri")
    counter_id = world["counter_a"]
    before = _counter(app, counter_id)
    page = client.get(f"/admin/quay/{counter_id}").text
    assert f'href="/admin/quay/{counter_id}/thu-hoi"' in page and f'href="/admin/quay/{counter_id}/tao-lai"' in page
    for path in ("thu-hoi", "tao-lai"):
        confirm = client.get(f"/admin/quay/{counter_id}/{path}")
        assert confirm.status_code == 200 and STOPS in confirm.text and "Huỷ, quay lại" in confirm.text
    after = _counter(app, counter_id)
    assert (after.token, after.is_active) == (before.token, True)
    assert client.get(f"/s/{before.token}").status_code == 200

    token = csrf_from(client, f"/admin/quay/{counter_id}")
    done = client.post(f"/admin/quay/{counter_id}/thu-hoi", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã thu hồi mã QR của quầy X-CHAUO-Q1" in done.text
    assert client.get(f"/s/{before.token}").status_code == 404
    client.post(f"/admin/quay/{counter_id}/tao-lai", data={"csrf_token": token})
    renewed = _counter(app, counter_id)
    assert renewed.is_active and renewed.token != before.token


def test_kiosk_link_change_and_revocation_ask_first(app, client, world, login):
    login("quantri")
    counter_id = world["counter_a"]
    token = csrf_from(client, f"/admin/quay/{counter_id}")
    client.post(f"/admin/quay/{counter_id}/may-tinh-bang", data={"csrf_token": token})  # a first link: nothing stops
    kiosk = _counter(app, counter_id).kiosk_token
    assert kiosk and f"/k/{kiosk}" in client.get(f"/admin/quay/{counter_id}").text
    for path in ("may-tinh-bang", "may-tinh-bang/thu-hoi"):
        confirm = client.get(f"/admin/quay/{counter_id}/{path}")
        assert confirm.status_code == 200 and "Máy tính bảng" in confirm.text
    assert _counter(app, counter_id).kiosk_token == kiosk
    client.post(f"/admin/quay/{counter_id}/may-tinh-bang/thu-hoi", data={"csrf_token": token})
    assert _counter(app, counter_id).kiosk_token is None and client.get(f"/k/{kiosk}").status_code == 404


def test_receipt_codes_issued_from_the_counter_page_work_once(app, client, world, login, clock, phone):  # noqa: F811
    login("quantri")
    counter_id = world["counter_a"]
    page = client.get(f"/admin/quay/{counter_id}").text
    assert "In mã đánh giá" in page
    token = csrf_from(client, f"/admin/quay/{counter_id}")
    too_many = client.post(f"/admin/quay/{counter_id}/ma-danh-gia",
                           data={"csrf_token": token, "count": "100000", "field": "HT", "valid_days": "90"},
                           follow_redirects=True)  # fmt: skip
    assert "Số mã phải từ 1 đến 480" in too_many.text
    with app.app_context():
        assert db.session.scalar(select(ReceiptCode.id)) is None

    sheet = client.post(f"/admin/quay/{counter_id}/ma-danh-gia",
                        data={"csrf_token": token, "count": "5", "field": "HT", "valid_days": "30"})  # fmt: skip
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    assert re.match(r'attachment; filename="ma-danh-gia-X-CHAUO-Q1-\d\d-\d\d-\d{4}-\d{4}\.pdf"',
                    sheet.headers["Content-Disposition"])  # fmt: skip
    with pdfplumber.open(io.BytesIO(sheet.data)) as pdf:
        text = " ".join(p.extract_text() for p in pdf.pages)
    printed = {m.replace("-", "") for m in re.findall(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b", text)}
    assert len(printed) == 5
    with app.app_context():
        stored = {r.code: r for r in db.session.scalars(select(ReceiptCode))}
        assert set(stored) == printed
        assert {(r.counter_id, r.field.code) for r in stored.values()} == {(counter_id, "HT")}

    citizen = phone()
    for i, code in enumerate(sorted(printed)):
        form = citizen.get(f"/r/{code}")
        assert form.status_code == 200
        sent = citizen.post(f"/r/{code}", data={**hidden_fields(form.text), **answers(seed=i)})
        assert sent.status_code == 303
        assert citizen.get(f"/r/{code}").status_code == 410  # used: once only
    with app.app_context():
        assert all(r.used_at is not None for r in db.session.scalars(select(ReceiptCode)))
    log = client.get("/admin/nhat-ky").text
    assert "Phát hành 5 mã đánh giá cho quầy X-CHAUO-Q1, lĩnh vực Hộ tịch, hiệu lực 30 ngày" in log


def test_a_unit_officer_gets_403_or_404_on_all_of_it(app, client, world, login):
    login("canbo.chauo")
    own, other = world["counter_a"], world["counter_b"]
    token = csrf_from(client, "/admin/quay")
    assert client.get(f"/admin/quay/{other}").status_code == 404  # another unit's counter does not exist for them
    page = client.get(f"/admin/quay/{own}").text
    assert "In mã đánh giá" not in page and "Thu hồi mã QR" not in page
    for path in ("thu-hoi", "tao-lai", "may-tinh-bang", "may-tinh-bang/thu-hoi"):
        assert client.get(f"/admin/quay/{own}/{path}").status_code == 403
        assert client.post(f"/admin/quay/{own}/{path}", data={"csrf_token": token}).status_code == 403
    refused = client.post(f"/admin/quay/{own}/ma-danh-gia", data={"csrf_token": token, "count": "3"})
    assert refused.status_code == 403 and "Không có quyền truy cập" in refused.text
    officer = world["officer_a"]
    for path in ("/admin/nhat-ky", "/admin/nguoi-dung", f"/admin/nguoi-dung/{officer}",
                 f"/admin/nguoi-dung/{officer}/dat-lai-mat-khau", f"/admin/nguoi-dung/{officer}/ngung"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 403 and '<html lang="vi">' in answer.text and "Không có quyền" in answer.text
    for path in ("mo-khoa", "kich-hoat", "dat-lai-mat-khau", "ngung"):
        assert client.post(f"/admin/nguoi-dung/{officer}/{path}", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(ReceiptCode.id)) is None


def test_405_is_a_vietnamese_page(client, world, login):
    login("quantri")
    answer = client.get(f"/admin/nguoi-dung/{world['officer_a']}/mo-khoa")
    assert answer.status_code == 405 and "Yêu cầu không hợp lệ" in answer.text and answer.headers["Allow"]
    assert "Method Not Allowed" not in answer.text
