"""PDF writer: the Doc as HTML (Jinja, autoescaped) laid out by WeasyPrint in DejaVu Serif.

DejaVu Serif (Debian ``fonts-dejavu-core``) has every Vietnamese glyph, and
WeasyPrint embeds the subset it uses, so the text extracts with its diacritics.
The template is rendered without Flask so that worker processes can use it.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from survey.reports.document import Doc, cell_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.globals["cell_text"] = cell_text
    return env


def report_html(doc: Doc, images: dict[str, bytes]) -> str:
    uris = {key: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for key, png in images.items()}
    return _environment().get_template("reports/report.html").render(doc=doc, images=uris)


def write_pdf(doc: Doc, images: dict[str, bytes]) -> bytes:
    from weasyprint import HTML  # late: it loads Pango, which only posters and reports need

    return HTML(string=report_html(doc, images), base_url=str(TEMPLATES)).write_pdf()
