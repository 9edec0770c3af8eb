"""Importing the exchange CSV: every row checked, the whole file or nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from flask import current_app
from sqlalchemy import insert, select

from analysis.errors import InputError
from analysis.io import ORIGINAL_UNIT_COLUMN, read_responses
from analysis.profile import respondent_questions
from survey.extensions import db
from survey.figures.periods import VN, period_month
from survey.models import Counter, Field, Officer, Procedure, Response, Unit
from survey.models.responses import ANSWER_CODES, answer_column
from survey.models.types import utcnow
from survey.services import feedback, trust
from survey.services.errors import ImportRejected
from survey.services.spreadsheet import FORMULA_STARTS, restore
from survey.services.text import clean_text

#: a response_id at least this long is taken as globally unique (as our exports write them);
#: a shorter one is a ballot number, unique only within its unit
GLOBAL_ID_LENGTH = 16


def response_key(unit_code: str, response_id: str) -> str:
    return response_id if len(response_id) >= GLOBAL_ID_LENGTH else f"{unit_code}/{response_id}"


def _lookup(model, codes: set[str]) -> dict[str, object]:
    if not codes:
        return {}
    return {obj.code: obj for obj in db.session.scalars(select(model).where(model.code.in_(codes)))}


#: the first day a response may carry: SIPAS surveys by QR began after it; an older date is a typo
EARLIEST_DAY = date(2015, 1, 1)


def _date_problem(submitted_at: datetime, today: date) -> str | None:
    """Why a response's time cannot be right (before 2015, or after tomorrow in Vietnam), or None."""
    if submitted_at.year < EARLIEST_DAY.year or submitted_at.astimezone(VN).date() < EARLIEST_DAY:
        return f"ngày trả lời trước {EARLIEST_DAY:%d/%m/%Y}: không thể đúng"
    if submitted_at.year > today.year + 1 or submitted_at.astimezone(VN).date() > today + timedelta(days=1):
        return "ngày trả lời ở tương lai: không thể đúng"
    return None


def _present(value) -> bool:
    return value is not None and value is not pd.NA and value == value and value != ""


def reference_problems(df: pd.DataFrame) -> tuple[list[tuple[int | None, str | None, str]], list[tuple]]:
    """Codes checked against the database: the problems, and per row (unit, counter, field, procedure, key).

    ``df`` needs only the text columns ``response_id, unit_code, counter_code, field_code,
    procedure_code``, indexed by spreadsheet line: so a file whose format is wrong is checked too.
    """
    units = _lookup(Unit, set(df["unit_code"]))
    counters = _lookup(Counter, set(df["counter_code"]) - {""})
    fields = _lookup(Field, set(df["field_code"]) - {""})
    procedures = _lookup(Procedure, set(df["procedure_code"]) - {""})
    keys = [response_key(u, r) for u, r in zip(df["unit_code"], df["response_id"], strict=True)]
    existing = set()
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        existing |= set(db.session.scalars(select(Response.response_key).where(Response.response_key.in_(chunk))))
    first_line: dict[str, int] = {}
    problems: list[tuple[int | None, str | None, str]] = []
    resolved: list[tuple] = []
    for line, record, key in zip(df.index.tolist(), df.to_dict("records"), keys, strict=True):
        unit = units.get(record["unit_code"])
        if unit is None:
            problems.append((line, "unit_code", f"không có đơn vị mã {record['unit_code']!r}"))
        counter = counters.get(record["counter_code"]) if record["counter_code"] else None
        if record["counter_code"] and counter is None:
            problems.append((line, "counter_code", f"không có quầy mã {record['counter_code']!r}"))
        elif counter is not None and unit is not None and counter.unit_id != unit.id:
            problems.append((line, "counter_code", f"quầy {counter.code} không thuộc đơn vị {unit.code}"))
        field = fields.get(record["field_code"])
        if not record["field_code"]:
            problems.append((line, "field_code", "ô không được để trống"))
        elif field is None:
            problems.append((line, "field_code", f"không có lĩnh vực mã {record['field_code']!r}"))
        elif unit is not None and field.id not in {f.id for f in unit.fields}:
            problems.append(
                (line, "field_code", f"lĩnh vực {field.code} không thuộc các lĩnh vực đơn vị {unit.code} xử lý")
            )
        procedure = procedures.get(record["procedure_code"]) if record["procedure_code"] else None
        if record["procedure_code"] and procedure is None:
            problems.append((line, "procedure_code", f"không có thủ tục mã {record['procedure_code']!r}"))
        elif procedure is not None and field is not None and procedure.field_id != field.id:
            problems.append((line, "procedure_code", f"thủ tục {procedure.code} không thuộc lĩnh vực {field.code}"))
        if str(record["response_id"]).startswith(FORMULA_STARTS):
            problems.append(
                (line, "response_id", "mã phiếu không được bắt đầu bằng = + - @ (dễ bị bảng tính coi là công thức)")
            )
        if len(key) > 64:
            problems.append((line, "response_id", "mã phiếu quá dài (tối đa 64 ký tự)"))
        elif key in existing:
            problems.append((line, "response_id", f"phiếu {record['response_id']!r} đã được nhập trước đây"))
        elif key in first_line:
            problems.append(
                (line, "response_id", f"mã phiếu trùng với dòng {first_line[key]} (sau khi ghép mã đơn vị)")
            )
        first_line.setdefault(key, line)
        resolved.append((unit, counter, field, procedure, key))
    return problems, resolved


