"""Report periods (a month or a quarter) in Vietnam time, and the injectable clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from survey.services.periods import VN, month_bounds

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def vn_now() -> datetime:
    """The clock the commands read; tests replace it to fix "now"."""
    return datetime.now(UTC)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``number`` 1–12) or quarter (``number`` 1–4) in Vietnam time."""

    year: int
    number: int
    kind: str = "month"

    @classmethod
    def parse(cls, text: str) -> Period:
        """``'2026-03'`` → March 2026; ``'2026-Q1'`` → first quarter of 2026."""
        if (m := re.fullmatch(r"(\d{4})-(\d{2})", text.strip())) and 1 <= int(m.group(2)) <= 12:
            return cls(int(m.group(1)), int(m.group(2)), "month")
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text.strip()):
            return cls(int(m.group(1)), int(m.group(2)), "quarter")
        raise ValueError(f"period: expected YYYY-MM or YYYY-Qn, got {text!r}")

    @classmethod
    def of_month(cls, yyyymm: int) -> Period:
        return cls(yyyymm // 100, yyyymm % 100, "month")

    @property
    def key(self) -> str:
        """What ``Report.period`` and the folder name hold."""
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}-Q{self.number}"

    @property
    def months(self) -> tuple[int, ...]:
        """The months covered, as YYYYMM (the form of ``Response.period_month``)."""
        if self.kind == "month":
            return (self.year * 100 + self.number,)
        first = 3 * (self.number - 1) + 1
        return tuple(self.year * 100 + m for m in range(first, first + 3))

    @property
    def first_month(self) -> int:
        return self.months[0]

    @property
    def last_month(self) -> int:
        return self.months[-1]

    @property
    def label(self) -> str:
        """How the period is named in a document: ``tháng 03/2026``, ``quý I/2026``."""
        if self.kind == "month":
            return f"tháng {self.number:02d}/{self.year}"
        return f"quý {ROMAN[self.number]}/{self.year}"

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods later (negative: earlier)."""
        size = 12 if self.kind == "month" else 4
        index = self.year * size + self.number - 1 + steps
        return Period(index // size, index % size + 1, self.kind)

    def previous(self) -> Period:
        return self.shift(-1)

    def year_ago(self) -> Period:
        return self.shift(-12 if self.kind == "month" else -4)

    def bounds(self) -> tuple[datetime, datetime]:
        """First instant of the period and of the next one, in Vietnam time."""
        start, _ = month_bounds(self.first_month // 100, self.first_month % 100)
        _, end = month_bounds(self.last_month // 100, self.last_month % 100)
        return start, end

    def first_day(self) -> date:
        return self.bounds()[0].date()

    def last_day(self) -> date:
        end = self.bounds()[1]
        return date.fromordinal(end.date().toordinal() - 1)


def last_ended_month(now: datetime) -> Period:
    """The previous calendar month in Vietnam time: the default month of a report."""
    local = now.astimezone(VN)
    return Period(local.year, local.month).previous()


def quarter_of(month: Period) -> Period:
    return Period(month.year, (month.number - 1) // 3 + 1, "quarter")


def last_ended_quarter(now: datetime) -> Period:
    """The latest quarter whose last month has ended."""
    month = last_ended_month(now)
    quarter = quarter_of(month)
    return quarter if quarter.last_month == month.first_month else quarter.previous()


def months_between(first: Period, last: Period) -> list[Period]:
    """Every month from ``first`` to ``last``, both included (empty if first is later)."""
    out, current = [], first
    while current <= last:
        out.append(current)
        current = current.shift(1)
    return out
