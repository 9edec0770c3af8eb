"""Charts built on the server as HTML with small inline SVG shapes: no script, no CDN, readable offline and in print.

Every chart is shown beside a table of the same numbers. Charts are drawn for any width without
scaling their text: words and figures are HTML text (they wrap and keep the page's font size, at
least 12 px at every width); the SVG parts only draw shapes, positioned in percent of the width
(bars) or stretched to it (lines, with strokes that do not stretch). So a phone at 360 px shows
the same chart as a desk at 1366 px, never a shrunken picture with 4 px letters.
"""

from __future__ import annotations

import math
from html import escape

from survey.figures.fmt import defined, percent

#: five levels of satisfaction, red to green, plus grey for "not applicable"
LEVEL_COLOURS = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac", "#e0e0e0")
SERIES_COLOURS = ("#8b1a1a", "#1b6ca8", "#2e7d32", "#6a3d9a", "#b35806", "#01665e")
BAR, SMALL = "#1b6ca8", "#8c8c8c"


def _pct(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.2f}%"


def _figure(kind: str, title: str, body: str) -> str:
    label = escape(title)
    return f'<figure class="chart {kind}" aria-label="{label}"><figcaption>{label}</figcaption>{body}</figure>'


def _swatch(colour: str) -> str:
    return (f'<svg class="swatch" width="14" height="14" aria-hidden="true" focusable="false">'
            f'<rect width="14" height="14" fill="{colour}"/></svg>')  # fmt: skip


def bar_list(rows: list[tuple[str, float | None, bool]], title: str) -> str:
    """Horizontal bars 0–100 %, one line each: (label, index, flagged). Flagged bars are grey with ``*``.

    The label and the figure are text above the bar, so a long unit name wraps instead of shrinking.
    """
    items = []
    for label, value, flagged in rows:
        mark = " *" if flagged else ""
        shown = escape(percent(value)) if defined(value) else "—"
        bar = ""
        if defined(value) and not (isinstance(value, float) and math.isnan(value)):
            bar = (f'<svg class="bar" width="100%" height="14" aria-hidden="true" focusable="false">'
                   f'<rect width="{_pct(float(value))}" height="14" rx="2" fill="{SMALL if flagged else BAR}"/></svg>')  # fmt: skip
        items.append(f'<li{" class=small" if flagged else ""}><span class="bar-label">{escape(label)}</span>'
                     f'<span class="bar-value">{shown}{mark}</span>{bar}</li>')  # fmt: skip
    return _figure("bars", title, f'<ol class="bar-list">{"".join(items)}</ol>')


def line_chart(x_labels: list[str], series: list[tuple[str, list[float | None]]], title: str,
               marks: dict[int, str] | None = None) -> str:  # fmt: skip
    """Lines over months, y from the lowest value rounded down to 10 up to 100 %, stretched to the width.

    Grid labels sit on their line at the left; month labels every month (every other one on a phone).
    ``marks``: position of the first month after a break (a merger) → its label, drawn as a dashed
    line before that month.
    """
    values = [v for _, vs in series for v in vs if v is not None and not math.isnan(v)]
    low = max(0, math.floor((min(values) if values else 0) / 10) * 10 - 10) if values else 0
    height, top, bottom = 240, 8, 28
    plot_h = height - top - bottom
    n = max(1, len(x_labels) - 1)

    def x_of(i: int) -> float:  # in percent of the width, inside a 4 % margin on both sides
        return 4 + 92 * i / n

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - low) / max(1, 100 - low))

    body = []
    for tick in range(low, 101, 10):
        y = y_of(tick)
        body.append(f'<line x1="0" y1="{y:.1f}" x2="100%" y2="{y:.1f}" stroke="#e1e4e8"/>')
        body.append(f'<text x="2" y="{y - 3:.1f}" class="tick">{tick}%</text>')
    step = max(1, math.ceil(len(x_labels) / 12))  # at most 12 month labels, the last month always labelled
    for i, label in enumerate(x_labels):
        back = len(x_labels) - 1 - i
        if back % step:
            continue
        odd = ' class="axis odd"' if (back // step) % 2 else ' class="axis"'
        body.append(f'<text x="{x_of(i):.2f}%" y="{height - 8}" text-anchor="middle"{odd}>{escape(label)}</text>')
    lines = []
    for i, label in sorted((marks or {}).items()):
        x = (x_of(i - 1) + x_of(i)) / 2 if i > 0 else x_of(0)
        body.append(f'<line x1="{x:.2f}%" y1="{top}" x2="{x:.2f}%" y2="{top + plot_h:.1f}" stroke="#444" '
                    'stroke-width="1.5" stroke-dasharray="4 4"/>')  # fmt: skip
        body.append(f'<text x="{x + 0.5:.2f}%" y="{top + 12}" class="tick">{escape(label)}</text>')
    for s, (name, vs) in enumerate(series):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        points = [(x_of(i) * 10, y_of(v), v) for i, v in enumerate(vs) if v is not None and not math.isnan(v)]
        width = 3 if s == 0 else 2
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            dash = "" if s == 0 else ' stroke-dasharray="6 3"'
            lines.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{width}"{dash} '
                         'vector-effect="non-scaling-stroke"/>')  # fmt: skip
        for x, y, v in points:  # a dot: a line of no length with round ends, unstretched
            lines.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{colour}" '
                         f'stroke-width="{width * 2 + 2}" stroke-linecap="round" vector-effect="non-scaling-stroke">'
                         f"<title>{escape(name)}: {escape(percent(v))}</title></line>")  # fmt: skip
    plot = (f'<svg x="0" y="0" width="100%" height="{height}" viewBox="0 0 1000 {height}" '
            f'preserveAspectRatio="none" overflow="visible">{"".join(lines)}</svg>')  # fmt: skip
    svg = (f'<svg class="lines" width="100%" height="{height}" role="img" aria-label="{escape(title)}">'
           f"{''.join(body)}{plot}</svg>")  # fmt: skip
    legend = "".join(f"<li>{_swatch(SERIES_COLOURS[s % len(SERIES_COLOURS)])}{escape(name)}</li>"
                     for s, (name, _) in enumerate(series))  # fmt: skip
    return _figure("trend", title, f'{svg}<ul class="legend">{legend}</ul>')


def stacked_bars(rows: list[tuple[str, list[int]]], legend: list[str], title: str) -> str:
    """100 % stacked bars, one line each: (label, counts of levels 1…5 and not applicable)."""
    items = []
    for label, counts in rows:
        total = sum(counts)
        x, parts = 0.0, []
        for level, n in enumerate(counts):
            if total == 0 or n == 0:
                continue
            w = 100 * n / total
            parts.append(f'<rect x="{x:.2f}%" width="{w:.2f}%" height="18" fill="{LEVEL_COLOURS[level]}">'
                         f"<title>{escape(legend[level])}: {n}</title></rect>")  # fmt: skip
            x += w
        svg = f'<svg class="bar" width="100%" height="18" aria-hidden="true" focusable="false">{"".join(parts)}</svg>'
        items.append(f'<li><span class="bar-label">{escape(label)}</span>{svg}</li>')
    keys = "".join(f"<li>{_swatch(LEVEL_COLOURS[i])}{escape(name)}</li>" for i, name in enumerate(legend))
    return _figure(
        "stacked", title, f'<ol class="bar-list stacked">{"".join(items)}</ol><ul class="legend">{keys}</ul>'
    )
