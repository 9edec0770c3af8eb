"""The roster (lịch trực quầy): who staffed which counter on which day, imported from a spreadsheet.

All or nothing: every row is checked first and the file is refused with each problem
named by its spreadsheet line (header = line 1) in Vietnamese. Importing the same roster
again adds nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter, Officer, OfficerShift
from survey.services.dossiers import read_sheet
from survey.services.errors import DomainError, ImportRejected
from survey.services.officers import normalise_code

#: column → accepted headers (compared lower case, spaces collapsed); the last one is shown in messages
COLUMNS = {
    "officer_code": ("officer_code", "mã cán bộ", "mã công chức"),
    "counter_code": ("counter_code", "service_point", "mã quầy"),
    "day": ("day", "date", "ngày"),
}
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})")


def parse_day(value: object) -> date | None:
    """A date from a spreadsheet cell: a date, ``dd/mm/yyyy`` or ``yyyy-mm-dd``; None when not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DAY.fullmatch(str(value or "").strip())
    if match is None:
        return None
    d, m, y = (match[1], match[2], match[3]) if match[1] else (match[6], match[5], match[4])
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def import_roster(path: Path) -> tuple[int, int]:
    """Check every row, then add the new lines; ``(added, already_there)``. Flushes; the caller commits."""
    rows, columns = read_sheet(path, COLUMNS)
    missing = [n for n in COLUMNS if n not in columns.values()]
    if missing:
        raise ImportRejected([(1, None, "thiếu cột " + ", ".join(f"{n} ({COLUMNS[n][-1]})" for n in missing))])
    officers = {o.code: o for o in db.session.scalars(select(Officer))}
    counters = {c.code: c for c in db.session.scalars(select(Counter))}
    problems: list[tuple[int | None, str | None, str]] = []
    wanted: dict[tuple[int, int, date], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        raw = {name: row[i] if i < len(row) else None for i, name in columns.items()}
        if all(v is None or str(v).strip() == "" for v in raw.values()):
            continue
        try:
            officer = officers.get(normalise_code(raw["officer_code"]))
            if officer is None:
                problems.append((line, "officer_code", f"không có công chức mã {str(raw['officer_code']).strip()!r}"))
        except DomainError as exc:
            officer = None
            problems.append((line, "officer_code", str(exc)))
        counter = counters.get(str(raw["counter_code"] or "").strip())
        if counter is None:
            problems.append((line, "counter_code", f"không có quầy mã {str(raw['counter_code'] or '').strip()!r}"))
        day = parse_day(raw["day"])
        if day is None:
            problems.append((line, "day", f"ngày {str(raw['day'] or '').strip()!r} không đúng dạng dd/mm/yyyy"))
        if officer is None or counter is None or day is None:
            continue
        if counter.unit_id != officer.unit_id:
            problems.append(
                (line, "counter_code", f"quầy {counter.code} không thuộc đơn vị của công chức {officer.code}")
            )
        elif not officer.serves_on(day):
            problems.append((line, "day", f"ngày {day:%d/%m/%Y} công chức {officer.code} không còn hoặc chưa phục vụ"))
        key = (officer.id, counter.id, day)
        if key in wanted:
            problems.append((line, None, f"trùng với dòng {wanted[key]}"))
        wanted.setdefault(key, line)
    if problems:
        raise ImportRejected(problems)
    if not wanted:
        raise ImportRejected([(None, None, "tệp không có dòng dữ liệu nào")])
    existing = {
        (s.officer_id, s.counter_id, s.day)
        for s in db.session.scalars(select(OfficerShift).where(OfficerShift.day.in_({k[2] for k in wanted})))
    }
    new = [k for k in wanted if k not in existing]
    db.session.add_all(OfficerShift(officer_id=o, counter_id=c, day=d) for o, c, d in new)
    db.session.flush()
    return len(new), len(wanted) - len(new)
