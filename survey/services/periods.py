"""Calendar periods in Vietnam time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from survey.config import TIMEZONE

VN = ZoneInfo(TIMEZONE)


def period_month(instant: datetime) -> int:
    """The month of an aware instant in Vietnam time, as YYYYMM."""
    local = instant.astimezone(VN)
    return local.year * 100 + local.month


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """First instant of the month and of the next one, in Vietnam time."""
    start = datetime(year, month, 1, tzinfo=VN)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=VN)
    return start, end
