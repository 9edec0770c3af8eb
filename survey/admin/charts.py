"""Charts as inline SVG built on the server: no script, no CDN, readable offline and in print.

Every chart is shown beside a table of the same numbers.
"""

from __future__ import annotations

import math
from html import escape

from survey.figures.fmt import percent

#: five levels of satisfaction, red to green, plus grey for "not applicable"
LEVEL_COLOURS = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac", "#e0e0e0")
SERIES_COLOURS = ("#8b1a1a", "#1b6ca8", "#2e7d32", "#6a3d9a", "#b35806", "#01665e")


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{label}" class="chart"><title>{label}</title>{"".join(body)}</svg>'
    )


def bar_chart(rows: list[tuple[str, float | None, bool]], title: str, label_width: int = 260) -> str:
    """Horizontal bars 0–100 %: (label, index, flagged). Flagged bars are hatched grey."""
    bar_h, gap, width = 26, 8, 760
    plot = width - label_width - 70
    height = max(1, len(rows)) * (bar_h + gap) + 30
    body = []
    for tick in range(0, 101, 20):
        x = label_width + plot * tick / 100
        body.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 24}" stroke="#d0d7de"/>')
        body.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="12" text-anchor="middle" fill="#333">{tick}%</text>'
        )
    for i, (label, value, flagged) in enumerate(rows):
        y = i * (bar_h + gap) + 4
        text = escape(label if len(label) <= 38 else label[:37] + "…")
        body.append(
            f'<text x="{label_width - 8}" y="{y + bar_h * 0.7:.1f}" font-size="13" text-anchor="end" fill="#1a1a1a">{text}</text>'
        )
        if value is None or (isinstance(value, float) and math.isnan(value)):
            body.append(f'<text x="{label_width + 4}" y="{y + bar_h * 0.7:.1f}" font-size="13" fill="#333">—</text>')
            continue
        w = plot * max(0.0, min(100.0, value)) / 100
        colour = "#8c8c8c" if flagged else "#1b6ca8"
        body.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
        mark = " *" if flagged else ""
        body.append(
            f'<text x="{label_width + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="13" fill="#1a1a1a">{escape(percent(value))}{mark}</text>'
        )
    return _svg(width, height, title, body)


def line_chart(x_labels: list[str], series: list[tuple[str, list[float | None]]], title: str,
               marks: dict[int, str] | None = None) -> str:  # fmt: skip
    """Lines over months, y from the lowest value rounded down to 10 up to 100 %; ``marks``: position of the
    first month after a break (a merger) → its label, drawn as a dashed line before that month."""
    legend_rows = (len(series) + 1) // 2
    width, left, top = 760, 50, 16
    bottom = 44 + 18 * legend_rows
    height = 260 + bottom
    values = [v for _, vs in series for v in vs if v is not None and not math.isnan(v)]
    low = max(0, math.floor((min(values) if values else 0) / 10) * 10 - 10) if values else 0
    plot_w, plot_h = width - left - 20, height - top - bottom
    body = []

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * i / max(1, len(x_labels) - 1))
        y = top + plot_h * (1 - (v - low) / max(1, 100 - low))
        return x, y

    for tick in range(low, 101, 10):
        _, y = xy(0, tick)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 20}" y2="{y:.1f}" stroke="#e1e4e8"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" fill="#333">{tick}%</text>')
    for i, label in enumerate(x_labels):
        x, _ = xy(i, low)
        body.append(
            f'<text x="{x:.1f}" y="{height - bottom + 18}" font-size="12" text-anchor="middle" fill="#333">{escape(label)}</text>'
        )
    for i, label in sorted((marks or {}).items()):
        x = (xy(i - 1, low)[0] + xy(i, low)[0]) / 2 if i > 0 else xy(0, low)[0]
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h:.1f}" stroke="#444" '
                    'stroke-width="1.5" stroke-dasharray="4 4"/>')  # fmt: skip
        body.append(f'<text x="{x + 4:.1f}" y="{top + 12}" font-size="12" fill="#1a1a1a">{escape(label)}</text>')
    for s, (name, vs) in enumerate(series):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None and not math.isnan(v)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash = "" if s == 0 else ' stroke-dasharray="6 3"'
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{3 if s == 0 else 2}"{dash}/>'
            )
        for x, y in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 if s == 0 else 3}" fill="{colour}"/>')
        lx = left + (s % 2) * 350
        ly = height - bottom + 44 + (s // 2) * 18
        body.append(f'<rect x="{lx}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>')
        body.append(f'<text x="{lx + 20}" y="{ly - 4}" font-size="12" fill="#1a1a1a">{escape(name)}</text>')
    return _svg(width, height, title, body)


def stacked_bars(rows: list[tuple[str, list[int]]], legend: list[str], title: str) -> str:
    """100 % stacked horizontal bars: (label, counts of levels 1…5 and not applicable)."""
    bar_h, gap, width, label_width = 22, 6, 760, 60
    plot = width - label_width - 20
    height = len(rows) * (bar_h + gap) + 40
    body = []
    for i, (label, counts) in enumerate(rows):
        y = i * (bar_h + gap)
        total = sum(counts)
        body.append(
            f'<text x="{label_width - 8}" y="{y + bar_h * 0.72:.1f}" font-size="13" text-anchor="end" fill="#1a1a1a">{escape(label)}</text>'
        )
        x = float(label_width)
        for level, n in enumerate(counts):
            if total == 0 or n == 0:
                continue
            w = plot * n / total
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{LEVEL_COLOURS[level]}"><title>{escape(legend[level])}: {n}</title></rect>'
            )
            x += w
    for level, name in enumerate(legend):
        lx = label_width + (level % 3) * 230
        ly = height - 26 + (level // 3) * 14
        body.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" fill="{LEVEL_COLOURS[level]}"/>')
        body.append(f'<text x="{lx + 18}" y="{ly}" font-size="12" fill="#1a1a1a">{escape(name)}</text>')
    return _svg(width, height + 6, title, body)
