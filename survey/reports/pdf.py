"""PDF writer: the Doc as HTML (Jinja, autoescaped) laid out by WeasyPrint in Liberation Serif.

Liberation Serif (Debian ``fonts-liberation2``) has every Vietnamese glyph and Times New
Roman's metrics, so the PDF sets the same lines as the DOCX; WeasyPrint embeds the subset it
uses, so the text extracts with its diacritics. Page, head and table widths come from
:mod:`survey.reports.layout`, which the DOCX writer reads too. The template is rendered
without Flask so that worker processes can use it.
"""

from __future__ import annotations

import base64
import threading
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from survey.reports import layout
from survey.reports.document import Doc, cell_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.globals.update(
        cell_text=cell_text,
        L=layout,
        head_lines=layout.head_lines,
        title_rule=layout.title_rule,
        table_parts=layout.table_parts,
    )
    return env


def report_html(doc: Doc, images: dict[str, bytes]) -> str:
    uris = {key: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for key, png in images.items()}
    return _environment().get_template("reports/report.html").render(doc=doc, images=uris)


def write_pdf(doc: Doc, images: dict[str, bytes]) -> bytes:
    html = _report_document()(string=report_html(doc, images), base_url=str(TEMPLATES), url_fetcher=fetcher())
    return html.write_pdf(font_config=_font_config())


#: the browser's defaults the report needs (WeasyPrint's HTML5 stylesheet cut down to the template's elements)
USER_AGENT_CSS = TEMPLATES / "reports" / "ua.css"


@cache
def _report_document():
    """WeasyPrint's ``HTML`` with the report's own user-agent stylesheet (:data:`USER_AGENT_CSS`).

    WeasyPrint matches every element against its whole HTML5 stylesheet (forms, lists, ``[dir]`` and
    ``[hidden]`` rules): half of the report's layout time for rules that never apply to it. The same
    pages come out with the cut-down sheet (tests/reports/test_pdf_styles.py compares them). The hook,
    ``HTML._ua_stylesheets``, is WeasyPrint's own (its tests use it too); the test fails if it goes.
    """
    from weasyprint import CSS, HTML  # late: WeasyPrint loads Pango, which only posters and reports need

    sheet = CSS(filename=str(USER_AGENT_CSS))

    class ReportHTML(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list:
            return [sheet]

    return ReportHTML


_thread = threading.local()


def _font_config():
    """WeasyPrint's font configuration, one per thread and kept from report to report.

    Without it WeasyPrint makes a new one for every document, and with it a new Pango font map
    that loads and measures Liberation Serif again (about 7 % of the PDF's CPU). Pango's
    objects are not shared between threads, hence one per thread.
    """
    config = getattr(_thread, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _thread.font_config = FontConfiguration()
    return config


def fetcher():
    """WeasyPrint's fetcher for a report: the charts are inline ``data:`` images; nothing else, from anywhere."""
    from survey.security import pdf_url_fetcher

    return pdf_url_fetcher(static_files=False)
