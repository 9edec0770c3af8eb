"""A citizen's phone: scan the printed poster, answer, submit, see the thank-you page."""

from __future__ import annotations

import csv

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from analysis.profile import load_profile
from survey.extensions import db
from survey.models import Response
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


def choose(page, name: str, label: str) -> None:
    """Tap the choice ``label`` of question ``name``, as a finger does (on the box around the radio)."""
    page.locator(f"#cau-{name} label", has=page.get_by_label(label, exact=True)).click()


@pytest.fixture
def poster_url(app, runner, live_server, tmp_path, make_unit, make_counter):
    """Print the poster of a counter whose public base URL is the live server, and scan it."""
    unit = make_unit(code="TT-CHAUO", name="UBND thị trấn Châu Ổ")
    make_counter(unit=unit, code="TT-CHAUO-Q1")
    old = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = live_server
    try:
        result = runner.invoke(args=["qr", "posters", "--out", str(tmp_path)])
    finally:
        app.config["PUBLIC_BASE_URL"] = old
    assert result.exit_code == 0, result.output
    decoded = zxingcpp.read_barcodes(Image.open(tmp_path / "TT-CHAUO-Q1.png"))
    assert len(decoded) == 1
    return decoded[0].text


def test_scan_answer_submit_and_export(app, runner, phone, poster_url, tmp_path):
    page = phone
    page.goto(poster_url)
    header = page.locator("header.site").inner_text().split()
    assert " ".join(header).startswith("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG THỊ TRẤN CHÂU Ổ")
    # the form fits a phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    choose(page, "field_code", "Đất đai")
    profile = load_profile()
    for i, code in enumerate(profile.item_codes):
        label = "Không đánh giá" if code == "E3" else ("5 Rất hài lòng" if i % 2 else "4 Hài lòng")
        choose(page, f"q_{code}", label)
    choose(page, "q_S0", "4 Hài lòng")  # the overall question is on the page, not folded away
    page.get_by_label("Ý kiến góp ý khác (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình, chu đáo.")
    page.get_by_role("button", name="Gửi đánh giá").click()

    page.wait_for_url("**/cam-on")
    assert "Cảm ơn Ông/Bà đã đánh giá!" in page.locator("h1").inner_text()

    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert stored.field.code == "DD" and stored.channel == "qr"
        assert stored.answer("A1") == 4 and stored.answer("A2") == 5 and stored.answer("E3") == 0
        assert stored.answer("S0") == 4 and stored.comment == "Cán bộ hướng dẫn tận tình, chu đáo."
        key = stored.response_key

    out = tmp_path / "export.csv"
    result = runner.invoke(args=["responses", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["response_id"], r["unit_code"], r["field_code"], r["A1"], r["E3"]) for r in rows] == [
        (key, "TT-CHAUO", "DD", "4", "0")
    ]


def test_going_back_and_resubmitting_stores_one_response(app, phone, poster_url):
    page = phone
    page.goto(poster_url)
    choose(page, "field_code", "Hộ tịch")
    for code in load_profile().item_codes:
        choose(page, f"q_{code}", "4 Hài lòng")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url("**/cam-on")
    page.go_back()
    if "/cam-on" not in page.url:
        # the browser restored the filled form: send it again, as an impatient citizen would
        page.get_by_role("button", name="Gửi đánh giá").click()
        page.wait_for_url("**/cam-on")
    with app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1


def test_missing_answers_are_pointed_out_and_kept(app, phone, poster_url):
    page = phone
    page.goto(poster_url)
    choose(page, "field_code", "Hộ tịch")
    choose(page, "q_A1", "5 Rất hài lòng")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Còn 15 câu cần trả lời" in page.locator("#tom-tat-loi").inner_text()
    assert page.locator("#cau-q_A1").get_by_label("5 Rất hài lòng", exact=True).is_checked()
    assert page.get_by_label("Hộ tịch").is_checked()
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []


def test_form_is_accessible_and_keyboard_usable(phone, poster_url, axe_source):
    page = phone
    page.goto(poster_url)
    assert axe_violations(page, axe_source) == []
    # tap targets: every choice is at least 44 px high
    heights = page.eval_on_selector_all(
        ".rate label, .chips label", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
    # keyboard: Tab reaches the first choice, Space selects it
    page.keyboard.press("Tab")
    for _ in range(5):
        if page.evaluate("document.activeElement.type") == "radio":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    # with an error shown, still no serious violation
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert axe_violations(page, axe_source) == []
