"""Making text safe for spreadsheets (CSV and XLSX formula injection)."""

from __future__ import annotations

#: a cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str | None) -> str | None:
    """Prefix a formula-looking text with an apostrophe so no spreadsheet runs it."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def restore(text: str | None) -> str | None:
    """Undo :func:`neutralise` on import, so export → import keeps the text as typed."""
    if text and text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
