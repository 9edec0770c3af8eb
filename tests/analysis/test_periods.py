"""Periods are cut in Vietnam time, whatever offset the timestamp carries."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import add_periods


@pytest.mark.parametrize(
    ("stamp", "month", "quarter", "year"),
    [
        ("2026-03-31T18:30:00+00:00", "2026-04", "2026-Q2", "2026"),  # 01:30 on 1 April in Vietnam
        ("2026-03-31T16:59:59+00:00", "2026-03", "2026-Q1", "2026"),  # 23:59:59 on 31 March
        ("2026-03-31T23:30:00+07:00", "2026-03", "2026-Q1", "2026"),
        ("2026-12-31T17:00:00Z", "2027-01", "2027-Q1", "2027"),  # new year at midnight UTC+7
        ("2026-06-30T13:30:00-05:00", "2026-07", "2026-Q3", "2026"),  # 01:30 on 1 July
        ("2026-10-01T00:10:00+09:00", "2026-09", "2026-Q3", "2026"),  # still 30 September
    ],
)
def test_periods_in_vietnam_time(stamp: str, month: str, quarter: str, year: str) -> None:
    for column in (pd.Series([stamp], dtype="str"), pd.to_datetime(pd.Series([stamp]), utc=True)):
        out = add_periods(pd.DataFrame({"submitted_at": column}))
        assert out.loc[0, ["month", "quarter", "year"]].tolist() == [month, quarter, year]


def test_input_frame_unchanged_and_errors() -> None:
    df = pd.DataFrame({"submitted_at": ["2026-03-31T18:30:00+00:00"]})
    add_periods(df)
    assert list(df.columns) == ["submitted_at"]
    with pytest.raises(ValueError, match="column"):
        add_periods(df, column="created")
    with pytest.raises(ValueError, match="offset"):
        add_periods(pd.DataFrame({"submitted_at": ["2026-03-31T18:30:00"]}))
    with pytest.raises(ValueError, match="ISO 8601"):
        add_periods(pd.DataFrame({"submitted_at": ["hôm qua"]}))
