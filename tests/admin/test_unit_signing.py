"""The unit page sets how its reports are signed; the next report prints exactly that."""

from __future__ import annotations

import re
import unicodedata

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Unit
from tests.admin.conftest import browser_login, csrf_from
from tests.conftest import axe_violations

SIGNER = {
    "report_signer_titles": "tm. ủy ban nhân dân\r\nKT. CHỦ TỊCH\r\n  PHÓ CHỦ TỊCH  ",
    "report_signer_name": "Nguyễn Văn An",
    "report_recipients": "- UBND huyện Bình Sơn (để báo cáo);\r\n\r\nVăn phòng HĐND và UBND huyện\r\nLưu: VT, VP.",
    "report_symbol": "BC-UBND.VP",
}


def text_of(path) -> str:
    document = Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return unicodedata.normalize("NFC", "\n".join(parts))


def test_signer_recipients_and_symbol_set_on_the_unit_page_are_printed(app, client, world, login, tmp_path):
    login("quantri")
    unit_id = world["a"].id
    path = f"/admin/don-vi-quan-ly/{unit_id}"
    form = client.get(path).get_data(as_text=True)
    assert "Họ và tên người ký" in form and "Nơi nhận báo cáo" in form and '"None"' not in form
    token = csrf_from(client, path)
    base = {"csrf_token": token, "name": "UBND thị trấn Châu Ổ", "fields": ["HT"]}

    bad = client.post(path, data={**base, **SIGNER, "report_symbol": "bc/ubnd"}, follow_redirects=True)
    assert "Ký hiệu chỉ gồm chữ in hoa" in bad.get_data(as_text=True)
    with app.app_context():
        assert _db.session.get(Unit, unit_id).report_signer_name is None  # nothing changed

    page = client.post(path, data={**base, **SIGNER}, follow_redirects=True)
    assert "Đã lưu đơn vị" in page.get_data(as_text=True)
    with app.app_context():
        unit = _db.session.get(Unit, unit_id)
        # one clean entry a line: no dashes, no final ";" or ".", no blank lines
        assert unit.report_signer_titles == "tm. ủy ban nhân dân\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
        assert unit.report_recipients == "UBND huyện Bình Sơn (để báo cáo)\nVăn phòng HĐND và UBND huyện\nLưu: VT, VP"
        assert (unit.report_signer_name, unit.report_symbol) == ("Nguyễn Văn An", "BC-UBND.VP")

    result = app.test_cli_runner().invoke(
        args=["reports", "monthly", "--month", "2026-10", "--unit", "X-CHAUO", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    docx = text_of(tmp_path / "2026-10" / "X-CHAUO.docx")
    assert "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n" in docx  # the title lines in capitals
    assert "\nNguyễn Văn An" in docx
    assert "- UBND huyện Bình Sơn (để báo cáo);\n- Văn phòng HĐND và UBND huyện;\n- Lưu: VT, VP." in docx
    assert re.search(r"Số:\s+/BC-UBND\.VP", docx)
    assert "Chủ tịch, các Phó Chủ tịch UBND" not in docx  # the usual list gives way to the unit's own
    pdf = unicodedata.normalize(
        "NFC", " ".join(p.extract_text() for p in PdfReader(tmp_path / "2026-10" / "X-CHAUO.pdf").pages)
    )
    for wanted in ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An", "- Lưu: VT, VP.", "/BC-UBND.VP"):
        assert wanted in pdf, wanted


def test_a_unit_officer_cannot_set_the_signer(app, client, world, login):
    login("canbo.chauo")
    response = client.post(f"/admin/don-vi-quan-ly/{world['a'].id}", data={"report_signer_name": "Ai đó"})
    assert response.status_code in (400, 403)
    with app.app_context():
        assert _db.session.scalar(select(Unit.report_signer_name).where(Unit.code == "X-CHAUO")) is None


@pytest.mark.browser
def test_the_signer_fields_in_a_phone_sized_browser(app, browser, live_server, world, axe_source):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    browser_login(page, live_server, "quantri")
    page.goto(f"{live_server}/admin/don-vi-quan-ly/{world['a'].id}")
    assert axe_violations(page, axe_source) == []
    name = page.get_by_label("Họ và tên người ký")
    assert name.bounding_box()["height"] >= 44 and name.bounding_box()["width"] <= 360
    page.get_by_label("Chức vụ người ký báo cáo", exact=False).fill("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    name.fill("Trần Thị Mai")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{live_server}/admin/don-vi-quan-ly")
    context.close()
    with app.app_context():
        unit = _db.session.get(Unit, world["a"].id)
        assert (unit.report_signer_titles, unit.report_signer_name) == ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Trần Thị Mai")
