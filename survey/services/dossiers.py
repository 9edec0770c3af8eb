"""Dossier counts from the one-stop information system: one row per unit, field, procedure and month.

They come through ``POST /api/v1/dossier-counts`` or a spreadsheet (``flask dossiers import``);
both check a cell with :func:`check_cell`, and :func:`record` writes cells so that a resend
replaces what was there, never adds to it.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from survey.extensions import db
from survey.figures.periods import period_month
from survey.models import Counter, DossierCount, Field, Procedure, Unit
from survey.models.api import cell_key
from survey.models.types import utcnow
from survey.services.errors import ImportRejected
from survey.services.spreadsheet import restore
from survey.services.text import clean_text

#: the largest count a cell may hold (a province handles a few hundred thousand dossiers a year)
MAX_COUNT = 10_000_000
#: what a spreadsheet's headers may say, after lower-casing and NFC; the first name is the API's
COLUMNS = {
    "unit": ("unit", "unit_code", "mã đơn vị", "đơn vị"),
    "service_point": ("service_point", "counter_code", "mã quầy", "mã điểm tiếp nhận"),
    "field": ("field", "field_code", "mã lĩnh vực", "lĩnh vực"),
    "procedure": ("procedure", "procedure_code", "mã thủ tục", "thủ tục"),
    "month": ("month", "tháng", "kỳ"),
    "received": ("received", "tiếp nhận", "số hồ sơ tiếp nhận", "hồ sơ tiếp nhận"),
    "returned": ("returned", "đã trả kết quả", "trả kết quả", "số hồ sơ đã trả kết quả"),
    "returned_late": ("returned_late", "trả quá hạn", "trả kết quả quá hạn", "số hồ sơ trả quá hạn", "quá hạn"),
}
REQUIRED = ("field", "month", "received", "returned", "returned_late")
_MONTH_ISO = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_VN = re.compile(r"(?:tháng\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})")


@dataclass(frozen=True)
class Cell:
    unit: Unit
    field: Field
    procedure: Procedure | None
    month: int  #: YYYYMM
    received: int
    returned: int
    returned_late: int


class Codes:
    """Units, service points, fields and procedures by code, each read once."""

    def __init__(self) -> None:
        self._seen: dict[tuple[type, str], object] = {}

    def get(self, model, code: str):
        key = (model, code)
        if key not in self._seen:
            self._seen[key] = db.session.scalar(select(model).where(model.code == code))
        return self._seen[key]


def parse_month(value, now: datetime | None = None) -> tuple[int | None, str | None]:
    """``2026-10``, ``10/2026`` or a spreadsheet date → (YYYYMM, None), or (None, a Vietnamese reason)."""
    if isinstance(value, datetime | date):
        year, month = value.year, value.month
    else:
        text = clean_text(str(value)) if value is not None else None
        match = _MONTH_ISO.fullmatch(text or "")
        found = (match.group(1), match.group(2)) if match else None
        if found is None and (vn := _MONTH_VN.fullmatch((text or "").lower())):
            found = (vn.group(2), vn.group(1))
        if found is None:
            return None, "tháng phải có dạng YYYY-MM (ví dụ 2026-10) hoặc MM/YYYY"
        year, month = int(found[0]), int(found[1])
    if not 1 <= month <= 12 or year < 2000:
        return None, "tháng không hợp lệ"
    if year * 100 + month > period_month(now or utcnow()):
        return None, "tháng chưa tới (tháng trong tương lai)"
    return year * 100 + month, None


def _count(value, name: str) -> tuple[int | None, str | None]:
    if isinstance(value, bool) or value is None or value == "":
        return None, f"thiếu {name}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,12}", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int):
        return None, f"{name} phải là số nguyên"
    if value < 0:
        return None, f"{name} không được âm"
    if value > MAX_COUNT:
        return None, f"{name} quá lớn"
    return value, None


def _text(value) -> str | None:
    return clean_text(restore(str(value))) if value is not None and not isinstance(value, bool) else None


def check_cell(raw: dict, codes: Codes, now: datetime | None = None) -> tuple[Cell | None, list[tuple[str, str]]]:
    """A cell from API or spreadsheet values (keys as in COLUMNS), or the (column, reason) problems."""
    problems: list[tuple[str, str]] = []
    unit = None
    unit_code, point_code = _text(raw.get("unit")), _text(raw.get("service_point"))
    if point_code:
        counter = codes.get(Counter, point_code)
        if counter is None:
            problems.append(("service_point", f"không có điểm tiếp nhận mã {point_code!r}"))
        else:
            unit = counter.unit
    elif unit_code:
        unit = codes.get(Unit, unit_code)
        if unit is None:
            problems.append(("unit", f"không có đơn vị mã {unit_code!r}"))
    else:
        problems.append(("unit", "cần mã đơn vị (unit) hoặc mã điểm tiếp nhận (service_point)"))
    field_code = _text(raw.get("field"))
    field = codes.get(Field, field_code) if field_code else None
    if not field_code:
        problems.append(("field", "thiếu mã lĩnh vực"))
    elif field is None:
        problems.append(("field", f"không có lĩnh vực mã {field_code!r}"))
    elif unit is not None and field.id not in {f.id for f in unit.fields}:
        problems.append(("field", f"đơn vị {unit.code} không giải quyết lĩnh vực {field.code}"))
    procedure_code = _text(raw.get("procedure"))
    procedure = codes.get(Procedure, procedure_code) if procedure_code else None
    if procedure_code and procedure is None:
        problems.append(("procedure", f"không có thủ tục mã {procedure_code!r}"))
    elif procedure is not None and field is not None and procedure.field_id != field.id:
        problems.append(("procedure", f"thủ tục {procedure.code} không thuộc lĩnh vực {field.code}"))
    month, reason = parse_month(raw.get("month"), now)
    if reason:
        problems.append(("month", reason))
    numbers = {}
    for name, label in (("received", "số hồ sơ tiếp nhận"), ("returned", "số hồ sơ đã trả kết quả"),
                        ("returned_late", "số hồ sơ trả quá hạn")):  # fmt: skip
        numbers[name], reason = _count(raw.get(name), label)
        if reason:
            problems.append((name, reason))
    if not problems and numbers["returned_late"] > numbers["returned"]:
        problems.append(("returned_late", "số hồ sơ trả quá hạn lớn hơn số hồ sơ đã trả kết quả"))
    if problems:
        return None, problems
    return Cell(unit, field, procedure, month, **numbers), []


def record(cells: Iterable[Cell], api_key_id: int | None = None, now: datetime | None = None) -> tuple[int, int]:
    """Write cells, replacing any earlier count of the same cell; (created, replaced). Flushes."""
    now = now or utcnow()
    cells = list(cells)
    keys = [cell_key(c.unit.id, c.field.id, c.procedure.id if c.procedure else None, c.month) for c in cells]
    existing = {row.cell: row for row in db.session.scalars(select(DossierCount).where(DossierCount.cell.in_(keys)))}
    created = 0
    for key, c in zip(keys, cells, strict=True):
        row = existing.get(key)
        if row is None:
            row = DossierCount(cell=key, unit_id=c.unit.id, field_id=c.field.id, month=c.month,
                               procedure_id=c.procedure.id if c.procedure else None)  # fmt: skip
            db.session.add(row)
            existing[key] = row
            created += 1
        row.received, row.returned, row.returned_late = c.received, c.returned, c.returned_late
        row.api_key_id, row.updated_at = api_key_id, now
    db.session.flush()
    return created, len(cells) - created


# ---- the monthly spreadsheet ------------------------------------------------------------


def header_key(text) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text or "")).strip().lower())


def read_rows(path: Path) -> list[list]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [list(row) for row in csv.reader(fh)]
    raise ImportRejected([(None, None, "chỉ nhận tệp .xlsx hoặc .csv")])


def read_sheet(path: Path, known: dict[str, tuple[str, ...]]) -> tuple[list[list], dict[int, str]]:
    """A spreadsheet's rows and ``{column index: name}`` for the headers among ``known``'s aliases.

    Raises ImportRejected when the file cannot be read or is empty; shared by every spreadsheet import."""
    try:
        rows = read_rows(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise ImportRejected([(None, None, f"không đọc được tệp ({type(exc).__name__})")]) from exc
    if not rows:
        raise ImportRejected([(None, None, "tệp trống")])
    names = {alias: name for name, aliases in known.items() for alias in aliases}
    return rows, {i: names[header_key(h)] for i, h in enumerate(rows[0]) if header_key(h) in names}


def import_file(path: Path, now: datetime | None = None) -> tuple[int, int]:
    """Check every row, then write them all, or raise ImportRejected listing each problem. Flushes."""
    rows, columns = read_sheet(path, COLUMNS)
    found = set(columns.values())
    missing = [n for n in REQUIRED if n not in found]
    if "unit" not in found and "service_point" not in found:
        missing.insert(0, "unit")
    if missing:
        raise ImportRejected([(1, None, "thiếu cột " + ", ".join(f"{n} ({COLUMNS[n][2]})" for n in missing))])
    codes, cells, problems, seen = Codes(), [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        raw = {name: row[i] if i < len(row) else None for i, name in columns.items()}
        if all(v is None or str(v).strip() == "" for v in raw.values()):
            continue
        cell, found_problems = check_cell(raw, codes, now)
        problems += [(line, column, reason) for column, reason in found_problems]
        if cell is None:
            continue
        key = (cell.unit.id, cell.field.id, cell.procedure.id if cell.procedure else None, cell.month)
        if key in seen:
            problems.append((line, None, f"trùng ô với dòng {seen[key]} (cùng đơn vị, lĩnh vực, thủ tục, tháng)"))
        seen.setdefault(key, line)
        cells.append(cell)
    if problems:
        raise ImportRejected(problems)
    if not cells:
        raise ImportRejected([(None, None, "tệp không có dòng dữ liệu nào")])
    return record(cells, now=now)
