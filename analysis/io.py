"""Read the CSV exchange format (method §5) into a validated tidy DataFrame.

Every cell is checked before anything is returned: a file either loads whole or
raises :class:`~analysis.errors.InputError` listing *every* problem with its
spreadsheet row (header = row 1, first data row = row 2), its column and a
Vietnamese reason, so the person who typed the paper ballots can fix them all in
one pass.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import IO

import pandas as pd

from analysis.errors import InputError, Problem
from analysis.profile import Profile, load_profile, profile_codes, respondent_questions

#: metadata columns every exchange file has, in their CSV order
META_COLUMNS: tuple[str, ...] = (
    "response_id",
    "submitted_at",
    "profile",
    "unit_code",
    "counter_code",
    "field_code",
    "procedure_code",
    "channel",
)
#: metadata columns whose cells may not be blank
NON_BLANK_COLUMNS: tuple[str, ...] = ("response_id", "submitted_at", "profile", "unit_code", "channel")
CHANNELS: tuple[str, ...] = ("qr", "paper", "kiosk", "web")
COMMENT_COLUMN = "comment"
#: optional column (method §4.1): the pseudonymous code of the civil servant who served, never a name
OFFICER_COLUMN = "officer_code"
#: optional column: where the answer was given, when ``unit_code`` names the unit it counts for on a later
#: day's boundaries (a merged commune's successor; ``responses export --boundaries``)
ORIGINAL_UNIT_COLUMN = "unit_code_original"
#: optional column: the share of the response counted for ``unit_code`` (``responses export --boundaries``: a
#: unit split among several new ones has a row per successor with the recorded share; 1 for every other row).
#: With it, one ``response_id`` may appear on several rows, once per ``unit_code``
WEIGHT_COLUMN = "weight"
#: optional column: ``1`` on a row counted by a share (the dashboard's "ước tính"), empty otherwise
ESTIMATED_COLUMN = "estimated"

#: characters no code or number may hold (PostgreSQL refuses NUL in text outright)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() would also take "٣" (Arabic-Indic)
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_HAS_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

PathOrBuffer = str | os.PathLike[str] | IO[str] | IO[bytes]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _read_text(source: PathOrBuffer) -> str:
    if hasattr(source, "read"):
        raw = source.read()  # type: ignore[union-attr]
        return raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    with open(source, encoding="utf-8-sig", newline="") as fh:
        return fh.read()


def _parse_time(text: str) -> datetime | str:
    """The parsed time, or a Vietnamese reason why ``text`` is not an ISO 8601 time with offset."""
    if not _HAS_TIME.match(text):
        return f"thời gian {text!r} không đúng định dạng ISO 8601 (ví dụ 2026-03-31T08:30:00+07:00)"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return f"thời gian {text!r} không đúng định dạng ISO 8601 (ví dụ 2026-03-31T08:30:00+07:00)"
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        return f"thời gian {text!r} thiếu múi giờ (cần dạng +07:00 hoặc Z)"
    return stamp


class _Checker:
    """Collects problems while converting one file's records."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.problems: list[Problem] = []
        self.profiles: dict[str, Profile] = {code: load_profile(code) for code in profile_codes()}
        self.respondent = {q.code: q.values for q in respondent_questions()}
        question_columns: dict[str, None] = {}
        for p in self.profiles.values():
            question_columns.update(dict.fromkeys(p.question_codes))
        self.question_columns = tuple(c for c in question_columns if c in header)
        self.respondent_columns = tuple(c for c in self.respondent if c in header)

    def add(self, row: int | None, column: str, reason: str) -> None:
        self.problems.append(Problem(row, column, reason))

    def check_header(self) -> bool:
        known = {*META_COLUMNS, COMMENT_COLUMN, OFFICER_COLUMN, ORIGINAL_UNIT_COLUMN, WEIGHT_COLUMN,
                 ESTIMATED_COLUMN, *self.question_columns, *self.respondent_columns}  # fmt: skip
        seen: set[str] = set()
        for name in self.header:
            if name in seen:
                self.add(1, name, "cột bị lặp lại trong dòng tiêu đề")
            seen.add(name)
            if name not in known:
                self.add(1, name, "cột không thuộc định dạng trao đổi (không có trong phiếu nào)")
        for name in META_COLUMNS:
            if name not in seen:
                self.add(1, name, "thiếu cột bắt buộc")
        return not self.problems

    def check_required_items(self, used_profiles: Iterable[str]) -> None:
        """Each profile present in the file needs its satisfaction item columns."""
        for code in sorted(set(used_profiles)):
            for item in self.profiles[code].item_codes:
                if item not in self.header:
                    self.add(1, item, f"thiếu cột bắt buộc của phiếu {code}")

    def weight(self, row: int, text: str) -> float | None:
        if not _DECIMAL.fullmatch(text) or not float(text) < float("inf"):
            self.add(row, WEIGHT_COLUMN, f"trọng số {text!r} phải là số không âm, dấu chấm thập phân (ví dụ 0.6)")
            return None
        return float(text)

    def answer(self, row: int, column: str, text: str, allowed: tuple[int, ...] | None) -> int | None:
        if text == "":
            return None
        if not _INTEGER.fullmatch(text):
            self.add(row, column, f"giá trị {text!r} không phải số nguyên")
            return None
        value = int(text)
        if allowed is None:
            self.add(row, column, "câu hỏi này không thuộc phiếu của dòng này, ô phải để trống")
            return None
        if value not in allowed:
            values = ", ".join(map(str, allowed))
            self.add(row, column, f"giá trị {value} ngoài các giá trị cho phép ({values})")
            return None
        return value


