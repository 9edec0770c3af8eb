"""WeasyPrint loads only the app's own static files and data: URIs (issue 16: file:// was allowed)."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from survey.security import STATIC_DIR, allowed_in_pdf, pdf_url_fetcher


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ((STATIC_DIR / "site.css").as_uri(), True),
        ("file:///etc/passwd", False),
        ((STATIC_DIR / ".." / ".." / "setup.cfg").as_uri(), False),  # out of static by ..
        ((STATIC_DIR / "%2e%2e" / "x").as_uri().replace("%252e", "%2e"), False),
        ("http://127.0.0.1:9/x.png", False),
        ("https://example.com/x.css", False),
        ("ftp://example.com/x", False),
        ("file://other-host/etc/passwd", False),
    ],
)
def test_allowed_in_pdf(url, allowed):
    assert allowed_in_pdf(url) is allowed


def _png(tmp_path):
    path = tmp_path / "bi-mat.png"
    Image.new("RGB", (40, 40), (200, 0, 0)).save(path)
    return path


def _images_in(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_pdf_embeds_data_images_but_not_other_files(tmp_path):
    from weasyprint import HTML

    path = _png(tmp_path)
    inline = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
    with_data = HTML(string=f'<img src="{inline}">', url_fetcher=pdf_url_fetcher()).write_pdf()
    with_file = HTML(string=f'<img src="{path.as_uri()}">', url_fetcher=pdf_url_fetcher()).write_pdf()
    assert _images_in(with_data) == 1
    assert _images_in(with_file) == 0  # the file outside static/ was not read
