"""The printed sheet of receipt codes, read back: text at least 9 pt, every character inside its slip."""

from __future__ import annotations

import io

import pdfplumber

from survey.extensions import db
from survey.models import Counter

MM = 72 / 25.4  # PDF points per millimetre
SLIP_W, SLIP_H = 70 * MM, 37 * MM  # survey/receipt_sheet.py: 3 × 8 slips of 70 × 37 mm on A4


def test_slips_use_9pt_text_inside_the_cut_lines(app, runner, make_field, make_unit, make_counter, tmp_path):
    # the longest unit and counter names of the demo district (survey/services/demo.py)
    make_field("LD", "Lao động – Thương binh và Xã hội")
    unit = make_unit(code="PLD", name="Phòng Lao động – Thương binh và Xã hội huyện Bình Sơn", field_codes=("LD",))
    counter = make_counter(unit=unit, code="MAU-BSN-Q4")
    with app.app_context():
        db.session.get(Counter, counter.id).name = "Quầy số 4 — Lao động – TB&XH, Đăng ký kinh doanh"
        db.session.commit()
    out = tmp_path / "ma.pdf"
    result = runner.invoke(args=["receipts", "issue", "--counter", "MAU-BSN-Q4", "--count", "30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(io.BytesIO(out.read_bytes())) as pdf:
        assert len(pdf.pages) == 2  # 24 + 6
        slips_seen = set()
        for number, page in enumerate(pdf.pages):
            text = page.extract_text()
            assert "Lao động – Thương binh và Xã hội huyện Bình Sơn" in text.replace("\n", " ")
            assert "Đăng ký kinh doanh" in text.replace("\n", " ")
            for char in page.chars:
                if not char["text"].strip():
                    continue
                assert char["size"] >= 9 - 0.01, char
                column, row = int(char["x0"] // SLIP_W), int(char["top"] // SLIP_H)
                slips_seen.add((number, column, row))
                # inside the slip it starts in, with the 0.2 mm cut line and a hair to spare
                assert char["x1"] <= (column + 1) * SLIP_W - 0.3 * MM, char
                assert char["bottom"] <= (row + 1) * SLIP_H - 0.3 * MM, char
        assert len(slips_seen) == 30
