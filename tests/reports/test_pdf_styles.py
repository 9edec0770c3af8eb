"""The report's PDF with its own cut-down user-agent stylesheet (survey/templates/reports/ua.css) sets the
same pages as with WeasyPrint's whole HTML5 stylesheet: every character at the same place in the same font,
every rule and image at the same place. An element added to the template without its rules in ua.css
fails here."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pdfplumber
import pytest

from survey.figures.periods import Period
from survey.reports import charts, generate, pdf
from survey.reports.data import Settings
from survey.reports.document import Column, Paragraph, Table


def pages(pdf_bytes: bytes) -> list[dict[str, list[tuple]]]:
    """Every character, rule and image of every page, positions rounded to 0.01 pt."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        for page in document.pages:
            out.append({
                "chars": [(c["text"], c["fontname"], round(c["size"], 2), round(c["x0"], 2), round(c["top"], 2))
                          for c in page.chars],
                "lines": [tuple(round(v, 2) for v in (r["x0"], r["top"], r["x1"], r["bottom"]))
                          for r in page.lines + page.rects],
                "images": [tuple(round(v, 2) for v in (i["x0"], i["top"], i["x1"], i["bottom"])) for i in page.images],
            })  # fmt: skip
    return out


def both(doc) -> tuple[bytes, bytes]:
    """The report's PDF as made (cut-down sheet), and with WeasyPrint's own HTML5 stylesheet."""
    from weasyprint import HTML

    images = {chart.key: charts.render(chart) for chart in doc.charts}
    html = pdf.report_html(doc, images)
    full = HTML(string=html, base_url=str(pdf.TEMPLATES), url_fetcher=pdf.fetcher()).write_pdf()
    return pdf.write_pdf(doc, images), full


@pytest.fixture
def docs(app, district, clock):
    """The March 2026 report of Bình Thạnh and the quarter I/2026 summary of the district, as the CLI builds them,
    the monthly one with a table too wide for the page and every paragraph style added."""
    clock(datetime(2026, 4, 1, 2, tzinfo=UTC))
    with app.app_context():
        pairs = generate.monthly_pairs([Period.month(2026, 3)], "X-BTHANH")
        pairs += [(Period.quarter(2026, 1), generate.top_unit())]
        plan = generate.plan(pairs, None, force=True)
        built = [doc for _job, doc in generate._docs(plan.make, Settings.from_config(app.config),
                                                       datetime(2026, 4, 1, 2, tzinfo=UTC))]  # fmt: skip
    monthly = built[0]
    wide = [Column("Đơn vị", width=2.0)] + [Column(f"Chỉ số tháng {m:02d}/2026", "pct") for m in range(1, 25)]
    monthly.blocks[-1:-1] = [
        Table(wide, [["UBND xã Bình Thạnh", *[85.325] * 24]], caption="Bảng rộng", bold_rows=frozenset({0}),
              note="Ghi chú của bảng."),
        *[Paragraph(f"Đoạn kiểu {style}: Cán bộ hướng dẫn tận tình.", style)
          for style in ("body", "italic", "note", "quote", "warning", "bullet")],
    ]  # fmt: skip
    return built


def test_the_cut_down_stylesheet_sets_the_same_pages(docs):
    for doc in docs:
        made, full = both(doc)
        assert pages(made) == pages(full), doc.title
        assert len(pages(made)) >= 2


def test_the_cut_down_stylesheet_is_the_one_used():
    """WeasyPrint's hook still exists and is taken: a list item gets no bullet under the report's sheet."""
    from weasyprint import HTML

    assert callable(getattr(HTML, "_ua_stylesheets", None))
    html = "<ul><li>một</li></ul>"
    with_report_sheet = pdf._report_document()(string=html).write_pdf()
    with_full_sheet = HTML(string=html).write_pdf()
    text = [pdfplumber.open(io.BytesIO(b)).pages[0].extract_text() for b in (with_report_sheet, with_full_sheet)]
    assert text == ["một", "• một"]
