"""Every demo report read back as printed: PDF with pdfplumber, DOCX with python-docx, figures from the XLSX.

The demo (Quảng Ngãi in 2026) is seeded once (answers from 07/2024 up to 15/11/2026), its monthly reports of 10/2026 and the
summary of quarter III/2026 made once for the module, and the database emptied again
before the first test. The checks measure; none trusts the eye:

- the page (A4, Nghị định 30/2020 margins) is read from the DOCX; every character and rule of
  the PDF lies inside its text area, except the page number, centred in the top margin;
- every figure of the index table (its numbers taken from the XLSX annex, formatted here)
  is a whole word in the PDF and a whole cell in the DOCX;
- the head's lines are centred in the DOCX's head blocks (±2 mm), its rules as the decree says;
- the PDF's fonts are embedded, and every digit is 0.5 em wide: Times New Roman's advance
  (DejaVu Serif's is 0.636 em);
- no internal code or placeholder appears.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.shared import Mm
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text

from analysis.stats import round_half_up
from survey.extensions import db as _db
from survey.services.demo import seed_demo

MM = 72 / 25.4  # PDF points per millimetre
#: what no report may print: rule names, profile ids, placeholders, codes of the demo's counters
FORBIDDEN = ("mean_of_items", "general_question", "pooled", "sipas-2024", "sipas-2017", "NGƯỜI KÝ",
             "Ký, ghi rõ họ tên", "21040-", "None", "nan%", "THỦ TRƯỞNG ĐƠN VỊ")  # fmt: skip
ISO_DATE = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def published(value: float) -> str:
    """0.853249 (a share, as the XLSX stores it) → '85,32 %', half-up, worked out here."""
    return f"{round_half_up(100 * value, 2):.2f}".replace(".", ",") + " %"


@pytest.fixture(scope="module")
def demo_reports(app, tmp_path_factory) -> dict[str, Path]:
    """Stem ('2026-10/21040') → folder path without suffix, for every demo report."""
    out = tmp_path_factory.mktemp("demo-reports")
    runner = app.test_cli_runner()
    with app.app_context():
        seed_demo(today=date(2026, 11, 15))
        _db.session.commit()
    try:
        for args in (["monthly", "--month", "2026-10"], ["quarterly", "--quarter", "2026-Q3"]):
            result = runner.invoke(args=["reports", *args, "--out", str(out), "--jobs", "2"])
            assert result.exit_code == 0, result.output
    finally:
        with app.app_context():
            _db.session.remove()
            with _db.engine.begin() as conn:
                for table in reversed(_db.metadata.sorted_tables):
                    conn.execute(text(f"DELETE FROM {table.name}"))
    stems = {f"{p.parent.name}/{p.stem}": p.with_suffix("") for p in sorted(out.glob("*/*.pdf"))}
    # the sample's nine current communes, phường and đặc khu (official codes): 9 monthly reports; the province's
    # quarterly summary (Tỉnh Quảng Ngãi, 51)
    communes = ("21025", "21040", "21061", "21085", "21100", "21109", "21235", "21400", "21548")
    assert sorted(stems) == [f"2026-10/{c}" for c in communes] + ["2026-Q3/51"]
    return stems


@pytest.fixture(scope="module")
def printed(demo_reports) -> dict[str, list[dict]]:
    """Each PDF read back once: per page its size, characters, words (with their boxes) and drawn edges."""
    keys = ("text", "x0", "x1", "top", "bottom", "size", "fontname")
    out = {}
    for stem, path in demo_reports.items():
        with pdfplumber.open(path.with_suffix(".pdf")) as pdf:
            out[stem] = [
                {
                    "size": (page.width, page.height),
                    "chars": [{k: c[k] for k in keys} for c in page.chars],
                    "words": [{**w, "text": nfc(w["text"])} for w in page.extract_words()],
                    "edges": [{k: e[k] for k in ("x0", "x1", "top", "orientation")} for e in page.edges],
                }
                for page in pdf.pages
            ]
    return out


def page_frame(docx_path: Path) -> dict[str, float]:
    """The DOCX's page and margins in mm: what the PDF must keep to as well."""
    section = Document(docx_path).sections[0]
    return {k: round(getattr(section, k) / Mm(1), 1) for k in ("page_width", "page_height", "top_margin", "bottom_margin",
                                                      "left_margin", "right_margin")}  # fmt: skip


