"""Turn a Doc into its three files. Pure (no Flask, no database): runs in worker processes too."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from survey.reports import charts
from survey.reports.document import Doc
from survey.reports.docx import write_docx
from survey.reports.pdf import write_pdf
from survey.reports.xlsx import write_xlsx

SUFFIXES = (".docx", ".pdf", ".xlsx")


@contextmanager
def _without_gc_pauses() -> Iterator[None]:
    """Layout builds hundreds of thousands of short-lived objects; the cyclic collector's passes
    over them cost a quarter of the time. Reference counting still frees them; cycles wait
    for the collector's next pass once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def render_files(doc: Doc, folder: str, stem: str) -> list[str]:
    with _without_gc_pauses():
        return _render_files(doc, folder, stem)


def _render_files(doc: Doc, folder: str, stem: str) -> list[str]:
    """Write ``<stem>.docx``, ``.pdf`` and ``.xlsx`` into ``folder``.

    All three are written to hidden temporary names first and renamed only when all
    exist, so an interrupted run never leaves a set that looks complete but is not.
    """
    images = {chart.key: charts.render(chart) for chart in doc.charts}
    payloads = {".docx": write_docx(doc, images), ".pdf": write_pdf(doc, images), ".xlsx": write_xlsx(doc)}
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    moves = []
    for suffix, data in payloads.items():
        temporary = target / f".{stem}{suffix}.{os.getpid()}.tmp"
        temporary.write_bytes(data)
        moves.append((temporary, target / f"{stem}{suffix}"))
    for temporary, final in moves:
        os.replace(temporary, final)
    return [str(final) for _, final in moves]


def warm_up() -> None:
    """Import the heavy libraries once in a worker before the first job."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import weasyprint  # noqa: F401

    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the worker: keep it out of every later pass
