"""The one calendar of the app: Vietnam time, months as ``YYYYMM`` integers, and :class:`Period`.

A month is the integer ``YYYYMM`` everywhere (``Response.period_month``, scopes, aggregates);
text forms exist only at the edges: ``"2026-03"`` / ``"2026-Q1"`` / ``"2026"`` in URLs, commands
and ``Report.period`` (:attr:`Period.key`, :meth:`Period.parse`), and the Vietnamese names people
read (:attr:`Period.label` ``Tháng 03/2026``, ``Quý I/2026``; :attr:`Period.phrase` inside a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from survey.config import TIMEZONE

VN = ZoneInfo(TIMEZONE)
KINDS = ("month", "quarter", "year", "range")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
#: years a period may name; outside them dates cannot be built (year 0) or mean nothing (9999)
YEARS = range(2000, 2101)


def vn_now() -> datetime:
    """The clock the report commands read; tests replace it to fix "now"."""
    return datetime.now(UTC)


def period_month(instant: datetime) -> int:
    """The month of an aware instant in Vietnam time, as YYYYMM."""
    local = instant.astimezone(VN)
    return local.year * 100 + local.month


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """First instant of the month and of the next one, in Vietnam time."""
    start = datetime(year, month, 1, tzinfo=VN)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=VN)
    return start, end


def add_months(month: int, delta: int) -> int:
    """``202611`` + 3 → ``202702``."""
    index = (month // 100) * 12 + (month % 100 - 1) + delta
    return (index // 12) * 100 + index % 12 + 1


def month_count(start: int, end: int) -> int:
    """How many months from ``start`` to ``end``, both included."""
    return ((end // 100) * 12 + end % 100) - ((start // 100) * 12 + start % 100) + 1


def parse_month(text: str | None) -> int | None:
    """``'2026-03'`` → ``202603``; anything else → None."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) not in YEARS:
        return None
    return int(match.group(1)) * 100 + int(match.group(2))


def month_key(month: int) -> str:
    """``202603`` → ``'2026-03'``."""
    return f"{month // 100:04d}-{month % 100:02d}"


def month_name(month: int) -> str:
    """``202603`` → ``'03/2026'`` (a month in a table or on a chart axis)."""
    return f"{month % 100:02d}/{month // 100:04d}"


