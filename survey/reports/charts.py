"""Charts as PNG (matplotlib, Agg, no pyplot state): the same image goes into the DOCX and the PDF."""

from __future__ import annotations

import io
import math
import textwrap
from functools import cache

import numpy as np

from survey.reports import fmt, fonts
from survey.reports.document import Chart

MAIN = "#1f4e79"
PALE = "#a9c1da"
FONT = {"font.family": [fonts.FAMILY, "DejaVu Serif"], "font.size": 8, "svg.fonttype": "path"}


@cache
def _register_fonts() -> None:
    """Tell matplotlib where Liberation Serif is, whatever its font cache says (it may predate the font)."""
    from matplotlib import font_manager

    for bold, italic in fonts.FILES:
        font_manager.fontManager.addfont(str(fonts.font_file(bold, italic)))


def render(chart: Chart, dpi: int = 130) -> bytes:
    """PNG of a ``bar`` or ``line`` chart, 16 × 7 cm, y axis 0–100%."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter
    from PIL import Image

    _register_fonts()
    with matplotlib.rc_context(FONT):
        fig = Figure(figsize=(6.3, 2.75), dpi=dpi)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.27 if chart.kind == "bar" else 0.14)
        # y given: the title sits on the axes' top edge without matplotlib measuring every tick label to
        # see whether any is above it (none is: a fifth of a chart's time)
        ax.set_title(chart.title, fontsize=9, fontweight="bold", y=1.0)
        ax.set_ylim(0, 105)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}%"))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        muted = chart.muted or (False,) * len(chart.values)
        defined = [v for v in chart.values if not math.isnan(v)]
        if not defined:
            ax.text(0.5, 0.5, "Không có dữ liệu", ha="center", va="center", transform=ax.transAxes)
        if chart.kind == "bar":
            _bars(ax, chart, muted)
        else:
            _line(ax, chart, muted)
        canvas.draw()
        # RGB without alpha: WeasyPrint re-encodes an RGBA PNG twice (colour and mask) for every PDF
        image = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def _bars(ax, chart: Chart, muted: tuple[bool, ...]) -> None:
    positions = range(len(chart.values))
    heights = [0.0 if math.isnan(v) else v for v in chart.values]
    ax.bar(positions, heights, width=0.6, color=[PALE if m else MAIN for m in muted])
    # a label wraps to its bar's share of the 16 cm width
    labels = [textwrap.fill(label, max(8, min(16, 110 // max(1, len(chart.labels))))) for label in chart.labels]
    ax.set_xticks(list(positions), labels, fontsize=7)
    for x, value in zip(positions, chart.values, strict=True):
        ax.text(x, (0 if math.isnan(value) else value) + 1.5, fmt.pct(value), ha="center", fontsize=7)


def _line(ax, chart: Chart, muted: tuple[bool, ...]) -> None:
    x = list(range(len(chart.values)))
    ax.plot(x, chart.values, color=MAIN, linewidth=1.4)
    solid = [(i, v) for i, v, m in zip(x, chart.values, muted, strict=True) if not m and not math.isnan(v)]
    hollow = [(i, v) for i, v, m in zip(x, chart.values, muted, strict=True) if m and not math.isnan(v)]
    if solid:
        ax.plot(*zip(*solid, strict=True), "o", color=MAIN, markersize=4)
    if hollow:
        ax.plot(*zip(*hollow, strict=True), "o", markerfacecolor="white", markeredgecolor=MAIN, markersize=4)
    ax.set_xticks(x, list(chart.labels), fontsize=7)
    for i, value in zip(x, chart.values, strict=True):
        if not math.isnan(value):
            ax.text(i, value + 3, fmt.decimal(value, 1), ha="center", fontsize=6.5)
