"""`flask reports monthly`: the three files, their content, and what a second run does."""

from __future__ import annotations

import re
import unicodedata
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from analysis.indices import sipas_table
from analysis.stats import round_half_up
from survey import queries
from survey.models import Report
from survey.reports.generate import report_files


def published(value: float) -> str:
    """85.3249 → '85,32 %', worked out here independently of survey.figures.fmt."""
    return f"{round_half_up(value, 2):.2f}".replace(".", ",") + " %"


def sipas_of(app, unit, month: int) -> float:
    with app.app_context():
        scope = queries.Scope(start_month=month, end_month=month, unit_ids=(unit.id,))
        table = sipas_table(queries.counts(scope), moments=queries.moments(scope),
                            n_responses=queries.responses_per_group(scope))  # fmt: skip
    return float(table.loc[table["code"] == "SIPAS", "index"].iloc[0])


def docx_text(path) -> str:
    document = Document(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return unicodedata.normalize("NFC", "\n".join(parts))


def pdf_text(path) -> str:
    reader = PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


@pytest.fixture
def march(app, runner, district, clock, reports_dir):
    """The March 2026 reports of the sample district, made with the clock at 1 April 00:30 Vietnam time."""
    result = runner.invoke(args=["reports", "monthly"])
    assert result.exit_code == 0, result.output
    return result


def test_monthly_reports_of_a_district(app, march, district, reports_dir):
    """One run, checked from every side (a run costs seconds: the PDF layout)."""
    check_default_month_and_files(march, reports_dir)
    check_name_and_sipas(app, district, reports_dir)
    check_comments(reports_dir)
    check_small_sample_and_empty_month(reports_dir)
    check_report_rows(app, district)


def check_default_month_and_files(march, reports_dir):
    assert "tháng 03/2026" in march.output
    assert "Xong: 3 đơn vị, 3 báo cáo, 9 tệp" in march.output
    assert sorted(p.name for p in (reports_dir / "2026-03").iterdir() if not p.name.startswith(".")) == [
        f"{code}.{ext}" for code in ("X-BCHANH", "X-BDUONG", "X-BTHANH") for ext in ("docx", "pdf", "xlsx")
    ]


def check_name_and_sipas(app, district, reports_dir):
    expected = published(sipas_of(app, district["thanh"], 202603))
    folder = reports_dir / "2026-03"
    text = docx_text(folder / "X-BTHANH.docx")
    # a commune's People's Committee is named alone, in full (Nghị định 30/2020, Phụ lục I)
    for wanted in ("ỦY BAN NHÂN DÂN\nXÃ BÌNH THẠNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Bình Thạnh, ngày 01 tháng 4 năm 2026", "/BC-UBND",
                   "Trung tâm Phục vụ hành chính công xã Bình Thạnh tháng 03/2026", expected, "3 phiếu bị loại", "Nơi nhận:",
                   "- UBND huyện Bình Sơn (để báo cáo);", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
                   "trung bình cộng chỉ số các tiêu chí", "xếp thứ 1/1", "tiếp nhận 2 phản ánh, kiến nghị",
                   "đúng hạn 1 (50,00 %)"):  # fmt: skip
        assert wanted in text, wanted
    assert "UBND HUYỆN BÌNH SƠN" not in text and "mean_of_items" not in text
    with zipfile.ZipFile(folder / "X-BTHANH.docx") as package:
        styles = package.read("word/styles.xml").decode()
    assert "Theme=" not in styles.split("</w:docDefaults>")[0]  # no theme font left to override ours
    assert 'w:eastAsia="Times New Roman"' in styles and 'w:cs="Times New Roman"' in styles
    pdf = pdf_text(folder / "X-BTHANH.pdf")
    for wanted in ("ỦY BAN NHÂN DÂN XÃ BÌNH THẠNH", "Độc lập - Tự do - Hạnh phúc", "Kết quả khảo sát sự hài lòng",
                   "UBND xã Bình Thạnh", expected, "3 phiếu bị loại"):  # fmt: skip
        assert wanted in pdf, wanted
    fonts = {str(f["/BaseFont"]) for page in PdfReader(folder / "X-BTHANH.pdf").pages
             for f in page["/Resources"]["/Font"].values()}  # fmt: skip
    assert fonts and all("Liberation-Serif" in name for name in fonts), fonts

    book = load_workbook(folder / "X-BTHANH.xlsx")
    assert book.sheetnames[:4] == ["Thông tin chung", "Chỉ số", "Theo lĩnh vực", "Theo tiêu chí"]
    assert "UBND xã Bình Thạnh" in [c.value for c in book["Thông tin chung"]["B"]]
    sipas_rows = [row for row in book["Chỉ số"].iter_rows(values_only=True) if row[0] == "SIPAS"]
    assert sipas_rows and sipas_rows[0][3] == pytest.approx(
        round_half_up(sipas_of(app, district["thanh"], 202603), 2) / 100
    )


def check_comments(reports_dir):
    folder = reports_dir / "2026-03"
    docx, pdf = docx_text(folder / "X-BTHANH.docx"), pdf_text(folder / "X-BTHANH.pdf")
    comments = [row[1] for row in load_workbook(folder / "X-BTHANH.xlsx")["Ý kiến"].iter_rows(min_row=3, values_only=True)
                if row[1]]  # fmt: skip
    for text in (docx, pdf, "\n".join(comments)):
        assert "<b>Cán bộ</b> & nhân viên tận tình" in text  # shown as typed, never as markup
        assert "Nguyễn Thị Lan" not in text and "0905" not in text and "[đã ẩn]" in text
    assert any(c.startswith("'=HYPERLINK") for c in comments), comments
    sheet = load_workbook(folder / "X-BTHANH.xlsx")["Ý kiến"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "(2 ý kiến)" in docx


def check_small_sample_and_empty_month(reports_dir):
    folder = reports_dir / "2026-03"
    small = docx_text(folder / "X-BCHANH.docx")
    assert "Cảnh báo mẫu nhỏ" in small and "10 phiếu hợp lệ (dưới 30 phiếu)" in small
    assert "không được xếp hạng" in small
    empty_docx, empty_pdf = docx_text(folder / "X-BDUONG.docx"), pdf_text(folder / "X-BDUONG.pdf")
    for text in (empty_docx, empty_pdf):
        assert "không có phiếu khảo sát hợp lệ nào" in text
        assert "không có phản ánh, kiến nghị nào" in text
    assert "ỦY BAN NHÂN DÂN XÃ BÌNH DƯƠNG" in empty_pdf


def check_report_rows(app, district):
    with app.app_context():
        rows = list(app.extensions["sqlalchemy"].session.scalars(select(Report).order_by(Report.unit_id)))
        assert [(r.unit_id, r.period, r.path) for r in rows] == [
            (district[k].id, "2026-03", "2026-03") for k in ("thanh", "chanh", "duong")
        ]
        files = report_files(rows[0])
        assert set(files) == {"docx", "pdf", "xlsx"} and all(p.is_file() for p in files.values())
        assert files["pdf"].name == "X-BTHANH.pdf"


def test_a_second_run_keeps_the_files_and_force_makes_them_again(runner, march, reports_dir):
    files = sorted((reports_dir / "2026-03").glob("X-*"))
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    again = runner.invoke(args=["reports", "monthly", "--month", "2026-03"])
    assert again.exit_code == 0, again.output
    assert "0 báo cáo, 0 tệp" in again.output and "bỏ qua 3 báo cáo đã có" in again.output
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files} == before
    forced = runner.invoke(args=["reports", "monthly", "--month", "2026-03", "--unit", "X-BCHANH", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "1 báo cáo, 3 tệp" in forced.output
    changed = {p.name for p in files if p.stat().st_mtime_ns != before[p][0]}
    assert changed == {"X-BCHANH.docx", "X-BCHANH.pdf", "X-BCHANH.xlsx"}


def test_bad_options_are_explained(runner, district, clock, reports_dir):
    result = runner.invoke(args=["reports", "monthly", "--month", "2026-13"])
    assert result.exit_code != 0 and "YYYY-MM" in result.output
    result = runner.invoke(args=["reports", "monthly", "--unit", "KHONG-CO"])
    assert result.exit_code != 0 and "Không có đơn vị mã KHONG-CO" in result.output
    result = runner.invoke(args=["reports", "quarterly", "--quarter", "2026-Q5"])
    assert result.exit_code != 0 and "YYYY-Qn" in result.output
