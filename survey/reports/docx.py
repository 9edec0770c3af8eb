"""DOCX writer (python-docx): A4, Times New Roman, the Nghị định 30/2020 head and signature.

Margins, sizes, the head's rules and every table's column widths come from
:mod:`survey.reports.layout`, as for the PDF: the two documents set the same lines.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from survey.reports import fonts, layout
from survey.reports.document import Chart, Doc, Header, Heading, Paragraph, Signature, Table, Title, cell_text
from survey.reports.fmt import xml_safe

FONT = fonts.DOCX_FAMILY


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
    section.page_width, section.page_height = Mm(layout.PAGE_WIDTH), Mm(layout.PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(layout.MARGIN_TOP), Mm(layout.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(layout.MARGIN_LEFT), Mm(layout.MARGIN_RIGHT)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None and (r_pr := defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")) is not None:
        _fonts_of(r_pr)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(layout.BODY_SIZE)
    _fonts(normal.element)
    normal.paragraph_format.space_after = Pt(4)
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name, style.font.size = FONT, Pt(layout.BODY_SIZE)
        style.font.bold, style.font.italic = True, False
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


def _style_id(document, name: str) -> str:
    """The id of a style of the template, for setting it on the XML: python-docx's ``.style = …`` and
    ``add_heading`` look up the default style by scanning every style, each time (a tenth of the DOCX)."""
    return document.styles[name].style_id


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


def _twips(mm: float) -> str:
    return str(round(mm * 1440 / 25.4))


def _fixed(table, widths_mm) -> None:
    """A fixed-layout table exactly ``widths_mm`` wide, whatever Word would autofit."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:w"), _twips(sum(widths_mm)))
    width.set(qn("w:type"), "dxa")
    fixed = OxmlElement("w:tblLayout")
    fixed.set(qn("w:type"), "fixed")
    tbl_pr.append(fixed)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), _twips(layout.CELL_PADDING))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)
    for column, mm in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(mm)
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)


def _layout_table(document, rows: int, widths: tuple[float, float]):
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _fixed(table, widths)
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def _rule(container, length_mm: float, room_mm: float, after: float = 0.0) -> None:
    """A short centred rule (Phụ lục I): the bottom border of an empty paragraph indented to its length."""
    paragraph = container.add_paragraph()
    fmt_ = paragraph.paragraph_format
    fmt_.left_indent = fmt_.right_indent = Mm(max(0.0, (room_mm - length_mm) / 2))
    fmt_.space_before, fmt_.space_after = Pt(0), Pt(after)
    fmt_.line_spacing_rule, fmt_.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "5"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _header(document, block: Header) -> None:
    head = layout.head_lines(block)
    table = _layout_table(document, 1, (layout.HEAD_LEFT, layout.HEAD_RIGHT))
    left, right = table.rows[0].cells
    for line in head.superior:
        _para(left, line, size=layout.HEAD_NAME_SIZE)
    for line in head.issuer:
        _para(left, line, bold=True, size=layout.HEAD_NAME_SIZE)
    _rule(left, head.issuer_rule, layout.HEAD_LEFT)
    _para(left, block.number, size=layout.BODY_SIZE).paragraph_format.space_before = Pt(11)
    _para(right, layout.NATIONAL_TITLE, bold=True, size=layout.HEAD_NAME_SIZE)
    _para(right, layout.MOTTO, bold=True, size=layout.MOTTO_SIZE)
    _rule(right, head.motto_rule, layout.HEAD_RIGHT)
    _para(right, block.place_date, italic=True, size=layout.BODY_SIZE).paragraph_format.space_before = Pt(11)


def _title(document, block: Title) -> None:
    _para(document, block.kind, bold=True, size=layout.TITLE_SIZE).paragraph_format.space_before = Pt(22)
    subject = _para(document, block.subject, bold=True, size=layout.TITLE_SIZE)
    room = layout.TEXT_WIDTH - 20
    subject.paragraph_format.left_indent = subject.paragraph_format.right_indent = Mm(10)
    _rule(document, layout.title_rule(block.subject, room), layout.TEXT_WIDTH, after=8)
    if block.sample_note:
        _para(document, block.sample_note, italic=True, size=11, after=8)


def _table(document, block: Table) -> None:
    for number, part in enumerate(layout.table_parts(block)):
        if block.caption:
            caption = block.caption + (" (tiếp theo)" if number else "")
            paragraph = _para(document, caption, WD_ALIGN_PARAGRAPH.LEFT, 2, bold=True, italic=True, size=12)
            paragraph.paragraph_format.keep_with_next = True
        _table_part(document, block, part)
    if block.note:
        _para(document, block.note, WD_ALIGN_PARAGRAPH.LEFT, 6, italic=True, size=11)
    else:
        _para(document, "", after=4)


def _table_part(document, block: Table, part: layout.Part) -> None:
    columns = [block.columns[i] for i in part.columns]
    table = document.add_table(rows=1 + len(block.rows), cols=len(columns))
    table._tbl.tblStyle_val = _style_id(document, "Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed(table, part.widths)
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, column in zip(header.cells, columns, strict=True):
        _run(cell.paragraphs[0], column.title, bold=True, size=part.size)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for i, (row, values) in enumerate(zip(table.rows[1:], block.rows, strict=True)):
        cant_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant_split)
        for cell, index, column in zip(row.cells, part.columns, columns, strict=True):
            paragraph = cell.paragraphs[0]
            _run(paragraph, cell_text(values[index], column.kind), bold=i in block.bold_rows, size=part.size)
            if column.kind in layout.NUMERIC:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _signature(document, block: Signature) -> None:
    if document.paragraphs:  # the signature never stands alone on its page: the last paragraph goes with it
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    _para(document, "", after=6).paragraph_format.keep_with_next = True
    table = _layout_table(document, 1, (layout.SIGN_LEFT, layout.SIGN_RIGHT))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    _para(left, "Nơi nhận:", WD_ALIGN_PARAGRAPH.LEFT, bold=True, italic=True, size=12)
    for line in block.recipients:
        _para(left, line, WD_ALIGN_PARAGRAPH.LEFT, size=11)
    for line in block.titles:
        _para(right, line, bold=True, size=layout.BODY_SIZE)
    for _ in range(5):  # room for the signature and the seal
        _para(right, "")
    if block.name:
        _para(right, block.name, bold=True, size=layout.BODY_SIZE)


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
            _title(document, block)
        elif isinstance(block, Heading):
            heading = document.add_paragraph(xml_safe(block.text))
            heading._p.style = _style_id(document, "Title" if block.level == 0 else f"Heading {block.level}")
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Table) and block.in_document:
            _table(document, block)
        elif isinstance(block, Chart):
            document.add_picture(io.BytesIO(images[block.key]), width=Mm(160))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.caption:
                _para(document, block.caption, italic=True, size=11, after=6)
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
