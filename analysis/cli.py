"""Command line: ``python -m analysis sipas FILE.csv --by unit_code,month`` and
``python -m analysis officers FILE.csv [--element C] [--min-n 30] [--format csv|json]``.

A file with a ``weight`` column (``responses export --boundaries``: a split unit's answers on a row per
successor with the recorded share) is counted by those shares, each row as ``weight`` of a response, and
the groups holding an ``estimated`` row are flagged ``estimated``: the app's figures on the same
boundaries, to the printed digit.

Exit codes: 0 success; 1 the input file is unreadable or invalid (every problem
on stderr with its row and column); 2 wrong command-line usage. Nothing is
written to stdout unless the whole table could be computed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

import pandas as pd

from analysis.errors import InputError
from analysis.indices import RESULT_COLUMNS, RULES
from analysis.io import (
    ESTIMATED_COLUMN,
    META_COLUMNS,
    OFFICER_COLUMN,
    ORIGINAL_UNIT_COLUMN,
    WEIGHT_COLUMN,
    read_responses,
)
from analysis.officers import officer_summary, officer_table
from analysis.periods import PERIOD_COLUMNS, add_periods
from analysis.profile import respondent_questions
from analysis.tables import rank_table
from analysis.weights import sipas_from_responses


def groupable_columns() -> tuple[str, ...]:
    """Columns ``--by`` accepts: exchange-format metadata, periods, respondent questions."""
    meta = tuple(c for c in META_COLUMNS if c not in ("response_id", "submitted_at"))
    return (*meta, *PERIOD_COLUMNS, *(q.code for q in respondent_questions()))


class _Parser(argparse.ArgumentParser):
    """argparse with the final error line in Vietnamese."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analysis", description="Phân tích khảo sát SIPAS.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sipas = sub.add_parser("sipas", help="Bảng chỉ số SIPAS (câu hỏi, yếu tố, chỉ số chung) từ tệp CSV trao đổi.")
    sipas.add_argument("file", help="tệp CSV theo định dạng trao đổi (UTF-8)")
    sipas.add_argument("--by", default="", help="các cột nhóm, cách nhau bởi dấu phẩy (để trống = cả tệp)")
    sipas.add_argument("--rule", default="mean_of_items", help=f"quy tắc gộp: {', '.join(RULES)}")
    sipas.add_argument("--format", default="csv", help="csv hoặc json")
    sipas.add_argument("--min-n", default="30", help="số phiếu tối thiểu để xếp hạng (mặc định 30)")
    sipas.add_argument("--max-points", default=None, help="điểm tối đa PAR INDEX (thêm cột points)")
    sipas.add_argument("--rank-among", default=None, help="cột nhóm để xếp hạng (vd. unit_code)")
    officers = sub.add_parser(
        "officers", help="Chỉ số hài lòng từng công chức, điều chỉnh theo cơ cấu lĩnh vực của đơn vị (§4.1)."
    )
    officers.add_argument("file", help="tệp CSV theo định dạng trao đổi, có cột officer_code")
    officers.add_argument("--element", default="C", help="yếu tố (mặc định C: Công chức giải quyết công việc)")
    officers.add_argument("--rule", default="mean_of_items", help=f"quy tắc gộp: {', '.join(RULES)}")
    officers.add_argument("--min-n", default="30", help="số phiếu tối thiểu để có số liệu (mặc định 30)")
    officers.add_argument("--format", default="csv", help="csv hoặc json")
    officers.add_argument("--profile", default=None, help="mã phiếu khi tệp có nhiều phiếu")
    return parser


