"""Making text safe for spreadsheets (CSV and XLSX formula injection).

Excel in a Vietnamese Windows reads a CSV with ``;`` as its list separator, so a cell
``Phục vụ tốt;=HYPERLINK(…)`` left unquoted splits into a second cell that starts with
``=``. Hence two guards: every CSV writer quotes its text cells, and :func:`neutralise`
also disarms a formula start after a ``;``.
"""

from __future__ import annotations

import re

#: a cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: a formula start right after a list separator (``;``), spaces allowed between
_AFTER_SEPARATOR = re.compile(r"(;[ ]*)(?=[=+\-@\t\r])")
_DISARMED_AFTER_SEPARATOR = re.compile(r"(;[ ]*)'(?=[=+\-@\t\r])")


def neutralise(text: str | None) -> str | None:
    """Prefix a formula-looking text (and each piece after a ``;``) with an apostrophe so no spreadsheet runs it."""
    if not text:
        return text
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str | None) -> str | None:
    """Undo :func:`neutralise` on import, so export → import keeps the text as typed."""
    if not text:
        return text
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return _DISARMED_AFTER_SEPARATOR.sub(r"\1", text)
