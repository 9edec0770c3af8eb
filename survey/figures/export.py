"""The one CSV/XLSX writer: tables of figures with Vietnamese headers, formula-safe text.

A :class:`Table` is a title, typed :class:`Column` s and rows (dicts). :func:`csv_bytes` writes
what the page shows, string for string (``85,32 %``, ``1.234``), so a figure read in the CSV is the
figure on the dashboard; :func:`xlsx_bytes` writes numbers rounded half-up as shown, with number
formats that display the same digits (a percent is stored as a fraction, ``0.8532``, shown
``85,32 %``). Text never becomes a formula (:func:`survey.services.spreadsheet.neutralise`, and
XLSX text cells are typed as strings). The report annex (``survey.reports.xlsx``) writes its cells
through :func:`cell_value` and :data:`NUMBER_FORMATS`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from survey.figures import fmt
from survey.services.spreadsheet import neutralise

#: column kinds: how a value is shown and stored
KINDS = ("text", "percent", "points", "number", "int", "rank", "datetime")
#: the report's short names for the same kinds
ALIASES = {"pct": "percent", "pp": "points", "num": "number"}
NUMBER_FORMATS = {"percent": "0.00 %", "points": "+0.00;-0.00;0.00", "number": "0.00", "int": "#,##0", "rank": "0"}


@dataclass
class Column:
    key: str
    header: str
    kind: str = "text"

    def __post_init__(self) -> None:
        self.kind = ALIASES.get(self.kind, self.kind)
        if self.kind not in KINDS:
            raise ValueError(f"kind: expected one of {KINDS}, got {self.kind!r}")


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)


def shown(value: object, kind: str) -> str:
    """The value as the page shows it."""
    kind = ALIASES.get(kind, kind)
    if not fmt.defined(value):
        return "" if kind in ("text", "datetime", "rank") else fmt.DASH
    if kind == "percent":
        return fmt.percent(value)
    if kind == "points":
        return fmt.signed(value)
    if kind == "number":
        return fmt.number(value)
    if kind in ("int", "rank"):
        return fmt.integer(value)
    if isinstance(value, datetime):
        return fmt.day_time(value)
    return str(value)


def cell_value(value: object, kind: str) -> object:
    """The value as a spreadsheet cell: a number rounded half-up as shown, or neutralised text."""
    kind = ALIASES.get(kind, kind)
    if not fmt.defined(value):
        return None
    if kind == "percent":
        return fmt.rounded(float(value), 2) / 100  # type: ignore[arg-type]
    if kind in ("points", "number"):
        return fmt.rounded(float(value), 2)  # type: ignore[arg-type]
    if kind in ("int", "rank"):
        return int(value)  # type: ignore[call-overload]
    if isinstance(value, datetime):
        return fmt.day_time(value)
    return neutralise(fmt_text(value))


def fmt_text(value: object) -> str:
    return fmt.xml_safe(str(value))


def csv_bytes(tables: list[Table]) -> bytes:
    """Tables one after another, a blank line between; UTF-8 with a BOM so Excel reads the Vietnamese."""
    out = io.StringIO()
    # every cell quoted: a ";" inside a comment never splits it in a Vietnamese Excel
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(c.header) for c in table.columns])
        for row in table.rows:
            writer.writerow([neutralise(shown(row.get(c.key), c.kind)) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(tables: list[Table]) -> bytes:
    """One sheet a table ("Bảng 1", …): title, bold headers, typed cells."""
    book = Workbook()
    book.remove(book.active)
    for number, table in enumerate(tables):
        sheet = book.create_sheet(title=f"Bảng {number + 1}")
        sheet.append([neutralise(fmt_text(table.title))])
        sheet["A1"].font = Font(bold=True)
        sheet.append([neutralise(fmt_text(c.header)) for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([cell_value(row.get(c.key), c.kind) for c in table.columns])
        for index, column in enumerate(table.columns, start=1):
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                if column.kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[column.kind]
                elif cell.value is not None:
                    cell.data_type = "s"  # text is never a formula, whatever it starts with
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
