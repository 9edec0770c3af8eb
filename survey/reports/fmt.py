"""Text conventions of the documents (place and date line, clean text, hidden personal details).

Numbers and dates are printed by the one formatter, :mod:`survey.figures.fmt` (re-exported here under
the names the report modules use: ``pct``, ``decimal``, ``integer``, ``signed``, ``day``).
"""

from __future__ import annotations

import re
from datetime import date

from survey.figures.fmt import DASH, day, integer, nfc, number, percent, signed, xml_safe
from survey.services.masking import mask_personal

__all__ = ["DASH", "clean_text", "day", "decimal", "integer", "nfc", "pct", "place_date", "redact", "signed",
           "upper", "xml_safe"]  # fmt: skip

#: the report's names for the one formatter's functions (survey.figures.fmt)
decimal, pct = number, percent


def place_date(place: str, value: date) -> str:
    """``Bình Sơn, ngày 05 tháng 02 năm 2026``: Nghị định 30/2020 pads days below 10 and months 1, 2."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return nfc(f"{place}, ngày {value.day:02d} tháng {month} năm {value.year}")


def upper(text: str) -> str:
    return nfc(nfc(text).upper())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")


def clean_text(text: str | None, max_length: int = 400) -> str:
    """NFC, no control characters (DOCX and XLSX reject them), one line, at most ``max_length``."""
    if not text:
        return ""
    out = _SPACE.sub(" ", _CONTROL.sub("", nfc(text))).strip()
    return out if len(out) <= max_length else out[: max_length - 1].rstrip() + "…"


def redact(text: str) -> str:
    """Hide what could identify someone in a citizen's comment (the one mask, survey.services.masking)."""
    return mask_personal(text)
