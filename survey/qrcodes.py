"""QR images and printable A4 posters for counters."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
import qrcode.image.svg
from flask import render_template
from qrcode.constants import ERROR_CORRECT_M

from survey.models.counters import MOTTO


def _qr(url: str) -> qrcode.QRCode:
    # Level M survives a smudged or creased print; border 4 is the quiet zone scanners need.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=12, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    _qr(url).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    image = _qr(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def poster_html(counter, url: str) -> str:
    """The A4 poster of a counter, headed as the one-stop visual identity heads its service point."""
    return render_template("posters/poster.html", counter=counter, url=url, qr_svg=qr_svg(url), motto=MOTTO)


def poster_pdf(counter, url: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which only posters and reports need

    from survey.security import pdf_url_fetcher

    return HTML(string=poster_html(counter, url), url_fetcher=pdf_url_fetcher()).write_pdf()


def write_counter_files(counter, url: str, out_dir: Path) -> list[Path]:
    """Write ``<code>.pdf``, ``<code>.png`` and ``<code>.svg`` for one counter."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / counter.code
    files = [stem.with_suffix(".pdf"), stem.with_suffix(".png"), stem.with_suffix(".svg")]
    files[0].write_bytes(poster_pdf(counter, url))
    files[1].write_bytes(qr_png(url))
    files[2].write_text(qr_svg(url), encoding="utf-8")
    return files
