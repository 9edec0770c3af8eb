"""The one CSV/XLSX writer: tables of figures with Vietnamese headers, formula-safe text.

A :class:`Table` is a title, typed :class:`Column` s and rows (dicts). Both files are for people
with a Vietnamese-locale spreadsheet (the machine exchange format is
:mod:`survey.services.exchange`, unchanged):

- :func:`csv_bytes`: UTF-8 with a BOM, ``;`` between cells and a decimal comma, as a Vietnamese
  Excel reads a CSV; the first line is the header (no title line), tables one after another with a
  blank line between; numbers as the page rounds them but without thousands dots or ``%``
  (``85,32`` under a header saying ``(%)``), so they open as numbers.
- :func:`xlsx_bytes`: one sheet a table, named in Vietnamese; a title block (what the file holds)
  above the table, the header row frozen and filtered, column widths; numbers rounded half-up as
  shown, with number formats that display the same digits in the reader's locale (a percent is
  stored as a fraction, ``0.8532``, shown ``85,32 %``), dates as dates shown ``dd/mm/yyyy``.

Text never becomes a formula (:func:`survey.services.spreadsheet.neutralise`, and XLSX text cells
are typed as strings). The report annex (``survey.reports.xlsx``) writes its cells through
:func:`cell_value` and :data:`NUMBER_FORMATS`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from survey.figures import fmt
from survey.figures.periods import VN
from survey.services.spreadsheet import neutralise

#: column kinds: how a value is shown and stored
KINDS = ("text", "percent", "points", "number", "int", "rank", "datetime", "date")
#: the report's short names for the same kinds
ALIASES = {"pct": "percent", "pp": "points", "num": "number"}
NUMBER_FORMATS = {"percent": "0.00 %", "points": "+0.00;-0.00;0.00", "number": "0.00", "int": "#,##0", "rank": "0",
                  "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}  # fmt: skip
#: how a header and a text cell wrap
WRAPPED = Alignment(wrap_text=True, vertical="top")
#: Excel's limit on a sheet name, and the characters it refuses in one
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


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
    #: the XLSX sheet's name; "" takes the title's first part (before " — ")
    sheet: str = ""


def shown(value: object, kind: str) -> str:
    """The value as the page shows it."""
    kind = ALIASES.get(kind, kind)
    if not fmt.defined(value):
        return "" if kind in ("text", "datetime", "date", "rank") else fmt.DASH
    if kind == "percent":
        return fmt.percent(value)
    if kind == "points":
        return fmt.signed(value)
    if kind == "number":
        return fmt.number(value)
    if kind in ("int", "rank"):
        return fmt.integer(value)
    if isinstance(value, datetime):
        return fmt.day(value) if kind == "date" else fmt.day_time(value)
    if isinstance(value, date):
        return fmt.day(value)
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
        local = value.astimezone(VN).replace(tzinfo=None)  # a spreadsheet has no time zones: Vietnam time
        return local.date() if kind == "date" else local
    if isinstance(value, date):
        return value
    return neutralise(fmt_text(value))


def fmt_text(value: object) -> str:
    return fmt.xml_safe(str(value))


def csv_text(value: object, kind: str) -> str:
    """A CSV cell: a number as the page rounds it with a decimal comma and no thousands dot or ``%``
    (``85,32``, ``-1,50``, ``1234``), a date ``dd/mm/yyyy [hh:mm]``, text neutralised; "" when undefined."""
    kind = ALIASES.get(kind, kind)
    if not fmt.defined(value):
        return ""
    if kind in ("percent", "points", "number"):
        return fmt.number(value).replace(".", "")
    if kind in ("int", "rank"):
        return str(int(value))  # type: ignore[call-overload]
    if isinstance(value, datetime):
        local = value.astimezone(VN)
        return fmt.day(local) if kind == "date" else f"{fmt.day(local)} {local:%H:%M}"
    if isinstance(value, date):
        return fmt.day(value)
    return neutralise(fmt_text(value)) or ""


def csv_header(column: Column) -> str:
    """The header as the CSV has it: a percent column says so, its cells being bare numbers."""
    header = column.header if column.kind != "percent" or column.header.endswith("%)") else f"{column.header} (%)"
    return neutralise(fmt_text(header)) or ""


def csv_bytes(tables: list[Table]) -> bytes:
    """Tables one after another, a blank line between, each starting with its header row; ``;`` between
    cells (a cell holding one is quoted), UTF-8 with a BOM so Excel reads the Vietnamese."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([csv_header(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([csv_text(row.get(c.key), c.kind) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_names(tables: list[Table]) -> list[str]:
    """A name a table: its ``sheet``, or its title before " — ", cut at a word to Excel's 31 characters,
    without the characters Excel refuses, unique (``… (2)``)."""
    names: list[str] = []
    for number, table in enumerate(tables, start=1):
        name = _SHEET_FORBIDDEN.sub(" ", fmt.xml_safe(table.sheet or table.title.split(" — ")[0])).strip(" '")
        if len(name) > SHEET_NAME_MAX:
            name = name[: SHEET_NAME_MAX + 1].rsplit(" ", 1)[0].rstrip(" ,;.-–")
        name = name or f"Bảng {number}"
        base, k = name, 2
        while name.casefold() in (n.casefold() for n in names):
            suffix = f" ({k})"
            name, k = base[: SHEET_NAME_MAX - len(suffix)] + suffix, k + 1
        names.append(name)
    return names


