"""Vietnamese number, date and text conventions of the documents (``85,32%``, ``05/02/2026``)."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

from analysis.stats import round_half_up
from survey.services.masking import mask_personal

DASH = "—"


def _defined(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def decimal(value: float | None, decimals: int = 2) -> str:
    """``8.535`` → ``8,54`` (half-up on the shown decimal, as the published tables round)."""
    if not _defined(value):
        return DASH
    shown = round_half_up(float(value), decimals)
    return f"{shown:.{decimals}f}".replace(".", ",")


def pct(value: float | None, decimals: int = 2) -> str:
    """An index in percent: ``85.3249`` → ``85,32%``; undefined → ``—`` (never 0)."""
    return DASH if not _defined(value) else decimal(value, decimals) + "%"


def signed(value: float | None, decimals: int = 2) -> str:
    """A change in percentage points: ``+1,25`` / ``-0,50``."""
    if not _defined(value):
        return DASH
    text = decimal(value, decimals)
    return text if text.startswith("-") or text == decimal(0.0, decimals) else "+" + text


def integer(value: float | int | None) -> str:
    """``12345`` → ``12.345`` (a dot groups thousands in Vietnamese)."""
    if not _defined(value):
        return DASH
    return f"{int(round(float(value))):,}".replace(",", ".")


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def place_date(place: str, value: date) -> str:
    """``Bình Sơn, ngày 05 tháng 02 năm 2026``: Nghị định 30/2020 pads days below 10 and months 1, 2."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return nfc(f"{place}, ngày {value.day:02d} tháng {month} năm {value.year}")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def upper(text: str) -> str:
    return nfc(nfc(text).upper())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")


def xml_safe(text: str) -> str:
    """NFC text without the control characters DOCX and XLSX cannot hold."""
    return _CONTROL.sub("", nfc(text))


def clean_text(text: str | None, max_length: int = 400) -> str:
    """NFC, no control characters (DOCX and XLSX reject them), one line, at most ``max_length``."""
    if not text:
        return ""
    out = _SPACE.sub(" ", _CONTROL.sub("", nfc(text))).strip()
    return out if len(out) <= max_length else out[: max_length - 1].rstrip() + "…"


def redact(text: str) -> str:
    """Hide what could identify someone in a citizen's comment: the one masking function of the app."""
    return mask_personal(text)