@dataclass(frozen=True, order=True)
class Period:
    """A month, a quarter, a year or a range of months, as inclusive ``YYYYMM`` bounds (Vietnam time)."""

    start: int
    end: int
    kind: str = "month"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind: expected one of {KINDS}, got {self.kind!r}")
        if not (1 <= self.start % 100 <= 12 and 1 <= self.end % 100 <= 12) or self.start > self.end:
            raise ValueError(f"start, end: not a range of YYYYMM months: {self.start}, {self.end}")

    # ---- construction ----------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year * 100 + month, year * 100 + month, "month")

    @classmethod
    def of_month(cls, yyyymm: int) -> Period:
        return cls(yyyymm, yyyymm, "month")

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        first = year * 100 + 3 * (number - 1) + 1
        return cls(first, first + 2, "quarter")

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(year * 100 + 1, year * 100 + 12, "year")

    @classmethod
    def months_range(cls, start: int, end: int) -> Period:
        return cls(start, end, "range")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``'2026-03'`` → March 2026; ``'2026-Q1'`` → first quarter; ``'2026'`` → the year."""
        text = text.strip()
        if (month := parse_month(text)) is not None:
            return cls.of_month(month)
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
            return cls.quarter(int(m.group(1)), int(m.group(2)))
        if re.fullmatch(r"\d{4}", text):
            return cls.year_of(int(text))
        raise ValueError(f"period: expected YYYY-MM, YYYY-Qn or YYYY, got {text!r}")

    # ---- what it covers ------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.start // 100

    @property
    def number(self) -> int:
        """The month (1–12) of a month, the quarter (1–4) of a quarter."""
        m = self.start % 100
        return (m - 1) // 3 + 1 if self.kind == "quarter" else m

    @property
    def first_month(self) -> int:
        return self.start

    @property
    def last_month(self) -> int:
        return self.end

    @property
    def months(self) -> tuple[int, ...]:
        """Every month covered, as YYYYMM."""
        return tuple(add_months(self.start, i) for i in range(month_count(self.start, self.end)))

    def bounds(self) -> tuple[datetime, datetime]:
        """First instant of the period and of the next one, in Vietnam time."""
        return month_bounds(self.start // 100, self.start % 100)[0], month_bounds(self.end // 100, self.end % 100)[1]

    def first_day(self) -> date:
        return self.bounds()[0].date()

    def last_day(self) -> date:
        return date.fromordinal(self.bounds()[1].date().toordinal() - 1)

    # ---- names ---------------------------------------------------------------------------
    @property
    def key(self) -> str:
        """``2026-03``, ``2026-Q1``, ``2026`` or ``2026-01..2026-06``: what ``Report.period`` and folders hold."""
        if self.kind == "month":
            return month_key(self.start)
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        if self.kind == "year":
            return f"{self.year:04d}"
        return f"{month_key(self.start)}..{month_key(self.end)}"

    @property
    def label(self) -> str:
        """The name people read at the start of a line: ``Tháng 03/2026``, ``Quý I/2026``, ``Năm 2026``."""
        if self.kind == "month":
            return f"Tháng {month_name(self.start)}"
        if self.kind == "quarter":
            return f"Quý {ROMAN[self.number]}/{self.year}"
        if self.kind == "year":
            return f"Năm {self.year}"
        return f"Từ tháng {month_name(self.start)} đến tháng {month_name(self.end)}"

    @property
    def phrase(self) -> str:
        """The name inside a sentence: ``tháng 03/2026``, ``quý I/2026``."""
        return self.label[0].lower() + self.label[1:]

    # ---- moving --------------------------------------------------------------------------
    def shift(self, steps: int) -> Period:
        """The period of the same length ``steps`` lengths later (negative: earlier)."""
        delta = steps * month_count(self.start, self.end)
        return Period(add_months(self.start, delta), add_months(self.end, delta), self.kind)

    def previous(self) -> Period:
        return self.shift(-1)

    def year_ago(self) -> Period:
        return Period(add_months(self.start, -12), add_months(self.end, -12), self.kind)

    def trend_months(self, count: int = 12) -> Period:
        """The months of a trend: the ``count`` months that end with this period, or the whole period
        when it is longer (at most TREND_MAX_MONTHS, the last ones), so a range across a merger shows it."""
        length = min(max(count, month_count(self.start, self.end)), TREND_MAX_MONTHS)
        return Period(add_months(self.end, -(length - 1)), self.end, "range")


#: the longest trend drawn month by month (three years)
TREND_MAX_MONTHS = 36


def last_ended_month(now: datetime) -> Period:
    """The previous calendar month in Vietnam time: the default month of a report and a dashboard."""
    local = now.astimezone(VN)
    return Period.month(local.year, local.month).previous()


def quarter_of(month: Period) -> Period:
    return Period.quarter(month.year, (month.start % 100 - 1) // 3 + 1)


def last_ended_quarter(now: datetime) -> Period:
    """The latest quarter whose last month has ended."""
    month = last_ended_month(now)
    quarter = quarter_of(month)
    return quarter if quarter.end == month.start else quarter.previous()


def months_between(first: Period, last: Period) -> list[Period]:
    """Every month from ``first`` to ``last``, both included (empty if first is later)."""
    return [Period.of_month(m) for m in Period(first.start, max(first.start, last.end), "range").months
            if m <= last.end]  # fmt: skip


def parse_args(args, now: datetime | None = None) -> tuple[Period, list[str]]:
    """The period a query string asks for (``period=month&month=2026-03`` …) and Vietnamese messages
    for what was ignored. Defaults: the last ended month, quarter or year of that month."""
    errors: list[str] = []
    kind = args.get("period", "month")
    if kind not in KINDS:
        errors.append("Loại kỳ không hợp lệ; đang xem theo tháng.")
        kind = "month"
    default = last_ended_month(now or vn_now())
    if kind == "month":
        month = parse_month(args.get("month")) if args.get("month") else default.start
        if month is None:
            errors.append("Tháng không hợp lệ (năm-tháng, ví dụ 2026-03); đang xem tháng trước.")
            month = default.start
        return Period.of_month(month), errors
    if kind == "quarter":
        match = re.fullmatch(r"(\d{4})-[Qq]([1-4])", args.get("quarter", "").strip())
        if match and int(match.group(1)) in YEARS:
            return Period.quarter(int(match.group(1)), int(match.group(2))), errors
        if args.get("quarter"):
            errors.append("Quý không hợp lệ (ví dụ 2026-Q1); đang xem quý gần nhất.")
        return quarter_of(default), errors
    if kind == "year":
        text = args.get("year", "").strip()
        valid = bool(re.fullmatch(r"\d{4}", text)) and int(text) in YEARS
        if text and not valid:
            errors.append("Năm không hợp lệ; đang xem năm hiện tại.")
        return Period.year_of(int(text) if valid else default.year), errors
    start, end = parse_month(args.get("from")), parse_month(args.get("to"))
    if start is None or end is None or start > end:
        errors.append("Khoảng thời gian không hợp lệ; đang xem 12 tháng gần nhất.")
        return default.trend_months(12), errors
    return Period.months_range(start, end), errors
