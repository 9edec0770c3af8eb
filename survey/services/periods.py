"""Vietnam time for the write path: the one calendar is :mod:`survey.figures.periods` (re-exported here)."""

from survey.figures.periods import VN, month_bounds, period_month

__all__ = ["VN", "month_bounds", "period_month"]
