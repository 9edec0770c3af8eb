"""The reports' typeface and its metrics: Liberation Serif, metric-compatible with Times New Roman.

Nghị định 30/2020 asks for a Vietnamese Unicode font; offices use Times New Roman. The
DOCX names Times New Roman, the PDF embeds Liberation Serif (Debian ``fonts-liberation2``),
whose every glyph has Times New Roman's advance width. So one measurement, taken here from
the Liberation Serif files, says how wide a text is in both documents: the table layout
(:mod:`survey.reports.layout`) chooses column widths with it, and the two renderers agree.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

FAMILY = "Liberation Serif"
#: what the DOCX names; the same metrics
DOCX_FAMILY = "Times New Roman"
FILES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
MM_PER_PT = 25.4 / 72


@cache
def font_file(bold: bool = False, italic: bool = False) -> Path:
    """Where the Liberation Serif file of this style is; the error names the package to install."""
    name = FILES[(bold, italic)]
    for folder in FOLDERS:
        root = Path(folder).expanduser()
        if root.is_dir():
            found = next(iter(sorted(root.rglob(name))), None)
            if found is not None:
                return found
    raise FileNotFoundError(f"Không tìm thấy phông {name}: cài gói Debian fonts-liberation2.")


@cache
def _advances(bold: bool, italic: bool) -> tuple[dict[int, int], int, int]:
    from fontTools.ttLib import TTFont

    with TTFont(font_file(bold, italic), lazy=True) as font:
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        return widths, metrics[".notdef"][0], font["head"].unitsPerEm


@lru_cache(maxsize=1 << 16)
def _units(text: str, bold: bool, italic: bool) -> int:
    """Advance of ``text`` in font units: the table layout measures each cell at every type size it
    tries, and the DOCX and the PDF each lay the tables out, so the same texts come back often."""
    widths, missing, _ = _advances(bold, italic)
    return sum(widths.get(ord(char), missing) for char in text)


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width of ``text`` (NFC) set on one line at ``size`` points, in millimetres (no kerning)."""
    per_em = _advances(bold, italic)[2]
    return _units(text, bold, italic) / per_em * size * MM_PER_PT


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` mm (a longer word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines
