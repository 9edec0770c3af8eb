"""The head and the signature follow the issuing body's level, from its kind and its parent (no names hard-coded)."""

from __future__ import annotations

from datetime import date

import pytest

from survey.reports import layout, sections
from survey.reports.data import UnitInfo
from survey.reports.document import Header
from survey.reports.signing import Signing, lines, load_signing


def unit(name, kind, parent_name=None, parent_kind=None, code="U-1") -> UnitInfo:
    return UnitInfo(1, code, name, kind, 2 if parent_name else None, parent_name, parent_kind, False, None, None)


@pytest.mark.parametrize(
    ("info", "superior", "issuer", "symbol", "place"),
    [
        # a People's Committee at any level: named alone, in full, on two lines (Phụ lục I)
        (unit("UBND xã Bình Thạnh", "commune", "Tỉnh Quảng Ngãi", "province"), "",
         ("ỦY BAN NHÂN DÂN", "XÃ BÌNH THẠNH"), "/BC-UBND", "Bình Thạnh, ngày 05 tháng 02 năm 2026"),
        (unit("Tỉnh Quảng Ngãi", "province"), "", ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"), "/BC-UBND",
         "Quảng Ngãi, ngày 05 tháng 02 năm 2026"),
        (unit("Ủy ban nhân dân phường Trương Quang Trọng", "commune"), "",
         ("ỦY BAN NHÂN DÂN", "PHƯỜNG TRƯƠNG QUANG TRỌNG"), "/BC-UBND", "Trương Quang Trọng, ngày 05 tháng 02 năm 2026"),
        # a department: its directly superior body above it, "UBND" abbreviated as the decree allows
        (unit("Phòng Văn hóa - Xã hội", "department", "Xã Bình Sơn", "commune"), "UBND XÃ BÌNH SƠN",
         ("PHÒNG VĂN HÓA - XÃ HỘI",), "/BC-PVHXH", "Bình Sơn, ngày 05 tháng 02 năm 2026"),
        (unit("Trung tâm Phục vụ hành chính công tỉnh", "department", "UBND tỉnh Quảng Ngãi", "province"),
         "UBND TỈNH QUẢNG NGÃI", ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH",), "/BC-TTPVHCC",
         "Quảng Ngãi, ngày 05 tháng 02 năm 2026"),
    ],
)  # fmt: skip
def test_head_by_level(info, superior, issuer, symbol, place):
    head = sections.header(info, date(2026, 2, 5))
    assert (head.superior, head.issuer, head.place_date) == (superior, issuer, place)
    assert head.number.startswith("Số:") and head.number.endswith(symbol)


def test_usual_signature_and_recipients():
    commune = sections.signature(unit("UBND xã Bình Thạnh", "commune", "Tỉnh Quảng Ngãi", "province"))
    assert commune.titles == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") and commune.name == ""
    assert commune.recipients[0] == "- UBND tỉnh Quảng Ngãi (để báo cáo);" and commune.recipients[-1] == "- Lưu: VT."
    department = sections.signature(unit("Phòng Tư pháp", "department", "UBND xã Bình Sơn", "commune"))
    assert department.titles == ("TRƯỞNG PHÒNG",)
    assert department.recipients[0] == "- UBND xã Bình Sơn (để báo cáo);"
    named = sections.signature(unit("Phòng Tư pháp", "department"), Signing(("kt. trưởng phòng", "phó trưởng phòng"),
                               "Lê Thị Bình", ("Như trên",)))  # fmt: skip
    assert named == sections.Signature(("- Như trên.",), ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"), "Lê Thị Bình")


def test_lines_clean_what_an_office_types():
    assert lines("- Như trên;\r\n\r\n  • Lưu: VT.\n") == ("Như trên", "Lưu: VT")
    assert lines(["a;", "", " b "]) == ("a", "b") and lines(None) == ()


def test_config_fills_what_the_unit_page_leaves_empty(app, db, make_unit):
    own = make_unit(code="X-A", name="UBND xã A")
    other = make_unit(code="X-B", name="UBND xã B")
    with app.app_context():
        db.session.get(type(own), own.id).report_signer_name = "Người của đơn vị"
        db.session.commit()
        config = {"REPORTS_SIGNATURES": {"X-A": {"name": "Không dùng", "symbol": "BC-XA"},
                                         "X-B": {"titles": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]}}}  # fmt: skip
        found = load_signing([own.id, other.id], config)
    assert found[own.id] == Signing((), "Người của đơn vị", (), "BC-XA")
    assert found[other.id] == Signing(("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "", (), "")


def test_head_rules_are_what_the_decree_asks():
    head = layout.head_lines(Header("", ("ỦY BAN NHÂN DÂN", "THỊ TRẤN CHÂU Ổ"), "Số: /BC-UBND", ""))
    # Times New Roman bold 12 pt: "ỦY BAN NHÂN DÂN" is about 39.9 mm, so the rule lies between 13.3 and 19.9 mm
    assert 13.3 <= head.issuer_rule <= 19.9
    # the motto's rule is as long as the motto line: bold 13 pt, about 56 mm
    assert head.motto_rule == pytest.approx(56.1, abs=1.0)
