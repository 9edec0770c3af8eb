"""The province's quarterly summary and a merged commune's monthly report, read back from DOCX and PDF.

The fixture (tests/figures/test_boundaries.py) is a province after 1/7/2025: Xã Bình Sơn (made from
Châu Ổ, Bình Chánh, Bình Thạnh), Xã Đông Sơn and Xã Vạn Tường (each taking a share of the split Bình
Hiệp), and the former district's own counter. Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from tests.figures.test_boundaries import history  # noqa: F401  (the fixture)


def _texts(path: Path) -> tuple[list[str], list[str], str]:
    """The head's left block, every paragraph and cell of the DOCX, and the PDF's first page."""
    document = Document(path.with_suffix(".docx"))
    head = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    with pdfplumber.open(path.with_suffix(".pdf")) as pdf:
        first = pdf.pages[0].extract_text()
    return head, texts, first


def _make(runner, args: list[str], out: Path) -> None:
    result = runner.invoke(args=["reports", *args, "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("history")
def test_the_province_summary_is_issued_by_so_noi_vu_with_the_mean_of_its_communes(runner, tmp_path):
    _make(runner, ["quarterly", "--quarter", "2026-Q1", "--unit", "51"], tmp_path)
    head, texts, first_page = _texts(tmp_path / "2026-Q1" / "51")
    assert head == ["UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SNV"]
    assert "SỞ NỘI VỤ" in first_page and "HUYỆN" not in first_page
    body = "\n".join(texts)
    # quý I/2026: Bình Sơn 2 of 3 satisfied (66,67 %), Đông Sơn 1 of 2 (50 %), Vạn Tường 1 of 1 (100 %):
    # the province = (200/3 + 50 + 100) / 3 = 72,22 %
    assert "72,22 %" in texts
    # the same quarter a year before, on the boundaries of 31/3/2026 (communes made from former units):
    # Bình Sơn (300 + 500/7)/5 = 74,2857; Đông Sơn 44; Vạn Tường 60 → 59,43 %; the district's own 0 % not in it
    assert "59,43 %" in texts
    assert "theo địa giới hành chính ngày 31/03/2026" in body
    assert "- UBND tỉnh Quảng Ngãi (để báo cáo);" in "\n".join(texts)
    assert "Trung tâm Phục vụ hành chính công" in body and "Bộ phận Một cửa" not in body


@pytest.mark.usefixtures("history")
def test_a_merged_communes_monthly_report_has_no_district_line_and_compares_on_its_boundaries(runner, tmp_path):
    _make(runner, ["monthly", "--month", "2026-03", "--unit", "21040"], tmp_path)
    head, texts, first_page = _texts(tmp_path / "2026-03" / "21040")
    assert head == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH SƠN", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND"]
    assert "HUYỆN" not in first_page and "XÃ BÌNH SƠN" in first_page
    assert "- UBND tỉnh Quảng Ngãi (để báo cáo);" in "\n".join(texts)
    # the year-ago column: March 2025 of Châu Ổ, Bình Chánh and Bình Thạnh, counted for Xã Bình Sơn
    assert "74,29 %" in texts
