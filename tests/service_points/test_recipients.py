"""The monthly report's "Nơi nhận" names the Trung tâm Phục vụ hành chính công (Nghị định 118/2025), and the
Bộ phận Một cửa only for a period before 1/7/2025."""

from __future__ import annotations

from survey.figures.periods import Period
from survey.reports import sections
from survey.reports.data import UnitInfo

COMMUNE = UnitInfo(1, "21040", "UBND xã Bình Sơn", "commune", 2, "Tỉnh Quảng Ngãi", "province", False, None, None)


def test_recipients_name_the_centre_after_the_reform_and_the_one_stop_before():
    usual = sections.signature(COMMUNE).recipients
    assert usual == ("- UBND tỉnh Quảng Ngãi (để báo cáo);", "- Chủ tịch, các Phó Chủ tịch UBND;",
                     "- Trung tâm Phục vụ hành chính công;", "- Lưu: VT.")  # fmt: skip
    assert sections.signature(COMMUNE, period=Period.month(2026, 3)).recipients == usual
    assert sections.signature(COMMUNE, period=Period.month(2025, 7)).recipients == usual
    before = sections.signature(COMMUNE, period=Period.month(2025, 6)).recipients
    assert before[2] == "- Bộ phận Một cửa;"
