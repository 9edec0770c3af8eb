"""`flask qr list` and `flask qr posters`: what counter staff print."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.conftest import ON_CI


def test_qr_list_prints_active_counters_with_public_urls(runner, make_unit, make_counter):
    unit = make_unit(code="XA-01")
    active = make_counter(unit=unit, code="XA-01-Q1", field_code="HT")
    make_counter(unit=unit, code="XA-01-Q2", is_active=False)
    result = runner.invoke(args=["qr", "list"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows == [{"counter_code": "XA-01-Q1", "unit_code": "XA-01", "field_code": "HT",
                     "url": f"https://khaosat.example.vn/s/{active.token}"}]  # fmt: skip


def test_qr_list_filters_by_unit_subtree(runner, make_unit, make_counter):
    district = make_unit(code="H-01", name="UBND huyện Bình Sơn", kind="district")
    commune = make_unit(code="X-02", parent_id=district.id)
    other = make_unit(code="X-03", name="UBND xã khác")
    make_counter(unit=commune, code="X-02-Q1")
    make_counter(unit=other, code="X-03-Q1")
    result = runner.invoke(args=["qr", "list", "--unit", "H-01"])
    codes = [r["counter_code"] for r in csv.DictReader(io.StringIO(result.output))]
    assert codes == ["X-02-Q1"]
    result = runner.invoke(args=["qr", "list", "--unit", "KHONG-CO"])
    assert result.exit_code != 0 and "Không có đơn vị mã KHONG-CO" in result.output


def test_posters_are_a4_pdf_with_decodable_qr(runner, tmp_path, make_unit, make_counter):
    unit = make_unit(code="TT-CHAUO", name="UBND thị trấn Châu Ổ")
    counter = make_counter(unit=unit, code="TT-CHAUO-Q1")
    result = runner.invoke(args=["qr", "posters", "--unit", "TT-CHAUO", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    url = f"https://khaosat.example.vn/s/{counter.token}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["TT-CHAUO-Q1.pdf", "TT-CHAUO-Q1.png", "TT-CHAUO-Q1.svg"]
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "TT-CHAUO-Q1.png"))] == [url]
    assert (tmp_path / "TT-CHAUO-Q1.svg").read_text().lstrip().startswith("<")

    reader = PdfReader(tmp_path / "TT-CHAUO-Q1.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    for expected in (
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "THỊ TRẤN CHÂU Ổ",
        "Mời Ông/Bà quét mã QR",
        url,
        "Gửi đánh giá",
    ):
        assert expected in text.replace("\n", " ") or expected in text, expected


def test_printed_poster_scans_to_the_survey(runner, tmp_path, make_unit, make_counter):
    """Rasterise the PDF as a printer would and decode the QR from the page."""
    if shutil.which("pdftoppm") is None:
        if ON_CI:
            pytest.fail("pdftoppm (poppler-utils) is missing")
        pytest.skip("pdftoppm is not installed")
    counter = make_counter(unit=make_unit(code="X-9"), code="X-9-Q1")
    runner.invoke(args=["qr", "posters", "--out", str(tmp_path)])
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "X-9-Q1.pdf"), str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(page))] == [
        f"https://khaosat.example.vn/s/{counter.token}"
    ]
