"""One-time receipt codes: printed on a sheet, each allows exactly one response."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter, Field, ReceiptCode
from survey.services import receipts
from tests.conftest import ON_CI, hidden_fields
from tests.trust.conftest import answers, stored


def issue(app, counter, n: int = 3, valid_days: int = 90, field_code: str | None = None) -> list[str]:
    with app.app_context():
        field = db.session.scalar(select(Field).where(Field.code == field_code)) if field_code else None
        codes = receipts.issue(db.session.get(Counter, counter.id), n, field=field, valid_days=valid_days)
        db.session.commit()
        return [c.code for c in codes]


def receipt_row(app, code: str) -> ReceiptCode:
    with app.app_context():
        row = db.session.scalar(select(ReceiptCode).where(ReceiptCode.code == code))
        db.session.expunge(row)
        return row


def open_receipt(client, code: str, query: str = "") -> dict[str, str]:
    page = client.get(f"/r/{code}{query}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return hidden_fields(page.get_data(as_text=True))


def test_issue_prints_a_sheet_of_codes_with_qr(app, runner, tmp_path, make_unit, make_counter):
    counter = make_counter(unit=make_unit(code="TT-CHAUO", name="UBND thị trấn Châu Ổ"), code="TT-CHAUO-Q1")
    out = tmp_path / "ma.pdf"
    result = runner.invoke(args=["receipts", "issue", "--counter", "TT-CHAUO-Q1", "--field", "DD", "--count", "30",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Đã tạo 30 mã cho quầy TT-CHAUO-Q1" in result.output
    with app.app_context():
        rows = list(db.session.scalars(select(ReceiptCode)))
        assert {(r.counter_id, r.field.code, r.used_at, r.response_id) for r in rows} == {
            (counter.id, "DD", None, None)
        }
        assert all(re.fullmatch("[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}", r.code) for r in rows)
        assert all(timedelta(days=89) < r.expires_at - r.created_at <= timedelta(days=90) for r in rows)
        codes = {r.code for r in rows}
    assert len(codes) == 30

    from pypdf import PdfReader

    reader = PdfReader(out)
    assert len(reader.pages) == 2  # 24 slips a page
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = " ".join(page.extract_text() for page in reader.pages)
    printed = {m.replace("-", "") for m in re.findall(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b", text)}
    assert printed == codes
    assert "khaosat.example.vn/r" in text and "Mã dùng một lần" in text

    if shutil.which("pdftoppm") is None:
        if ON_CI:
            pytest.fail("pdftoppm (poppler-utils) is missing")
        pytest.skip("pdftoppm is not installed")
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png")))
    found = {r.text for r in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)}
    assert len(found) == 24 and found <= {f"https://khaosat.example.vn/r/{c}" for c in codes}


def test_issue_refuses_unknown_counter_and_foreign_field(runner, make_counter, make_field):
    make_counter(code="XA-01-Q1", field_code="HT")
    make_field("XD", "Xây dựng")
    result = runner.invoke(args=["receipts", "issue", "--counter", "KHONG", "--count", "2", "--out", "/tmp/x.pdf"])
    assert result.exit_code != 0 and "Không có quầy đang hoạt động mã KHONG" in result.output
    result = runner.invoke(args=["receipts", "issue", "--counter", "XA-01-Q1", "--field", "XD", "--count", "2",
                                 "--out", "/tmp/x.pdf"])  # fmt: skip
    assert result.exit_code != 0 and "chỉ tiếp nhận lĩnh vực HT" in result.output


def test_a_code_allows_exactly_one_response(app, clock, phone, make_counter):
    counter = make_counter()
    code = issue(app, counter, 1)[0]
    citizen = phone()
    hidden = open_receipt(citizen, code)
    data = {**hidden, **answers(seed=1), "field_code": "DD"}
    first = citizen.post(f"/r/{code}", data=data)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/r/{code}/cam-on")
    assert "Cảm ơn Ông/Bà đã đánh giá" in citizen.get(first.headers["Location"]).get_data(as_text=True)
    assert citizen.post(f"/r/{code}", data=data).status_code == 303  # double tap: the same ballot, confirmed again
    rows = stored(app)
    assert len(rows) == 1 and rows[0]["channel"] == "qr" and rows[0]["counter_id"] == counter.id
    row = receipt_row(app, code)
    assert row.used_at is not None and row.response_id == rows[0]["id"]

    again = citizen.get(f"/r/{code}")
    assert again.status_code == 410 and "Mã đánh giá này đã được sử dụng" in again.get_data(as_text=True)
    other = phone("198.51.100.9")
    refused = other.post(f"/r/{code}", data={**data, "key": "x" * 24})
    assert refused.status_code == 410 and "đã được sử dụng" in refused.get_data(as_text=True)
    assert len(stored(app)) == 1


def test_typed_code_is_normalised_and_counted_as_web(app, clock, phone, make_counter):
    counter = make_counter(field_code="HT")
    code = issue(app, counter, 1)[0]
    citizen = phone()
    entry = citizen.get("/r")
    assert entry.status_code == 200 and "Mã đánh giá (8 ký tự" in entry.get_data(as_text=True)
    typed = f" {code[:4].lower()} - {code[4:].lower()} "
    jump = citizen.get("/r", query_string={"ma": typed})
    assert jump.status_code == 303 and jump.headers["Location"].endswith(f"/r/{code}?kenh=web")
    page = citizen.get(jump.headers["Location"]).get_data(as_text=True)
    assert f'action="/r/{code}?kenh=web"' in page and "Lĩnh vực: <strong>Hộ tịch</strong>" in page
    hidden = hidden_fields(page)
    assert citizen.post(f"/r/{code}?kenh=web", data={**hidden, **answers(seed=2)}).status_code == 303
    assert stored(app)[0]["channel"] == "web"
    bad = citizen.get("/r", query_string={"ma": "0OIL-1234"})
    assert bad.status_code == 422 and "không đúng dạng" in bad.get_data(as_text=True)


def test_unknown_and_expired_codes_get_clear_pages(app, clock, phone, make_counter):
    counter = make_counter()
    code = issue(app, counter, 1, valid_days=30)[0]
    citizen = phone()
    unknown = citizen.get("/r/ABCDEFGH")
    assert unknown.status_code == 404 and "Không tìm thấy mã đánh giá này" in unknown.get_data(as_text=True)
    assert citizen.get("/r/<script>").status_code == 404
    hidden = open_receipt(citizen, code)
    clock.advance(days=31)
    expired = citizen.get(f"/r/{code}")
    assert expired.status_code == 410 and "Mã đánh giá này đã hết hạn" in expired.get_data(as_text=True)
    late = citizen.post(f"/r/{code}", data={**hidden, **answers(seed=3), "field_code": "HT"})
    assert late.status_code == 410
    assert stored(app) == []


def test_receipts_are_the_honest_channel(app, clock, phone, make_counter):
    """No rate or hours flags (answered at home, slips answered in bunches); a phone using many codes is flagged."""
    counter = make_counter()
    codes = issue(app, counter, 12)
    clock.advance(hours=12)  # 21:00 in Vietnam
    for i, code in enumerate(codes[:8]):  # eight families in one minute
        citizen = phone()
        hidden = open_receipt(citizen, code)
        assert citizen.post(f"/r/{code}", data={**hidden, **answers(seed=i), "field_code": "HT"}).status_code == 303
    assert [r["flags"] for r in stored(app)] == [None] * 8
    officer = phone()
    for i, code in enumerate(codes[8:]):
        hidden = open_receipt(officer, code)
        assert (
            officer.post(f"/r/{code}", data={**hidden, **answers(seed=20 + i), "field_code": "HT"}).status_code == 303
        )
    assert [r["flags"] for r in stored(app)[8:]] == [None, None, None, "device"]


def test_two_concurrent_submits_cannot_both_use_a_code(app, clock, phone, make_counter, monkeypatch):
    counter = make_counter()
    code = issue(app, counter, 1)[0]
    clients = [phone(), phone()]
    forms = [open_receipt(c, code) for c in clients]
    # Both requests pass the "is it still open?" check before either commits.
    original = receipts.submit_response
    both_inside = threading.Barrier(2, timeout=5)

    def slow_submit(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):  # never hang the suite
            both_inside.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(receipts, "submit_response", slow_submit)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def post(client, hidden, seed):
        start.wait()
        statuses.append(
            client.post(f"/r/{code}", data={**hidden, **answers(seed=seed), "field_code": "HT"}).status_code
        )

    threads = [
        threading.Thread(target=post, args=(c, f, i)) for i, (c, f) in enumerate(zip(clients, forms, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(statuses) == [303, 410]
    rows = stored(app)
    assert len(rows) == 1 and receipt_row(app, code).response_id == rows[0]["id"]
