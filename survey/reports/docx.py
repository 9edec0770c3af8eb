"""DOCX writer (python-docx): A4, Times New Roman, the Nghị định 30/2020 head and signature."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from survey.reports.document import Chart, Doc, Header, Heading, Paragraph, Signature, Table, Title, cell_text
from survey.reports.fmt import xml_safe

FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.5
NUMERIC = ("int", "pct", "pp", "num")


def _fonts(element) -> None:
    """Name the font for every script: Word picks eastAsia/cs fonts for some Vietnamese runs otherwise."""
    _fonts_of(element.get_or_add_rPr())


def _fonts_of(r_pr) -> None:
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None and (r_pr := defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")) is not None:
        _fonts_of(r_pr)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    _fonts(normal.element)
    normal.paragraph_format.space_after = Pt(4)
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold, style.font.italic = FONT, Pt(13), True, False
        style.font.color.rgb = None
        _fonts(style.element)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(8), Pt(4)
    # page number at the top centre from page 2 on, as the decree asks
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def _run(paragraph, text: str, bold=False, italic=False, underline=False, size: float | None = None):
    run = paragraph.add_run(xml_safe(text))
    # only what is on: every property set adds XML, and a long table has thousands of runs
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    if size:
        run.font.size = Pt(size)
    return run


def _para(container, text="", align=WD_ALIGN_PARAGRAPH.CENTER, after=0.0, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)


def _layout_table(document, rows: int, widths: tuple[float, float]):
    table = document.add_table(rows=rows, cols=2)
    table.autofit = False
    _no_borders(table)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def _header(document, block: Header) -> None:
    table = _layout_table(document, 2, (6.5, 10.0))
    left, right = table.rows[0].cells
    if block.parent_line:
        _para(left, block.parent_line, size=12)
    _para(left, block.unit_line, bold=True, size=12)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=13)
    number, place = table.rows[1].cells
    _para(number, block.number, size=13).paragraph_format.space_before = Pt(6)
    _para(place, block.place_date, italic=True, size=13).paragraph_format.space_before = Pt(6)


def _table(document, block: Table) -> None:
    if block.caption:
        _para(document, block.caption, WD_ALIGN_PARAGRAPH.LEFT, 2, bold=True, italic=True, size=12)
    many = len(block.columns) > 7
    size = 9.5 if many else 11
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(c.width for c in block.columns)
    widths = [Cm(TEXT_WIDTH_CM * c.width / total) for c in block.columns]
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, column, width in zip(header.cells, block.columns, widths, strict=True):
        cell.width = width
        _run(cell.paragraphs[0], column.title, bold=True, size=size)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, (row, values) in enumerate(zip(table.rows[1:], block.rows, strict=True)):
        for cell, column, width, value in zip(row.cells, block.columns, widths, values, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            _run(paragraph, cell_text(value, column.kind), bold=i in block.bold_rows, size=size)
            if column.kind in NUMERIC:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if block.note:
        _para(document, block.note, WD_ALIGN_PARAGRAPH.LEFT, 6, italic=True, size=10.5)
    else:
        _para(document, "", after=4)


def _signature(document, block: Signature) -> None:
    _para(document, "", after=6)
    table = _layout_table(document, 1, (8.0, 8.5))
    left, right = table.rows[0].cells
    _para(left, "Nơi nhận:", WD_ALIGN_PARAGRAPH.LEFT, bold=True, italic=True, size=12)
    for line in block.recipients:
        _para(left, f"- {line}", WD_ALIGN_PARAGRAPH.LEFT, size=11)
    if block.on_behalf:
        _para(right, block.on_behalf, bold=True, size=13)
    _para(right, block.signer_title, bold=True, size=13)
    _para(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=12)
    for _ in range(4):  # room for the signature and the seal
        _para(right, "")
    _para(right, "NGƯỜI KÝ", bold=True, size=13)


def write_docx(doc: Doc, images: dict[str, bytes]) -> bytes:
    """The report as DOCX bytes; ``images`` maps each chart's key to its PNG."""
    document = Document()
    _setup(document)
    document.core_properties.title = xml_safe(doc.title)
    document.core_properties.author = "Hệ thống khảo sát SIPAS"
    for block in doc.blocks:
        if isinstance(block, Header):
            _header(document, block)
        elif isinstance(block, Title):
            _para(document, block.kind, bold=True, size=14).paragraph_format.space_before = Pt(12)
            _para(document, block.subject, bold=True, size=14, after=4)
            if block.sample_note:
                _para(document, block.sample_note, italic=True, size=11, after=4)
            _para(document, "", after=6)
        elif isinstance(block, Heading):
            document.add_heading(xml_safe(block.text), level=block.level)
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Table) and block.in_document:
            _table(document, block)
        elif isinstance(block, Chart):
            document.add_picture(io.BytesIO(images[block.key]), width=Cm(16))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.caption:
                _para(document, block.caption, italic=True, size=10.5, after=6)
        elif isinstance(block, Signature):
            _signature(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraph(document, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt_ = paragraph.paragraph_format
    if block.style in ("bullet", "quote"):
        fmt_.left_indent = Cm(0.75)
        _run(paragraph, ("- " if block.style == "bullet" else "") + block.text, italic=block.style == "quote")
    elif block.style == "warning":
        _run(paragraph, block.text, bold=True, italic=True)
    elif block.style in ("note", "italic"):
        _run(paragraph, block.text, italic=True, size=12 if block.style == "note" else None)
    else:
        fmt_.first_line_indent = Cm(1)
        _run(paragraph, block.text)
