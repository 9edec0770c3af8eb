"""Report periods in Vietnam time and the Vietnamese number, date and text conventions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from survey.figures import fmt as figures_fmt
from survey.figures.periods import Period, last_ended_month, last_ended_quarter, months_between
from survey.reports import fmt


@pytest.mark.parametrize(
    ("now", "month"),
    [
        (datetime(2026, 3, 31, 17, 0, tzinfo=UTC), "2026-03"),  # 00:00 on 1 April in Vietnam
        (datetime(2026, 3, 31, 16, 59, tzinfo=UTC), "2026-02"),  # 23:59 on 31 March in Vietnam
        (datetime(2026, 1, 15, tzinfo=UTC), "2025-12"),
    ],
)
def test_default_month_is_the_previous_calendar_month_in_vietnam(now, month):
    assert last_ended_month(now).key == month


def test_last_ended_quarter():
    assert last_ended_quarter(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)).key == "2026-Q1"
    assert last_ended_quarter(datetime(2026, 3, 31, 16, 0, tzinfo=UTC)).key == "2025-Q4"


def test_periods():
    march = Period.parse("2026-03")
    assert (march.label, march.phrase, march.previous().key, march.year_ago().key) == (
        "Tháng 03/2026", "tháng 03/2026", "2026-02", "2025-03")  # fmt: skip
    q1 = Period.parse("2026-q1")
    assert (q1.key, q1.phrase, q1.months, q1.previous().key) == ("2026-Q1", "quý I/2026", (202601, 202602, 202603),
                                                                "2025-Q4")  # fmt: skip
    assert (q1.first_day(), q1.last_day()) == (date(2026, 1, 1), date(2026, 3, 31))
    assert [p.key for p in months_between(Period.month(2025, 11), Period.month(2026, 2))] == ["2025-11", "2025-12", "2026-01",
                                                                                 "2026-02"]  # fmt: skip
    for bad in ("2026-13", "2026-3", "2026-Q0", "26-01"):
        with pytest.raises(ValueError, match="period"):
            Period.parse(bad)


def test_trend_months_cover_a_long_range_up_to_three_years():
    # a month or a quarter: the 12 months ending with it; a longer range: all of it (07/2024-10/2026 is 28
    # months: 6 in 2024, 12 in 2025, 10 in 2026), at most the last 36
    assert Period.month(2026, 10).trend_months(12).label == "Từ tháng 11/2025 đến tháng 10/2026"
    assert Period.quarter(2026, 3).trend_months(12).label == "Từ tháng 10/2025 đến tháng 09/2026"
    assert len(list(Period(202407, 202610, "range").trend_months(12).months)) == 6 + 12 + 10
    assert Period(201901, 202610, "range").trend_months(12).label == "Từ tháng 11/2023 đến tháng 10/2026"


def test_numbers_and_dates():
    assert (fmt.pct(85.3249), fmt.pct(8.345), fmt.pct(float("nan")), fmt.pct(None)) == ("85,32 %", "8,35 %", "—", "—")
    assert (fmt.signed(1.254), fmt.signed(-0.5), fmt.integer(12345)) == ("+1,25", "-0,50", "12.345")
    # estimated counts (a split unit's shares): half-up to a whole ballot, never truncated nor rounded to even
    assert [fmt.integer(v) for v in (2.5, 3.5, 1.8, 1234.49, 0.5)] == ["3", "4", "2", "1.234", "1"]
    assert [figures_fmt.whole(v) for v in (2.5, 1.2, 7)] == [3, 1, 7]
    assert fmt.day(date(2026, 2, 5)) == "05/02/2026"
    assert fmt.place_date("Bình Sơn", date(2026, 2, 5)) == "Bình Sơn, ngày 05 tháng 02 năm 2026"
    assert fmt.place_date("Bình Sơn", date(2026, 11, 25)) == "Bình Sơn, ngày 25 tháng 11 năm 2026"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Cảm ơn chị Nguyễn Thị Lan đã hỗ trợ", "Cảm ơn chị [đã ẩn] đã hỗ trợ"),
        ("Gọi 0905 123 456 hoặc lan.nguyen@gmail.com", "Gọi [đã ẩn] hoặc [đã ẩn]"),
        ("CCCD 051234567890 bị trả lại", "CCCD [đã ẩn] bị trả lại"),
        ("Cảm ơn cán bộ Bộ phận Một cửa", "Cảm ơn cán bộ Bộ phận Một cửa"),
        ("Anh Tuấn rất nhiệt tình, bà con hài lòng", "Anh [đã ẩn] rất nhiệt tình, bà con hài lòng"),
        ("Hồ sơ trả chậm 3 ngày", "Hồ sơ trả chậm 3 ngày"),
    ],
)
def test_comments_lose_what_could_identify_someone(text, shown):
    assert fmt.redact(text) == shown


def test_a_quoted_comment_drops_control_and_invisible_characters_and_keeps_one_line():
    assert fmt.one_line("a\x00b\x1b\nc\u0301", 10) == "ab ć"
    assert fmt.one_line("x" * 20, 10) == "x" * 9 + "…"
    # a C1 control and a right-to-left override (what survey.services.text drops everywhere else too)
    assert fmt.one_line("Cán\x85 bộ \u202etốt", 40) == "Cán bộ tốt"