def index_figures(xlsx_path: Path) -> list[str]:
    """The index table's percentages as the documents must print them, from the annex's numbers."""
    sheet = load_workbook(xlsx_path)["Chỉ số"]
    figures = []
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] in ("A", "B", "C", "D", "E", "SIPAS") and isinstance(row[2], int):
            figures += [published(v) for v in row[3:] if isinstance(v, int | float) and not isinstance(v, bool)]
            if row[0] == "SIPAS":
                break  # the first table of the sheet; the change table follows
    return figures


def test_every_pdf_keeps_inside_the_text_area_in_times_metrics(demo_reports, printed):
    for stem, path in demo_reports.items():
        frame = page_frame(path.with_suffix(".docx"))
        assert (frame["page_width"], frame["page_height"]) == pytest.approx((210, 297), abs=0.1)
        # Nghị định 30/2020: top and bottom 20–25 mm, left 30–35, right 15–20
        assert 20 <= frame["top_margin"] <= 25 and 20 <= frame["bottom_margin"] <= 25, stem
        assert 30 <= frame["left_margin"] <= 35 and 15 <= frame["right_margin"] <= 20, stem
        left, right = frame["left_margin"] * MM, (frame["page_width"] - frame["right_margin"]) * MM
        top, bottom = frame["top_margin"] * MM, (frame["page_height"] - frame["bottom_margin"]) * MM
        tolerance = 0.3 * MM
        for number, page in enumerate(printed[stem], start=1):
            assert page["size"] == pytest.approx((210 * MM, 297 * MM), abs=1)
            outside = [c for c in page["chars"] if not (left - tolerance <= c["x0"] and c["x1"] <= right + tolerance
                       and top - tolerance <= c["top"] and c["bottom"] <= bottom + tolerance)]  # fmt: skip
            page_number = "".join(c["text"] for c in outside)
            assert page_number == ("" if number == 1 else str(number)), (stem, number, page_number)
            if outside:  # centred in the top margin
                middle = (min(c["x0"] for c in outside) + max(c["x1"] for c in outside)) / 2
                assert middle == pytest.approx((left + right) / 2, abs=2 * MM)
                assert all(c["bottom"] < top for c in outside)
            for edge in page["edges"]:  # table borders and rules
                assert left - tolerance <= edge["x0"] and edge["x1"] <= right + tolerance, (stem, number, edge)
            digits = [c for c in page["chars"] if c["text"].isdigit()]
            assert digits, (stem, number)
            for char in digits:  # Times New Roman: every digit 500/1000 em, regular and bold
                assert (char["x1"] - char["x0"]) / char["size"] == pytest.approx(0.5, abs=0.01), (stem, char)
            assert all("Liberation-Serif" in c["fontname"] for c in page["chars"]), stem
        for page in PdfReader(path.with_suffix(".pdf")).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descriptor["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


def words_of(pages: list[dict]) -> list[str]:
    return [w["text"] for page in pages for w in page["words"]]


def on_one_line(pages: list[dict]) -> set[str]:
    """Every word, and every two neighbouring words of one line joined by a space (``85,32 %``)."""
    out = set()
    for page in pages:
        words = page["words"]
        out.update(w["text"] for w in words)
        out.update(f"{a['text']} {b['text']}" for a, b in zip(words, words[1:], strict=False)
                   if abs(a["top"] - b["top"]) < 1)  # fmt: skip
    return out


def test_every_figure_of_the_index_table_prints_whole(demo_reports, printed):
    for stem, path in demo_reports.items():
        figures = index_figures(path.with_suffix(".xlsx"))
        # 5 elements and SIPAS: index, interval low and high, and the general question where asked
        assert len(figures) >= 18, stem
        words = on_one_line(printed[stem])
        cells = {nfc(c.text) for t in Document(path.with_suffix(".docx")).tables for r in t.rows for c in r.cells}
        for figure in figures:
            assert figure in words, (stem, figure)
            assert figure in cells, (stem, figure)


def test_docx_tables_fit_the_text_width_and_hold_every_cell(demo_reports):
    for stem, path in demo_reports.items():
        document = Document(path.with_suffix(".docx"))
        section = document.sections[0]
        text_width = (section.page_width - section.left_margin - section.right_margin) / Mm(1)
        assert text_width == pytest.approx(165, abs=0.1)
        assert {s.font.name for s in (document.styles["Normal"],)} == {"Times New Roman"}
        for table in document.tables:
            grid = table._tbl.tblGrid.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")
            width = sum(int(col.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) for col in grid)
            assert width / 1440 * 25.4 <= text_width + 0.1, (stem, width)
            if table.style is not None and table.style.name == "Table Grid":
                titles = [c.text for c in table.rows[0].cells]
                for row in table.rows:  # every cell printed; only a remark may be left blank
                    assert len(row.cells) == len(titles), stem
                    blank = [t for t, c in zip(titles, row.cells, strict=True) if not c.text.strip()]
                    assert set(blank) <= {"Ghi chú"}, (stem, [c.text for c in row.cells])


def head_lines(page: dict) -> dict[str, tuple[float, float]]:
    """Text lines of the page's first 60 mm: their text → (x0, x1) in mm."""
    lines: dict[float, list] = defaultdict(list)
    for word in page["words"]:
        if word["top"] < 60 * MM:
            lines[round(word["top"], 0)].append(word)
    out = {}
    for words in lines.values():
        words.sort(key=lambda w: w["x0"])
        # the two blocks share a line's height: split where the gap is wide
        groups, current = [], [words[0]]
        for word in words[1:]:
            if word["x0"] - current[-1]["x1"] > 12 * MM:
                groups.append(current)
                current = []
            current.append(word)
        groups.append(current)
        for group in groups:
            out[" ".join(w["text"] for w in group)] = (group[0]["x0"] / MM, group[-1]["x1"] / MM)
    return out


def test_the_head_follows_nghi_dinh_30(demo_reports, printed):
    path = demo_reports["2026-10/21040"]
    document = Document(path.with_suffix(".docx"))
    head = document.tables[0]
    grid = [int(c.get(qn_w("w"))) / 1440 * 25.4 for c in head._tbl.tblGrid.findall(qn_w("gridCol"))]
    margin = document.sections[0].left_margin / Mm(1)
    left_mid, right_mid = margin + grid[0] / 2, margin + grid[0] + grid[1] / 2
    docx_left = [p.text for p in head.rows[0].cells[0].paragraphs if p.text]
    docx_right = [p.text for p in head.rows[0].cells[1].paragraphs if p.text]
    # a commune's People's Committee: no superior body above it (Phụ lục I), its full name on two lines
    assert docx_left == [
        "ỦY BAN NHÂN DÂN",
        "XÃ BÌNH SƠN",
        "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND",
    ]
    assert docx_right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert re.fullmatch(r"Bình Sơn, ngày \d\d tháng \d{1,2} năm 20\d\d", docx_right[2])
    motto_runs = [
        r for p in head.rows[0].cells[1].paragraphs for r in p.runs if r.text == "Độc lập - Tự do - Hạnh phúc"
    ]
    assert motto_runs and not any(r.underline for r in motto_runs)  # a drawn rule, not underlined text

    page = printed["2026-10/21040"][0]
    lines = head_lines(page)
    edges = [e for e in page["edges"] if e["top"] < 60 * MM and e["orientation"] == "h"]
    for wanted, middle in (("ỦY BAN NHÂN DÂN", left_mid), ("XÃ BÌNH SƠN", left_mid), ("Số: /BC-UBND", left_mid),
                           ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_mid),
                           ("Độc lập - Tự do - Hạnh phúc", right_mid), (docx_right[2], right_mid)):  # fmt: skip
        x0, x1 = lines[wanted]
        assert (x0 + x1) / 2 == pytest.approx(middle, abs=2), wanted
    # rules: under the body's name 1/3 to 1/2 of its line, centred; under the motto as long as the motto
    name_x0, name_x1 = lines["ỦY BAN NHÂN DÂN"]
    motto_x0, motto_x1 = lines["Độc lập - Tự do - Hạnh phúc"]
    # a rule is drawn as a thin box: its edges repeat the same span
    rules = sorted({(round(e["x0"] / MM, 1), round(e["x1"] / MM, 1)) for e in edges})
    assert len(rules) == 2, rules
    (a0, a1), (b0, b1) = rules
    assert (name_x1 - name_x0) / 3 - 0.5 <= a1 - a0 <= (name_x1 - name_x0) / 2 + 0.5
    assert (a0 + a1) / 2 == pytest.approx(left_mid, abs=2)
    assert b1 - b0 == pytest.approx(motto_x1 - motto_x0, abs=1.5)
    assert (b0 + b1) / 2 == pytest.approx(right_mid, abs=2)


