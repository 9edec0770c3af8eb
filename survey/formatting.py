"""Vietnamese number and date formats, for templates and documents."""

from __future__ import annotations

import math
from datetime import datetime

from survey.services.masking import mask_personal
from survey.services.periods import VN


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


def number(value, decimals: int = 2) -> str:
    """``85.3217`` → ``85,32``; thousands with a dot: ``1234.5`` → ``1.234,50``; missing → ``—``."""
    if _missing(value):
        return "—"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value, decimals: int = 2) -> str:
    """``85.3217`` → ``85,32%``; undefined → ``—`` (never 0)."""
    return "—" if _missing(value) else number(value, decimals) + "%"


def integer(value) -> str:
    return "—" if _missing(value) else number(int(value), 0)


def date(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(VN).strftime("%d/%m/%Y")


def date_time(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(VN).strftime("%H:%M %d/%m/%Y")


def month_label(month: str | int) -> str:
    """``'2026-03'`` or ``202603`` → ``03/2026``."""
    text = str(month)
    if "-" in text:
        y, m = text.split("-")
    else:
        y, m = text[:4], text[4:]
    return f"{int(m):02d}/{y}"


FILTERS = {"number": number, "percent": percent, "integer": integer, "vn_date": date, "vn_datetime": date_time,
           "month_label": month_label, "mask": mask_personal}  # fmt: skip
