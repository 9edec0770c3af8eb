"""One page layout for both documents: the page, the head's rules, every table's column widths.

Nghị định 30/2020 (Phụ lục I) sets the A4 page: margins top and bottom 20–25 mm, left
30–35 mm, right 15–20 mm; text 13–14 pt. Both renderers read the sizes from here, and
the column widths of each table are chosen once, from the width of its content in Times
New Roman metrics (:mod:`survey.reports.fonts`): numbers never wrap and are never cut,
long headers and texts wrap at spaces. A table too wide even in the smallest type is split
into parts that repeat its leading text columns, so nothing ever runs past the margin.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey.reports import fonts
from survey.reports.document import Header, Table, cell_text

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm

#: body text, headings, title (points)
BODY_SIZE = 13.0
TITLE_SIZE = 14.0
#: the head (Phụ lục I): names and national title 12–13, motto 13–14, number and date 13–14
HEAD_NAME_SIZE = 12.0
MOTTO_SIZE = 13.0
#: the head's two blocks (mm): issuing body left, national title right
HEAD_LEFT, HEAD_RIGHT = 65.0, TEXT_WIDTH - 65.0
#: the signature's two blocks: recipients left, signer right
SIGN_LEFT, SIGN_RIGHT = 80.0, TEXT_WIDTH - 80.0
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
#: a rule under a name or a title is 1/3 to 1/2 of its line (Phụ lục I): we draw 2/5
RULE_SHARE = 0.4

#: table type sizes tried in turn, largest first
TABLE_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
#: cell padding on each side, and what borders and rounding take from every column (mm)
CELL_PADDING = 1.2
COLUMN_SLACK = 1.0
NUMERIC = ("int", "pct", "pp", "num")
#: a text column reads easily at this width (mm) or this share of its longest text, whichever is wider
EASY_TEXT, EASY_SHARE = 25.0, 0.55


@dataclass(frozen=True)
class Part:
    """A table as printed: which of its columns, their widths (mm, summing to ≤ the text width), type size."""

    columns: tuple[int, ...]
    widths: tuple[float, ...]
    size: float


def _words(text: str) -> list[str]:
    return text.split() or [""]


@dataclass(frozen=True)
class _Needs:
    """What one column needs (mm): ``least`` (numbers whole, words whole), ``easy`` (texts on two lines at
    most), ``natural`` (everything on one line)."""

    least: float
    easy: float
    natural: float
    numeric: bool


def _column_needs(table: Table, index: int, size: float) -> _Needs:
    column = table.columns[index]
    extra = 2 * CELL_PADDING + COLUMN_SLACK
    header_word = max(fonts.text_width(w, size, bold=True) for w in _words(column.title))
    header_line = fonts.text_width(column.title, size, bold=True)
    cells = [(cell_text(row[index], column.kind), i in table.bold_rows) for i, row in enumerate(table.rows)]
    if column.kind in NUMERIC:  # never narrower than its widest number; wider if room lets its title unfold
        widest = max([fonts.text_width(text, size, bold) for text, bold in cells] + [header_word])
        return _Needs(widest + extra, widest + extra, max(widest, header_line) + extra, True)
    longest_word = max([fonts.text_width(w, size, bold) for text, bold in cells for w in _words(text)] + [header_word])
    natural = max([fonts.text_width(text, size, bold) for text, bold in cells] + [header_line], default=0.0)
    natural = max(natural, longest_word)
    easy = min(natural, max(longest_word, EASY_TEXT, EASY_SHARE * natural))
    return _Needs(longest_word + extra, easy + extra, natural + extra, False)


def _grow(widths: list[float], targets: list[float], spare: float) -> float:
    """Widen each column toward its target, in proportion to what it lacks; returns what is left."""
    lacking = [max(0.0, t - w) for w, t in zip(widths, targets, strict=True)]
    total = sum(lacking)
    if total <= 0:
        return spare
    share = min(1.0, spare / total)
    for k, lack in enumerate(lacking):
        widths[k] += lack * share
    return spare - total * share


def _widths(table: Table, columns: list[int], size: float, room: float) -> tuple[float, ...] | None:
    """Column widths filling ``room`` mm, or None if even the narrowest do not fit.

    Room beyond the narrowest goes first to the texts (up to two lines each), then to the
    numeric columns' titles (up to one line), then to the texts again, then by the columns' weights.
    """
    needs = [_column_needs(table, i, size) for i in columns]
    widths = [n.least for n in needs]
    spare = room - sum(widths)
    if spare < 0:
        return None
    spare = _grow(widths, [n.easy for n in needs], spare)
    spare = _grow(widths, [n.natural if n.numeric else w for n, w in zip(needs, widths, strict=True)], spare)
    spare = _grow(widths, [n.natural for n in needs], spare)
    texts = [k for k, n in enumerate(needs) if not n.numeric]
    takers = texts or list(range(len(columns)))
    weight = sum(table.columns[columns[k]].width for k in takers)
    for k in takers:
        widths[k] += spare * table.columns[columns[k]].width / weight
    return tuple(widths)


def table_parts(table: Table, room: float = TEXT_WIDTH) -> list[Part]:
    """How ``table`` is printed within ``room`` mm: one part in the largest type that fits, else split."""
    every = list(range(len(table.columns)))
    for size in TABLE_SIZES:  # the largest type in which the texts read easily …
        if sum(_column_needs(table, i, size).easy for i in every) <= room:
            return [Part(tuple(every), _widths(table, every, size, room) or (), size)]
    for size in TABLE_SIZES:  # … else the largest in which they fit at all
        widths = _widths(table, every, size, room)
        if widths is not None:
            return [Part(tuple(every), widths, size)]
    return _split(table, room, TABLE_SIZES[-1])


def _split(table: Table, room: float, size: float) -> list[Part]:
    """Parts that repeat the leading columns up to the first text column (the row's name)."""
    first_text = next((i for i, c in enumerate(table.columns) if c.kind not in NUMERIC), 0)
    key = list(range(first_text + 1))
    parts: list[Part] = []
    current: list[int] = []
    for index in range(first_text + 1, len(table.columns)):
        if current and _widths(table, key + current + [index], size, room) is None:
            parts.append(Part(tuple(key + current), _widths(table, key + current, size, room) or (), size))
            current = []
        current.append(index)
    if current or not parts:
        columns = key + current
        widths = _widths(table, columns, size, room)
        if widths is None:  # the key columns alone are too wide: give every column an equal share
            widths = tuple(room / len(columns) for _ in columns)
        parts.append(Part(tuple(columns), widths, size))
    return parts


@dataclass(frozen=True)
class HeadLines:
    """The head as printed: the lines of each block and the lengths (mm) of the two short rules."""

    superior: tuple[str, ...]
    issuer: tuple[str, ...]
    issuer_rule: float
    motto_rule: float


def head_lines(header: Header) -> HeadLines:
    """Break the body names into the lines of the left block; rules 2/5 of the name, the motto's length."""
    room = HEAD_LEFT - 2
    superior = tuple(fonts.wrap(header.superior, room, HEAD_NAME_SIZE)) if header.superior else ()
    issuer = tuple(line for part in header.issuer for line in fonts.wrap(part, room, HEAD_NAME_SIZE, bold=True))
    widest = max(fonts.text_width(line, HEAD_NAME_SIZE, bold=True) for line in issuer)
    return HeadLines(superior, issuer, RULE_SHARE * widest, fonts.text_width(MOTTO, MOTTO_SIZE, bold=True))


def title_rule(subject: str, room: float) -> float:
    """The rule under the title's subject: 2/5 of its (longest) line."""
    lines = fonts.wrap(subject, room, TITLE_SIZE, bold=True)
    return RULE_SHARE * max(fonts.text_width(line, TITLE_SIZE, bold=True) for line in lines)
