"""Column widths chosen from content: numbers whole, the text width never exceeded, a table too wide split."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from survey.reports import fonts, layout
from survey.reports.document import Column, Table

SNAPSHOTS = Path(__file__).parent / "snapshots"


def test_numbers_get_their_width_and_texts_the_rest():
    table = Table([Column("Đơn vị", width=2.0), Column("Số phiếu", "int"), Column("Tỷ lệ hài lòng", "pct")],
                  [["UBND thị trấn Châu Ổ", 1234, 100.0], ["UBND xã Bình Thạnh", 5, 7.5]])  # fmt: skip
    (part,) = layout.table_parts(table)
    assert part.size == 11 and sum(part.widths) == pytest.approx(layout.TEXT_WIDTH)
    # "100,00%" in Times New Roman 11 pt: 3 digits × 0.5 em + "," 0.25 + 2 digits × 0.5 + "%" 0.833 = 3.583 em
    # = 39.4 pt = 13.9 mm, plus 2 × 1.2 mm padding and 1 mm slack
    assert part.widths[2] >= 13.9 + 3.4 - 0.05
    assert part.widths[0] > part.widths[1] and part.widths[0] > part.widths[2]


def test_a_table_too_wide_for_the_page_is_split_repeating_its_names():
    columns = [Column("Đơn vị", width=2.0)] + [Column(f"Chỉ số tháng {m:02d}/2026", "pct") for m in range(1, 25)]
    rows = [["UBND xã Bình Thạnh", *[100.0] * 24], ["UBND thị trấn Châu Ổ", *[55.55] * 24]]
    parts = layout.table_parts(Table(columns, rows))
    assert len(parts) >= 2 and all(p.columns[0] == 0 for p in parts)  # the unit's name on every part
    shown = [i for p in parts for i in p.columns[1:]]
    assert shown == list(range(1, 25))  # every column once, in order
    for part in parts:
        assert sum(part.widths) <= layout.TEXT_WIDTH + 1e-6
        for index, width in zip(part.columns[1:], part.widths[1:], strict=True):
            assert width >= fonts.text_width("100,00%", part.size) + 2 * layout.CELL_PADDING, index


def test_the_page_snapshots_are_kept():
    """Pages 1 and 2 of a demo report as PNG (`make report-snapshots`), for a human to compare."""
    for page in (1, 2):
        with Image.open(SNAPSHOTS / f"monthly-page-{page}.png") as image:
            assert image.format == "PNG"
            width, height = image.size
            assert height / width == pytest.approx(297 / 210, rel=0.01)


def test_a_report_fetches_nothing_but_its_inline_charts():
    from survey.reports.pdf import fetcher

    fetch = fetcher()
    response = fetch("data:text/plain;base64,b2s=")
    assert response.read() == b"ok"
    response.close()
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/a.css"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetch(url)
