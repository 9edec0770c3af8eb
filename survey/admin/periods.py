"""Reporting periods: month, quarter, year or a range of months, as YYYYMM bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from survey.services.periods import VN

KINDS = ("month", "quarter", "year", "range")


def add_months(month: int, delta: int) -> int:
    index = (month // 100) * 12 + (month % 100 - 1) + delta
    return (index // 12) * 100 + index % 12 + 1


def months_between(start: int, end: int) -> int:
    return ((end // 100) * 12 + end % 100) - ((start // 100) * 12 + start % 100) + 1


#: years a period may name; outside them dates cannot be built (year 0) or mean nothing (9999)
YEARS = range(2000, 2101)


def parse_month(text: str | None) -> int | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) not in YEARS:
        return None
    return int(match.group(1)) * 100 + int(match.group(2))


def last_full_month(now: datetime | None = None) -> int:
    local = (now or datetime.now(VN)).astimezone(VN)
    return add_months(local.year * 100 + local.month, -1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: int
    end: int

    @property
    def label(self) -> str:
        y, m = divmod(self.start, 100)
        if self.kind == "month":
            return f"Tháng {m:02d}/{y}"
        if self.kind == "quarter":
            return f"Quý {(m - 1) // 3 + 1}/{y}"
        if self.kind == "year":
            return f"Năm {y}"
        y2, m2 = divmod(self.end, 100)
        return f"Từ tháng {m:02d}/{y} đến tháng {m2:02d}/{y2}"

    def previous(self) -> Period:
        length = months_between(self.start, self.end)
        return Period(self.kind, add_months(self.start, -length), add_months(self.end, -length))

    def year_before(self) -> Period:
        return Period(self.kind, add_months(self.start, -12), add_months(self.end, -12))


def parse_period(args, now: datetime | None = None) -> tuple[Period, list[str]]:
    """The period the query string asks for, and Vietnamese messages for what was ignored."""
    errors: list[str] = []
    kind = args.get("period", "month")
    if kind not in KINDS:
        errors.append("Loại kỳ không hợp lệ; đang xem theo tháng.")
        kind = "month"
    default = last_full_month(now)
    if kind == "month":
        month = parse_month(args.get("month")) if args.get("month") else default
        if month is None:
            errors.append("Tháng không hợp lệ (YYYY-MM); đang xem tháng trước.")
            month = default
        return Period("month", month, month), errors
    if kind == "quarter":
        match = re.fullmatch(r"(\d{4})-Q([1-4])", args.get("quarter", ""))
        if match and int(match.group(1)) in YEARS:
            start = int(match.group(1)) * 100 + (int(match.group(2)) - 1) * 3 + 1
        else:
            if args.get("quarter"):
                errors.append("Quý không hợp lệ (YYYY-Qn); đang xem quý gần nhất.")
            y, m = divmod(default, 100)
            start = y * 100 + ((m - 1) // 3) * 3 + 1
        return Period("quarter", start, add_months(start, 2)), errors
    if kind == "year":
        text = args.get("year", "")
        valid = bool(re.fullmatch(r"\d{4}", text)) and int(text) in YEARS
        year = int(text) if valid else default // 100
        if text and not valid:
            errors.append("Năm không hợp lệ; đang xem năm hiện tại.")
        return Period("year", year * 100 + 1, year * 100 + 12), errors
    start, end = parse_month(args.get("from")), parse_month(args.get("to"))
    if start is None or end is None or start > end:
        errors.append("Khoảng thời gian không hợp lệ; đang xem 12 tháng gần nhất.")
        start, end = add_months(default, -11), default
    return Period("range", start, end), errors
