"""The one number and date formatter: half-up to the shown decimal, Vietnamese separators.

``85.325`` → ``85,33 %`` (half-up, as the method and the Nghị định 30 tables round; Python's
``round`` and f-strings round half to even on the binary value and would show ``85,32 %``),
thousands with a dot (``12.345``), dates ``dd/mm/yyyy`` in Vietnam time, ``—`` for a figure that
is not defined (never 0). The dashboard, its exports, the reports and the API all print through
these functions, so one figure is one string everywhere.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

from analysis.stats import round_half_up
from survey.figures.periods import VN, month_name

DASH = "—"


def defined(value: object) -> bool:
    """False for None, NaN, pandas' NA and their text forms."""
    if value is None or str(value) in ("<NA>", "nan", "NaT"):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def rounded(value: float, decimals: int = 2) -> float:
    """The value as shown: half-up on the ``decimals``-th decimal (what exports store as a number)."""
    return float(round_half_up(float(value), decimals))


def number(value: object, decimals: int = 2) -> str:
    """``8.535`` → ``8,54``; ``1234.5`` → ``1.234,50``; undefined → ``—``."""
    if not defined(value):
        return DASH
    text = f"{rounded(float(value), decimals):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: object, decimals: int = 2) -> str:
    """An index in percent: ``85.3249`` → ``85,32 %``; undefined → ``—``."""
    return DASH if not defined(value) else number(value, decimals) + " %"


def signed(value: object, decimals: int = 2) -> str:
    """A change in percentage points: ``+1,25`` / ``-0,50`` / ``0,00``."""
    if not defined(value):
        return DASH
    text = number(value, decimals)
    return text if text.startswith("-") or text == number(0.0, decimals) else "+" + text


def whole(value: object) -> int:
    """A count as shown: whole, or an estimate (a split unit's share of its ballots) half-up to a whole one."""
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else int(round_half_up(number, 0))


def integer(value: object) -> str:
    """``12345`` → ``12.345``; an estimated ``2.5`` → ``3``."""
    if not defined(value):
        return DASH
    return f"{whole(value):,}".replace(",", ".")


def day(value: date | datetime | None) -> str:
    """``05/02/2026``; an aware instant is read in Vietnam time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VN)
    return value.strftime("%d/%m/%Y")


def day_time(value: datetime | None) -> str:
    """``14:05 05/02/2026`` in Vietnam time."""
    return "" if value is None else value.astimezone(VN).strftime("%H:%M %d/%m/%Y")


def month(value: int | str) -> str:
    """``202603`` or ``'2026-03'`` → ``03/2026``."""
    text = str(value).replace("-", "")
    return month_name(int(text))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def xml_safe(text: str) -> str:
    """NFC text without the control characters DOCX and XLSX cannot hold."""
    return _CONTROL.sub("", nfc(text))


#: Jinja filters (registered by the app factory through survey.formatting)
FILTERS = {"number": number, "percent": percent, "integer": integer, "signed": signed, "vn_date": day,
           "vn_datetime": day_time, "month_label": month}  # fmt: skip
