"""Text conventions of the documents (place and date line, clean text, hidden personal details).

Numbers and dates are printed by the one formatter, :mod:`survey.figures.fmt` (re-exported here under
the names the report modules use: ``pct``, ``decimal``, ``integer``, ``signed``, ``day``).
"""

from __future__ import annotations

import re
from datetime import date

from survey.figures.fmt import DASH, day, integer, nfc, number, percent, signed, xml_safe
from survey.services.masking import mask_personal
from survey.services.text import clean_text

__all__ = ["DASH", "day", "decimal", "integer", "nfc", "one_line", "pct", "place_date", "redact", "signed",
           "upper", "xml_safe"]  # fmt: skip

#: the report's names for the one formatter's functions (survey.figures.fmt)
decimal, pct = number, percent


def place_date(place: str, value: date) -> str:
    """``Bình Sơn, ngày 05 tháng 02 năm 2026``: Nghị định 30/2020 pads days below 10 and months 1, 2."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return nfc(f"{place}, ngày {value.day:02d} tháng {month} năm {value.year}")


def upper(text: str) -> str:
    return nfc(nfc(text).upper())


_SPACE = re.compile(r"\s+")


def one_line(text: str | None, max_length: int = 400) -> str:
    """A citizen's text as a report quotes it: the one cleaning of text (survey.services.text: NFC, no control
    or invisible characters, which DOCX and XLSX reject), on one line, at most ``max_length`` characters."""
    out = _SPACE.sub(" ", clean_text(text) or "").strip()
    return out if len(out) <= max_length else out[: max_length - 1].rstrip() + "…"


def redact(text: str) -> str:
    """Hide what could identify someone in a citizen's comment (the one mask, survey.services.masking)."""
    return mask_personal(text)