def _write(table: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        text = table.to_json(orient="records", force_ascii=False, double_precision=15) + "\n"
    else:
        text = table.to_csv(index=False, lineterminator="\n")
    sys.stdout.write(text)


def _read(path: str) -> pd.DataFrame | None:
    try:
        return read_responses(path)
    except InputError as err:
        print(err, file=sys.stderr)
    except OSError as err:
        print(f"Không đọc được tệp {path!r}: {err.strerror or err}", file=sys.stderr)
    return None


def officers_main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    min_n, _ = _options(parser, args)
    df = _read(args.file)
    if df is None:
        return 1
    if OFFICER_COLUMN not in df.columns:
        print(f"Tệp không có cột {OFFICER_COLUMN!r} (mã công chức phục vụ)", file=sys.stderr)
        return 1
    if ORIGINAL_UNIT_COLUMN in df.columns:  # an export on a day's boundaries: each officer where they served
        df = df.drop_duplicates("response_id").assign(unit_code=lambda d: d[ORIGINAL_UNIT_COLUMN])
    try:
        table = officer_table(df, args.element, profile=args.profile, rule=args.rule, min_n=min_n)
    except ValueError as err:
        print(f"Không tính được: {err}", file=sys.stderr)
        return 1
    _write(officer_summary(table), args.format)
    return 0


def _parse_by(parser: argparse.ArgumentParser, text: str) -> list[str]:
    cols = [c.strip() for c in text.split(",") if c.strip()]
    allowed = groupable_columns()
    for col in cols:
        if col not in allowed:
            parser.error(f"cột nhóm không hợp lệ {col!r} trong --by (chọn trong: {', '.join(allowed)})")
    if len(set(cols)) != len(cols):
        parser.error("--by có cột bị lặp lại")
    return [c for c in cols if c != "profile"]


def _options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[int, float | None]:
    if args.rule not in RULES:
        parser.error(f"--rule phải là một trong: {', '.join(RULES)} (nhận được {args.rule!r})")
    if args.format not in ("csv", "json"):
        parser.error(f"--format phải là csv hoặc json (nhận được {args.format!r})")
    try:
        min_n = int(args.min_n)
        if min_n < 0:
            raise ValueError
    except ValueError:
        parser.error(f"--min-n phải là số nguyên không âm (nhận được {args.min_n!r})")
    max_points = None
    if getattr(args, "max_points", None) is not None:
        try:
            max_points = float(args.max_points)
            if not max_points > 0:
                raise ValueError
        except ValueError:
            parser.error(f"--max-points phải là số dương (nhận được {args.max_points!r})")
    return min_n, max_points


def sipas_report(
    df: pd.DataFrame, by: Sequence[str], rule: str, min_n: int, max_points: float | None = None
) -> pd.DataFrame:
    """One table for a file that may mix profiles: ``profile`` leads as a grouping key.

    Rows weighted by a share (a ``weight`` column other than 1) count as that share of a response."""
    shares = WEIGHT_COLUMN in df.columns and bool((df[WEIGHT_COLUMN] != 1.0).any())
    frames = []
    for code in sorted(df["profile"].unique()):
        rows = df[df["profile"] == code]
        part = sipas_from_responses(
            rows,
            list(by),
            code,
            rule,  # type: ignore[arg-type]
            weights=WEIGHT_COLUMN if shares else None,
            min_n=min_n,
            shares=shares,
            max_points=max_points,
        )
        if ESTIMATED_COLUMN in rows.columns:
            part = _mark_estimated(part, rows, list(by))
        part.insert(0, "profile", code)
        frames.append(part)
    if not frames:
        extra = ["points"] if max_points is not None else []
        return pd.DataFrame(columns=["profile", *by, *RESULT_COLUMNS, *extra])
    return pd.concat(frames, ignore_index=True)


def _mark_estimated(table: pd.DataFrame, rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Add the ``estimated`` flag to the groups of ``table`` that hold a row counted by a share."""
    marked = rows[rows[ESTIMATED_COLUMN] == "1"]
    if marked.empty or table.empty:
        return table
    if by:
        keys = set(marked[by].astype(str).itertuples(index=False, name=None))
        hit = pd.Series([k in keys for k in table[by].astype(str).itertuples(index=False, name=None)],
                        index=table.index)  # fmt: skip
    else:
        hit = pd.Series(True, index=table.index)
    table = table.copy()
    table.loc[hit, "flag"] = [f"{f};{ESTIMATED_COLUMN}" if f else ESTIMATED_COLUMN for f in table.loc[hit, "flag"]]
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "officers":
        return officers_main(parser, args)
    by = _parse_by(parser, args.by)
    min_n, max_points = _options(parser, args)
    if args.rank_among is not None and args.rank_among not in by:
        parser.error(f"--rank-among {args.rank_among!r} phải là một cột trong --by")
    df = _read(args.file)
    if df is None:
        return 1
    missing = [c for c in by if c not in df.columns and c not in PERIOD_COLUMNS]
    if missing:
        print(f"Tệp không có cột {missing[0]!r} dùng trong --by", file=sys.stderr)
        return 1
    df = add_periods(df)
    table = sipas_report(df, by, args.rule, min_n, max_points)
    if args.rank_among is not None:
        table = rank_table(table, args.rank_among)
    _write(table, args.format)
    return 0
