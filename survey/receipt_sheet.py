"""A printable A4 sheet of one-time receipt codes: 24 slips to cut out, each with its QR."""

from __future__ import annotations

from flask import render_template

from survey.figures.periods import VN
from survey.qrcodes import qr_svg
from survey.services.receipts import display

#: slips on one A4 page (3 columns × 8 rows of 70 × 37 mm)
PER_PAGE = 24


def receipt_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/r/{code}"


def sheet_html(counter, receipts, base_url: str) -> str:
    slips = [
        {"code": display(r.code), "qr": qr_svg(receipt_url(base_url, r.code)),
         "expires": r.expires_at.astimezone(VN).strftime("%d/%m/%Y") if r.expires_at else None}
        for r in receipts
    ]  # fmt: skip
    pages = [slips[i : i + PER_PAGE] for i in range(0, len(slips), PER_PAGE)]
    entry = base_url.rstrip("/").split("://", 1)[-1] + "/r"
    return render_template("receipts/sheet.html", counter=counter, field=receipts[0].field if receipts else None,
                           pages=pages, entry=entry)  # fmt: skip


def sheet_pdf(counter, receipts, base_url: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which only printed sheets need

    from survey.security import pdf_url_fetcher

    return HTML(string=sheet_html(counter, receipts, base_url), url_fetcher=pdf_url_fetcher()).write_pdf()
