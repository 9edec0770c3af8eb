"""A format-neutral report: blocks that the DOCX, PDF and XLSX writers each render.

Table cells hold raw values (numbers stay numbers for the spreadsheet); the
column ``kind`` says how a document shows them (see :func:`cell_text`).
Text from citizens is plain text here: each writer escapes it for its format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from survey.reports import fmt

#: column kinds: text, int (12.345), pct (85,32%), pp (+1,25), num (8,53)
KINDS = ("text", "int", "pct", "pp", "num")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"
    #: relative width in the documents (the text columns get more)
    width: float = 1.0


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[object]]
    caption: str = ""
    #: name of the XLSX annex sheet the table also goes to (None: documents only)
    sheet: str | None = None
    #: rows shown in bold (the overall index, totals)
    bold_rows: frozenset[int] = frozenset()
    note: str = ""
    #: False: annex only (the documents show the same content otherwise)
    in_document: bool = True


@dataclass(frozen=True)
class Header:
    """The Nghị định 30/2020 head: issuing body left, national title and motto right, number and date."""

    #: the directly superior body (chủ quản), where the decree asks for it; "" for a People's Committee
    superior: str
    #: the issuing body, in capitals, one entry a line at most (a long one wraps)
    issuer: tuple[str, ...]
    number: str
    place_date: str


@dataclass(frozen=True)
class Title:
    kind: str  # BÁO CÁO
    subject: str
    sample_note: str = ""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    #: body, italic, warning, bullet, quote, note
    style: str = "body"


@dataclass(frozen=True)
class Chart:
    """Drawn by :mod:`survey.reports.charts`: ``bar`` (one bar a label) or ``line`` (a trend)."""

    key: str
    kind: str
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    #: points/bars drawn hollow or pale: small samples
    muted: tuple[bool, ...] = ()
    caption: str = ""


@dataclass(frozen=True)
class Signature:
    """ "Nơi nhận" left; right the signer's authority and title lines, room to sign, the name (may be empty)."""

    recipients: tuple[str, ...]
    titles: tuple[str, ...]
    name: str = ""


Block = Header | Title | Heading | Paragraph | Table | Chart | Signature


@dataclass
class Doc:
    """One report: the blocks in order, plus what the annex's first sheet lists."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    #: (label, value) pairs for the annex sheet "Thông tin chung"
    info: list[tuple[str, str]] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def cell_text(value: object, kind: str) -> str:
    """How a document shows a cell."""
    if value is None:
        return fmt.DASH
    if kind == "pct":
        return fmt.pct(value)  # type: ignore[arg-type]
    if kind == "pp":
        return fmt.signed(value)  # type: ignore[arg-type]
    if kind == "num":
        return fmt.decimal(value)  # type: ignore[arg-type]
    if kind == "int":
        return fmt.integer(value)  # type: ignore[arg-type]
    return str(value)
