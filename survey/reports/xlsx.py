"""XLSX annex (openpyxl): the report's figures as numbers, one sheet per subject, Vietnamese headers.

Cells are written by the one writer's rules (:func:`survey.figures.export.cell_value`): numbers
rounded half-up as printed, percent as a fraction shown ``85,32 %``, and every text cell through
:func:`survey.services.spreadsheet.neutralise`, so a comment such as ``=HYPERLINK(…)`` is shown as
text and never run as a formula.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from survey.figures.export import ALIASES, NUMBER_FORMATS, cell_value
from survey.figures.fmt import xml_safe
from survey.reports.document import Doc, Table
from survey.services.spreadsheet import neutralise

FORMATS = {kind: NUMBER_FORMATS[ALIASES.get(kind, kind)] for kind in ("int", "pct", "pp", "num")}
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")


def _text(value: object) -> str:
    return neutralise(xml_safe(str(value))) or ""


def _cell_value(value: object, kind: str) -> object:
    return cell_value(value, kind) if kind in FORMATS else (None if value is None else _text(value))


def _write_table(sheet, table: Table, row: int) -> int:
    if table.caption:
        sheet.cell(row, 1, _text(table.caption)).font = BOLD
        row += 1
    for col, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row, col, _text(column.title))
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(col)
        wanted = min(60.0, max(12.0, 11.0 * column.width))
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, wanted)
    for i, values in enumerate(table.rows):
        row += 1
        for col, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            cell = sheet.cell(row, col, _cell_value(value, column.kind))
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if i in table.bold_rows:
                cell.font = BOLD
    if table.note:
        row += 1
        sheet.cell(row, 1, _text(table.note)).font = Font(italic=True)
    return row + 2


def write_xlsx(doc: Doc) -> bytes:
    """The annex: "Thông tin chung" first, then every table that names a sheet, in document order."""
    book = Workbook()
    info = book.active
    info.title = "Thông tin chung"
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 28, 90
    info.cell(1, 1, _text(doc.title)).font = BOLD
    for row, (label, value) in enumerate(doc.info, start=3):
        info.cell(row, 1, _text(label)).font = BOLD
        info.cell(row, 2, _text(value))
    next_row: dict[str, int] = {}
    for table in doc.tables:
        if table.sheet is None:
            continue
        if table.sheet not in book.sheetnames:
            book.create_sheet(table.sheet)
            next_row[table.sheet] = 1
        next_row[table.sheet] = _write_table(book[table.sheet], table, next_row[table.sheet])
    book.properties.title = xml_safe(doc.title)
    book.properties.creator = "Hệ thống khảo sát SIPAS"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