def qn_w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def docx_text(path: Path) -> str:
    document = Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return nfc("\n".join(parts))


def test_plain_words_and_a_month_that_tells_one_story(demo_reports, printed):
    for stem, path in demo_reports.items():
        pdf = " ".join(words_of(printed[stem]))
        docx = docx_text(path.with_suffix(".docx"))
        book = load_workbook(path.with_suffix(".xlsx"))
        annex = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
        for word in FORBIDDEN:
            assert word not in pdf and word not in docx, (stem, word)
            if word != "21040-":  # the annex may list codes
                assert word not in annex, (stem, word)
        assert not ISO_DATE.search(pdf) and not ISO_DATE.search(docx), (stem, ISO_DATE.search(pdf + docx))
        # unset signer: the usual title lines and an empty line for the name; the province's summary is
        # issued by the Sở Nội vụ, whose director signs in his own name (no "TM.")
        if stem.startswith("2026-Q"):
            assert "SỞ NỘI VỤ" in docx and "GIÁM ĐỐC" in docx and "TM." not in docx, stem
        else:
            assert "TM. ỦY BAN NHÂN DÂN" in docx and "CHỦ TỊCH" in docx, stem
        if stem.startswith("2026-10/"):
            quotes = "“" in docx.split("IX. Ý KIẾN")[1]
            none_received = "không có phản ánh, kiến nghị nào" in docx
            assert not (quotes and none_received), stem  # a month that quotes comments has received them


def test_the_general_question_differs_between_elements(demo_reports):
    """The demo answers "in general" per element from the person's own answers, not one mood for all."""
    for stem, path in demo_reports.items():
        rows = list(load_workbook(path.with_suffix(".xlsx"))["Chỉ số"].iter_rows(values_only=True))
        header = rows[1]
        assert header[0] == "Mã" and "Câu hỏi đánh giá chung" in header, (stem, header)
        column = header.index("Câu hỏi đánh giá chung")
        general = [row[column] for row in rows[2:7]]
        assert [row[0] for row in rows[2:7]] == ["A", "B", "C", "D", "E"]
        if sum(row[2] for row in rows[2:7]) >= 300:  # enough answers for the spread to show
            assert len({round(v, 4) for v in general}) >= 3, (stem, general)