def check_references(
    df: pd.DataFrame, today: date | None = None
) -> tuple[list[tuple[int | None, str | None, str]], list[dict]]:
    """Check codes against the database, dates and comments; return the problems and the rows ready to insert.

    ``df`` is what :func:`analysis.io.read_responses` returns: problems name ``df.index``, the spreadsheet line.
    """
    today = today or utcnow().astimezone(VN).date()
    max_comment = current_app.config["COMMENT_MAX_LENGTH"]
    problems, resolved = reference_problems(df)
    has_officer = "officer_code" in df.columns
    officers = _lookup(Officer, {c.upper() for c in df["officer_code"]} - {""}) if has_officer else {}
    question_columns = [c for c in ANSWER_CODES if c in df.columns]
    respondent = [q.code for q in respondent_questions() if q.code in df.columns]
    rows: list[dict] = []
    now = utcnow()
    # the index is the spreadsheet line (header = 1), gaps where read_responses skipped blank rows
    for line, record, (unit, counter, field, procedure, key) in zip(df.index.tolist(), df.to_dict("records"),
                                                                   resolved, strict=True):  # fmt: skip
        submitted_at = record["submitted_at"].to_pydatetime()
        wrong_date = _date_problem(submitted_at, today)
        if wrong_date:
            problems.append((line, "submitted_at", wrong_date))
        comment = clean_text(restore(record.get("comment") or None))
        if comment is not None and len(comment) > max_comment:
            problems.append((line, "comment", f"ý kiến quá dài: {len(comment)} ký tự, tối đa {max_comment}"))
        officer = officers.get(record["officer_code"].upper()) if has_officer and record["officer_code"] else None
        if has_officer and record["officer_code"] and officer is None:
            problems.append((line, "officer_code", f"không có công chức mã {record['officer_code']!r}"))
        elif officer is not None and unit is not None and officer.unit_id != unit.id:
            problems.append((line, "officer_code", f"công chức {officer.code} không thuộc đơn vị {unit.code}"))
        if unit is None or field is None or wrong_date:
            continue
        row = {
            "response_key": key,
            "profile": record["profile"],
            "unit_id": unit.id,
            "counter_id": counter.id if counter else None,
            "service_point_id": counter.service_point_id if counter else None,
            "field_id": field.id,
            "procedure_id": procedure.id if procedure else None,
            "channel": record["channel"],
            "submitted_at": submitted_at,
            "period_month": period_month(submitted_at),
            "received_at": now,
            "comment": comment,
            "officer_id": officer.id if officer else None,
            "officer_source": "import" if officer else None,
        }
        for code in question_columns:
            row[answer_column(code)] = int(record[code]) if _present(record[code]) else None
        for name in respondent:
            row[name] = int(record[name]) if _present(record[name]) else None
        row["answer_digest"] = trust.digest_of(lambda code, row=row: row.get(answer_column(code)))
        rows.append(row)
    return problems, rows


_CODE_COLUMNS = ("response_id", "unit_code", "counter_code", "field_code", "procedure_code")


def _raw_codes(path: Path) -> pd.DataFrame | None:
    """The code columns of a file whose format was refused, read as plain text, so their problems come in the same pass."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            records = list(csv.DictReader(f))
    except (UnicodeDecodeError, csv.Error, OSError):
        return None
    if not records or any(c not in records[0] for c in _CODE_COLUMNS):
        return None
    lines, rows = [], []
    for line, record in enumerate(records, start=2):
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        lines.append(line)
        rows.append(
            {c: clean_text(record.get(c) if isinstance(record.get(c), str) else "") or "" for c in _CODE_COLUMNS}
        )
    return pd.DataFrame(rows, index=lines, columns=list(_CODE_COLUMNS)) if rows else None


def import_csv(path: Path) -> int:
    """Validate the whole file, then insert every row; raise ImportRejected listing each problem.

    Nothing is written unless every row is good. Flushes; the caller commits.
    """
    try:
        df = read_responses(path)
    except InputError as exc:
        problems = [(p.row, p.column or None, p.reason) for p in exc.problems]
        raw = _raw_codes(Path(path))
        if raw is not None:
            # the codes too, in the same pass: one round of corrections, not two
            seen = {(line, column) for line, column, _ in problems}
            problems += [p for p in reference_problems(raw)[0] if (p[0], p[1]) not in seen]
            problems.sort(key=lambda p: (p[0] or 0, p[1] or ""))
        raise ImportRejected(problems) from exc
    if df.empty:
        raise ImportRejected([(None, None, "tệp không có dòng dữ liệu nào")])
    if ORIGINAL_UNIT_COLUMN in df.columns:  # unit_code there is the unit of a later day, a split's answer on 2 rows
        raise ImportRejected([(1, ORIGINAL_UNIT_COLUMN, "tệp xuất theo địa giới một ngày (--boundaries) không nhập "
                                                        "lại được; hãy xuất lại không có --boundaries")])  # fmt: skip
    problems, rows = check_references(df)
    if problems:
        raise ImportRejected(problems)
    keys = {k for row in rows for k in row}
    rows = [{k: row.get(k) for k in keys} for row in rows]
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Response), rows[start : start + 2000])
    db.session.flush()
    imported = db.session.scalars(
        select(Response.id).where(Response.response_key.in_([r["response_key"] for r in rows]))
    )
    feedback.collect(list(imported))
    return len(rows)
