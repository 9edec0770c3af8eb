"""Names shown to officials are in Vietnamese alphabetical order on every database: the unit picker of an
office page and the unit lists of the admin's pages. The database would put Đ (U+0110) after Z, and Â, Ư,
tones after every plain letter; SQLite and PostgreSQL would not even agree.

The expected orders are written by hand from the alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
v x y and the tones none, huyền, hỏi, ngã, sắc, nặng, syllable by syllable."""

import re
import unicodedata

import pytest

from survey.extensions import db as _db
from survey.services import units as unit_service
from survey.services.users import create_user
from tests.figures.test_boundaries import PASSWORD, _login

#: the communes of the province, in the order expected (the fixture adds them shuffled)
COMMUNES = [
    ("dac_khu", "Đặc khu Lý Sơn"),
    ("phuong", "Phường Cẩm Thành"),
    ("xa", "Xã An Lão"),
    ("xa", "Xã Ân Hảo"),  # â after a
    ("xa", "Xã Ba Tơ"),
    ("xa", "Xã Bà Rịa"),  # Ba before Bà, whatever follows
    ("xa", "Xã Bình Minh"),
    ("xa", "Xã Bi\u0300nh So\u031bn"),  # "Xã Bình Sơn" as decomposed (NFD) input: between Minh and Đông
    ("xa", "Xã Đông Sơn"),  # đ after d, before e: not after Vạn Tường
    ("xa", "Xã Tuy Phước"),
    ("xa", "Xã Tư Nghĩa"),  # ư after u
    ("xa", "Xã Uy Nỗ"),
    ("xa", "Xã Ứng Hòa"),
    ("xa", "Xã Vạn Tường"),
]


@pytest.fixture
def provinces(app, db):
    with app.app_context():
        add = unit_service.add_unit
        quang_ngai = add("51", "Tỉnh Quảng Ngãi", unit_type="tinh")
        add("66", "Tỉnh Đắk Lắk", unit_type="tinh")  # Đ before Q: the database would list it last
        order = [*COMMUNES[1::2], *COMMUNES[::2]]  # not in order, nor in reverse
        for i, (kind, name) in enumerate(order):
            add(f"{21000 + i}", name, unit_type=kind, parent=quang_ngai)
        create_user("quantri", PASSWORD, "admin", "Quản trị")
        _db.session.commit()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _option_names(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    names = re.findall(r'<option value="[^"]*"[^>]*>([^<]*)</option>', select)
    return [_nfc(n.strip().strip("\u2003")) for n in names]


EXPECTED_COMMUNES = [_nfc(name) for _, name in COMMUNES]


@pytest.mark.usefixtures("provinces")
def test_the_unit_picker_of_the_dashboard_is_in_vietnamese_order(client):
    _login(client, "quantri")
    page = client.get("/admin/?month=2026-03")
    assert page.status_code == 200
    names = _option_names(page.get_data(as_text=True), "unit")
    # the tree: Đắk Lắk (no units under it) before Quảng Ngãi, whose two scopes come before its communes
    assert names == ["Tất cả đơn vị", "Tỉnh Đắk Lắk", "Toàn tỉnh Quảng Ngãi", "Bộ phận Một cửa của Tỉnh Quảng Ngãi",
                     *EXPECTED_COMMUNES]  # fmt: skip


@pytest.mark.usefixtures("provinces")
def test_the_unit_lists_of_the_admin_pages_are_in_vietnamese_order(client):
    _login(client, "quantri")
    every_unit = [*EXPECTED_COMMUNES[:2], "Tỉnh Đắk Lắk", "Tỉnh Quảng Ngãi", *EXPECTED_COMMUNES[2:]]
    for url, select in [("/admin/don-vi-quan-ly", "parent"), ("/admin/nguoi-dung", "unit"),
                        ("/admin/quay", "unit"), ("/admin/cong-chuc", "unit")]:  # fmt: skip
        names = _option_names(client.get(url).get_data(as_text=True), select)
        assert [n for n in names if n not in ("— Không —", "—")] == every_unit, url