def _width(column: Column, rows: list[dict]) -> float:
    """Characters wide enough for the header and the longest value (of the first rows), within 10–60."""
    longest = max([len(shown(r.get(column.key), column.kind)) for r in rows[:200]] + [len(column.header) * 0.6])
    return min(60.0, max(10.0, longest + 2))


def xlsx_bytes(tables: list[Table], title: str = "", about: list[str] | None = None) -> bytes:
    """One sheet a table: ``title`` and the ``about`` lines (what the file holds) above the table, a blank
    row, then the table with a frozen, filtered header row; typed cells. The same title and lines are the
    document's properties."""
    book = Workbook()
    book.remove(book.active)
    about = [fmt_text(line) for line in about or []]
    for name, table in zip(sheet_names(tables), tables, strict=True):
        sheet = book.create_sheet(title=name)
        head = [fmt_text(table.title), *about]
        for line in head:
            sheet.append([neutralise(line)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        header_row = len(head) + 2
        sheet.append([neutralise(fmt_text(c.header)) for c in table.columns])
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = WRAPPED
        # a column's cells share one style: set on its first cell, copied to the others (styles are
        # looked up by value on every assignment, which cost more than writing the file)
        styled: dict[tuple[int, str], Cell] = {}
        for number, row in enumerate(table.rows, start=header_row + 1):
            for index, column in enumerate(table.columns):
                cell = sheet.cell(number, index + 1, cell_value(row.get(column.key), column.kind))
                if column.kind in NUMBER_FORMATS and not isinstance(cell.value, str):
                    style = "number"
                elif cell.value is not None:
                    style = "text"
                    cell.data_type = "s"  # text is never a formula, whatever it starts with
                else:
                    continue
                first = styled.get((index, style))
                if first is not None:
                    cell._style = copy(first._style)
                elif style == "number":
                    cell.number_format = NUMBER_FORMATS[column.kind]
                    styled[index, style] = cell
                else:
                    cell.alignment = WRAPPED
                    styled[index, style] = cell
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _width(column, table.rows)
        last = get_column_letter(len(table.columns))
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(1, len(table.rows))}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
    book.properties.title = fmt_text(title) or None
    book.properties.subject = "; ".join(about) or None
    book.properties.creator = "Hệ thống khảo sát SIPAS"
    book.properties.language = "vi-VN"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def slug(text: str) -> str:
    """ASCII for a file name: ``Xã Bình Sơn`` → ``xa-binh-son``, ``Tháng 10/2026`` → ``thang-10-2026``
    (marks dropped through NFKD; ``đ`` has no decomposition and becomes ``d``)."""
    text = fmt.nfc(text).replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def file_name(text: str) -> str:
    """A readable file name in Vietnamese (NFC), without the characters file systems refuse."""
    return re.sub(r"\s+", " ", re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", fmt.nfc(text))).strip(" .-")
