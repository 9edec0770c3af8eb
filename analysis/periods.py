"""Reporting periods (month, quarter, year) in Vietnam time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

#: every period is cut in local time at the one-stop counters
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_COLUMNS: tuple[str, ...] = ("month", "quarter", "year")


def add_periods(df: pd.DataFrame, column: str = "submitted_at", tz: ZoneInfo = VIETNAM) -> pd.DataFrame:
    """Return a copy of ``df`` with ``month``, ``quarter`` and ``year`` string columns.

    The timestamp is first converted to ``tz`` (default Asia/Ho_Chi_Minh, UTC+7),
    whatever offset it was recorded with, so a response sent at
    ``2026-03-31T18:30:00+00:00`` (01:30 on 1 April in Vietnam) belongs to April.

    Parameters
    ----------
    df : pandas.DataFrame
        Responses, e.g. from :func:`analysis.io.read_responses`.
    column : str
        Timezone-aware timestamp column (or ISO 8601 strings with an offset).
    tz : zoneinfo.ZoneInfo
        Time zone in which periods are cut.

    Returns
    -------
    pandas.DataFrame
        ``df`` plus ``month`` (``'2026-03'``), ``quarter`` (``'2026-Q1'``) and
        ``year`` (``'2026'``).

    Raises
    ------
    ValueError
        If ``column`` is missing or holds times without an offset.

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": ["2026-03-31T18:30:00+00:00", "2026-03-31T08:00:00+07:00"]})
    >>> add_periods(df)[["month", "quarter", "year"]].to_dict("list")
    {'month': ['2026-04', '2026-03'], 'quarter': ['2026-Q2', '2026-Q1'], 'year': ['2026', '2026']}
    """
    if column not in df.columns:
        raise ValueError(f"column: {column!r} is not a column of df")
    stamps = df[column]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        try:
            stamps = pd.to_datetime(stamps, utc=True, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"column: {column!r} holds values that are not ISO 8601 times") from exc
        naive = df[column].astype("str").str.contains(r"(?:[+-]\d{2}:?\d{2}|Z)$", regex=True)
        if not naive.all():
            raise ValueError(f"column: {column!r} holds times without a UTC offset")
    local = stamps.dt.tz_convert(tz)
    out = df.copy()
    year = local.dt.year.astype("str")
    out["month"] = year + "-" + local.dt.month.map("{:02d}".format).astype("str")
    out["quarter"] = year + "-Q" + local.dt.quarter.astype("str")
    out["year"] = year
    return out