def read_responses(path_or_buffer: PathOrBuffer) -> pd.DataFrame:
    """Read and validate one exchange-format CSV file (method §5).

    Parameters
    ----------
    path_or_buffer : str, path-like or file object
        UTF-8 CSV (a byte-order mark, as Excel writes it, is accepted). Columns are
        matched by name; their order is free. Required: the eight metadata columns
        (``response_id, submitted_at, profile, unit_code, counter_code, field_code,
        procedure_code, channel``) and the satisfaction items (``A1``…) of every
        profile that occurs in the file. Optional: the "in general" questions
        (``A0``…``E0``, ``S0``), perception ``P*``, expectations ``X*``, the
        respondent questions (``sex``, ``age_band``…), ``comment``, ``officer_code``
        (the serving civil servant's pseudonymous code, method §4.1) and ``unit_code_original``
        (where the answer was given, when ``unit_code`` names its unit on a later day's
        boundaries), ``weight`` (the share of the response counted for ``unit_code``, a
        number >= 0; with it a ``response_id`` may repeat on rows of different units) and
        ``estimated`` (``1`` on a row counted by a share). A column
        that is absent means "not asked"; an empty cell means "not answered".

    Returns
    -------
    pandas.DataFrame
        One row per response, indexed by its spreadsheet line (index name
        ``line``; the header is line 1, the first data row line 2, the numbering
        of the problems listed by :class:`InputError`). Blank rows carry no
        response and are skipped, so the index may have gaps: use ``df.index``,
        never the position, to point a person at a row. ``submitted_at`` is a timezone-aware UTC timestamp
        (the instant is kept whatever offset the file used; see
        :func:`analysis.periods.add_periods`), question columns are nullable
        ``Int64`` (``<NA>`` = blank, ``0`` = not applicable), text is
        NFC-normalised, ``channel`` lower case. Several profiles may occur in one
        file; every analysis function works on one profile at a time (it is an
        implicit grouping key), so results are never pooled across profiles.

    Raises
    ------
    InputError
        Listing every problem: file not UTF-8, duplicate/unknown/missing column,
        wrong number of cells, blank or duplicate ``response_id``, blank
        ``unit_code``, unknown profile or channel, time not ISO 8601 or without
        offset, non-integer answer, answer outside the question's allowed values
        (satisfaction 0–5, perception 1–3, expectations 1–4), or an answer to a
        question that is not on that row's profile.

    Examples
    --------
    >>> import io
    >>> text = ("response_id,submitted_at,profile,unit_code,counter_code,field_code,"
    ...         "procedure_code,channel,A1,A2,A3,B1,B2,B3,B4,C1,C2,C3,D1,D2,D3,E1,E2,E3\\n"
    ...         "r1,2026-03-31T18:30:00+00:00,sipas-2024,U1,Q1,F,P,qr,4,5,,0,3,4,4,5,5,5,4,4,4,0,0,0\\n")
    >>> df = read_responses(io.StringIO(text))
    >>> df.loc[2, "A3"] is pd.NA, int(df.loc[2, "B1"]), str(df.loc[2, "submitted_at"])
    (True, 0, '2026-03-31 18:30:00+00:00')
    """
    try:
        text = _read_text(path_or_buffer)
    except UnicodeDecodeError:
        raise InputError([Problem(None, "", "tệp không phải mã UTF-8; hãy lưu lại dưới dạng CSV UTF-8")]) from None
    try:
        records = list(csv.reader(io.StringIO(_nfc(text))))
    except csv.Error:  # e.g. a bare carriage return inside an unquoted cell
        reason = (
            "tệp CSV không đúng định dạng (có dấu xuống dòng giữa một ô không đặt trong ngoặc kép); "
            "hãy lưu lại từ bảng tính dưới dạng CSV UTF-8"
        )
        raise InputError([Problem(None, "", reason)]) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise InputError([Problem(1, "", "tệp rỗng hoặc thiếu dòng tiêu đề")])
    header = [cell.strip() for cell in records[0]]
    check = _Checker(header)
    if not check.check_header():
        raise InputError(check.problems)

    rows: list[dict[str, object]] = []
    lines: list[int] = []
    used_profiles: list[str] = []
    seen_ids: dict[object, int] = {}
    for offset, record in enumerate(records[1:]):
        row = offset + 2
        if not any(cell.strip() for cell in record):
            continue  # a blank spreadsheet row carries no response
        if len(record) != len(header):
            check.add(row, "", f"có {len(record)} ô, dòng tiêu đề có {len(header)} cột")
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record, strict=True)}
        for name, cell in cells.items():
            if name != COMMENT_COLUMN and _CONTROL.search(cell):
                check.add(row, name, "ô chứa ký tự điều khiển (ví dụ ký tự NUL), hãy gõ lại ô này")
                cells[name] = _CONTROL.sub("", cell)
        out: dict[str, object] = {name: cells[name] for name in META_COLUMNS}
        for name in NON_BLANK_COLUMNS:
            if cells[name] == "":
                check.add(row, name, "ô không được để trống")
        rid = cells["response_id"]
        # with shares, a response counts once per unit: the same id on rows of different units
        seen = (rid, cells["unit_code"]) if WEIGHT_COLUMN in cells else rid
        if rid and seen in seen_ids:
            check.add(row, "response_id", f"mã phiếu {rid!r} trùng với dòng {seen_ids[seen]}")
        seen_ids.setdefault(seen, row)
        if cells["submitted_at"]:
            stamp = _parse_time(cells["submitted_at"])
            if isinstance(stamp, str):
                check.add(row, "submitted_at", stamp)
            out["submitted_at"] = stamp
        channel = cells["channel"].lower()
        out["channel"] = channel
        if channel and channel not in CHANNELS:
            check.add(row, "channel", f"kênh {cells['channel']!r} không hợp lệ (qr, paper, kiosk, web)")
        profile = check.profiles.get(cells["profile"])
        if cells["profile"] and profile is None:
            known = ", ".join(check.profiles)
            check.add(row, "profile", f"phiếu {cells['profile']!r} không tồn tại (có: {known})")
        if profile is not None:
            used_profiles.append(profile.code)
        for name in check.question_columns:
            if profile is None:
                # unknown profile (already reported): judge only what needs no profile
                if cells[name] and not _INTEGER.fullmatch(cells[name]):
                    check.add(row, name, f"giá trị {cells[name]!r} không phải số nguyên")
                continue
            allowed = profile.allowed_values(name) if name in profile.question_codes else None
            out[name] = check.answer(row, name, cells[name], allowed)
        for name in check.respondent_columns:
            out[name] = check.answer(row, name, cells[name], check.respondent[name])
        out[COMMENT_COLUMN] = cells.get(COMMENT_COLUMN, "")
        for name in (OFFICER_COLUMN, ORIGINAL_UNIT_COLUMN, ESTIMATED_COLUMN):
            if name in cells:
                out[name] = cells[name]
        if WEIGHT_COLUMN in cells:
            out[WEIGHT_COLUMN] = check.weight(row, cells[WEIGHT_COLUMN])
        if cells.get(ESTIMATED_COLUMN, "") not in ("", "1"):
            check.add(row, ESTIMATED_COLUMN, f"giá trị {cells[ESTIMATED_COLUMN]!r} không hợp lệ (1 hoặc để trống)")
        rows.append(out)
        lines.append(row)
    check.check_required_items(used_profiles)
    if check.problems:
        raise InputError(sorted(check.problems, key=lambda p: (p.row or 0, _column_rank(header, p.column))))
    return _frame(rows, lines, check)


def _column_rank(header: list[str], column: str) -> int:
    return header.index(column) if column in header else -1


def _frame(rows: list[dict[str, object]], lines: list[int], check: _Checker) -> pd.DataFrame:
    officer = [c for c in (OFFICER_COLUMN, ORIGINAL_UNIT_COLUMN, ESTIMATED_COLUMN) if c in check.header]
    weight = [WEIGHT_COLUMN] if WEIGHT_COLUMN in check.header else []
    columns = [*META_COLUMNS, *check.question_columns, *check.respondent_columns, COMMENT_COLUMN, *officer, *weight]
    df = pd.DataFrame(rows, columns=columns, index=pd.Index(lines, dtype="int64", name="line"))
    for name in (*META_COLUMNS, COMMENT_COLUMN, *officer):
        if name != "submitted_at":
            df[name] = df[name].astype("str")
    df["submitted_at"] = pd.to_datetime(pd.Series(df["submitted_at"].tolist(), index=df.index, dtype=object), utc=True)
    for name in (*check.question_columns, *check.respondent_columns):
        df[name] = pd.array(df[name].tolist(), dtype="Int64")
    if weight:
        df[WEIGHT_COLUMN] = df[WEIGHT_COLUMN].astype("float64")
    return df
