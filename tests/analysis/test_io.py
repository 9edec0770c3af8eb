"""Reading the exchange format: every bad input is reported with its row and column."""

from __future__ import annotations

import io
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from analysis import InputError, read_responses
from analysis.cli import main
from analysis.counts import counts_from_responses
from analysis.profile import load_profile

ROOT = Path(__file__).resolve().parents[2]
P24 = load_profile("sipas-2024")
P17 = load_profile("sipas-2017")
META = "response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,channel"
GOOD = "2026-03-05T09:00:00+07:00,sipas-2024,U1,Q1,land,P01,qr"


def csv_text(rows: list[str], items: tuple[str, ...] = P24.item_codes, extra: str = "") -> str:
    header = ",".join([META, *items]) + extra
    return "\n".join([header, *rows]) + "\n"


def answers(values: dict[str, str] | None = None, items: tuple[str, ...] = P24.item_codes) -> str:
    values = values or {}
    return ",".join(values.get(c, "4") for c in items)


def problems_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(InputError) as info:
        read_responses(io.StringIO(text))
    return [(p.row, p.column) for p in info.value.problems]


def test_reads_a_valid_file() -> None:
    text = csv_text([f"r1,{GOOD},{answers({'C1': '', 'C2': '0'})}", f"r2,{GOOD},{answers()}"])
    df = read_responses(io.StringIO(text))
    assert len(df) == 2
    assert str(df["C1"].dtype) == "Int64"
    assert df.loc[2, "C1"] is pd.NA
    assert df.loc[2, "C2"] == 0
    assert str(df["submitted_at"].dt.tz) == "UTC"
    assert (df["comment"] == "").all()


def test_optional_question_columns_may_be_absent() -> None:
    # no A0…E0, S0, P, X columns: they were not asked, which is allowed
    df = read_responses(io.StringIO(csv_text([f"r1,{GOOD},{answers()}"])))
    assert "S0" not in df.columns and "P1" not in df.columns


def test_accepts_bytes_with_bom_and_path(tmp_path: Path) -> None:
    text = csv_text([f"r1,{GOOD},{answers()}"])
    assert len(read_responses(io.BytesIO(("\ufeff" + text).encode("utf-8")))) == 1
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8-sig")
    assert len(read_responses(path)) == 1
    assert len(read_responses(str(path))) == 1


def test_text_is_nfc_normalised() -> None:
    nfd = unicodedata.normalize("NFD", "Phường Bến Nghé")
    text = csv_text(
        [f"r1,2026-03-05T09:00:00+07:00,sipas-2024,{nfd},Q1,land,P01,qr,{answers()},{nfd}"], extra=",comment"
    )
    df = read_responses(io.StringIO(text))
    assert df.loc[2, "unit_code"] == unicodedata.normalize("NFC", "Phường Bến Nghé")
    assert df.loc[2, "comment"] == df.loc[2, "unit_code"]


def test_mixed_profiles_are_kept_apart() -> None:
    items = tuple(dict.fromkeys([*P24.item_codes, *P17.item_codes]))
    row24 = answers({c: "" for c in set(P17.item_codes) - set(P24.item_codes)}, items)
    row17 = answers({c: "5" for c in P17.item_codes} | {c: "" for c in set(items) - set(P17.item_codes)}, items)
    text = csv_text([f"r1,{GOOD},{row24}", f"r2,2026-03-05T09:00:00+07:00,sipas-2017,U1,Q1,land,P01,qr,{row17}"], items)
    df = read_responses(io.StringIO(text))
    assert set(df["profile"]) == {"sipas-2024", "sipas-2017"}
    with pytest.raises(ValueError, match="profile"):
        counts_from_responses(df)
    counts17 = counts_from_responses(df, profile="sipas-2017")
    assert set(counts17["code"]) == set(P17.item_codes)
    assert (counts17["value"] == 5).all()


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        (
            f"r1,2026-03-05T09:00:00+07:00,sipas-2099,U1,Q1,land,P01,qr,{answers()}",
            (2, "profile"),
            "sipas-2099",
        ),
        (f"r1,{GOOD},{answers({'C2': '7'})}", (2, "C2"), "ngoài các giá trị cho phép"),
        (f"r1,{GOOD},{answers({'A1': '-1'})}", (2, "A1"), "ngoài các giá trị cho phép"),
        (f"r1,{GOOD},{answers({'B4': '4.5'})}", (2, "B4"), "không phải số nguyên"),
        (f"r1,{GOOD},{answers({'D3': 'x'})}", (2, "D3"), "không phải số nguyên"),
        (f"r1,31/03/2026 08:00,sipas-2024,U1,Q1,land,P01,qr,{answers()}", (2, "submitted_at"), "ISO 8601"),
        (
            f"r1,2026-13-45T08:00:00+07:00,sipas-2024,U1,Q1,land,P01,qr,{answers()}",
            (2, "submitted_at"),
            "ISO",
        ),
        (f"r1,2026-03-31T08:00:00,sipas-2024,U1,Q1,land,P01,qr,{answers()}", (2, "submitted_at"), "múi giờ"),
        (f"r1,2026-03-05T09:00:00+07:00,sipas-2024,U1,Q1,land,P01,fax,{answers()}", (2, "channel"), "fax"),
        (f"r1,2026-03-05T09:00:00+07:00,sipas-2024,,Q1,land,P01,qr,{answers()}", (2, "unit_code"), "trống"),
        (f"r1,{GOOD},{answers()},9", (2, ""), "có 25 ô, dòng tiêu đề có 24 cột"),
    ],
)
def test_each_bad_cell_is_named(row: str, where: tuple[int, str], reason: str) -> None:
    text = csv_text([f"r0,{GOOD},{answers()}", row])
    where = (where[0] + 1, where[1])  # the good row r0 comes first
    with pytest.raises(InputError) as info:
        read_responses(io.StringIO(text))
    assert [(p.row, p.column) for p in info.value.problems] == [where]
    message = str(info.value)
    assert reason in message
    assert f"Dòng {where[0]}" in message
    assert "dòng 1 là dòng tiêu đề" in message  # the numbering convention is stated
    assert isinstance(info.value, ValueError)


def test_out_of_range_on_perception_and_expectation() -> None:
    text = csv_text([f"r1,{GOOD},{answers()},4,0,5"], extra=",P1,X1,X2")
    assert problems_of(text) == [(2, "P1"), (2, "X1"), (2, "X2")]


def test_missing_required_columns_are_reported_on_the_header() -> None:
    header_items = [c for c in P24.item_codes if c != "C3"]
    text = "response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,"
    text += ",".join(header_items) + "\n"
    text += f"r1,{GOOD[:-3]}," + ",".join("4" for _ in header_items) + "\n"
    assert problems_of(text) == [(1, "channel")]  # checked first: metadata columns
    fixed = csv_text([f"r1,{GOOD},{answers(items=tuple(header_items))}"], tuple(header_items))
    assert problems_of(fixed) == [(1, "C3")]


def test_unknown_and_duplicate_columns() -> None:
    assert problems_of(csv_text([f"r1,{GOOD},{answers()},1"], extra=",ghi_chu")) == [(1, "ghi_chu")]
    assert problems_of(csv_text([f"r1,{GOOD},{answers()},4"], extra=",A1")) == [(1, "A1")]


def test_question_not_on_the_rows_profile() -> None:
    # A4 exists only in sipas-2017: a sipas-2024 row must leave it blank
    assert problems_of(csv_text([f"r1,{GOOD},{answers()},3"], extra=",A4")) == [(2, "A4")]


def test_duplicate_response_id() -> None:
    assert problems_of(csv_text([f"r1,{GOOD},{answers()}", f"r1,{GOOD},{answers()}"])) == [(3, "response_id")]


def test_every_problem_listed_in_row_order() -> None:
    rows = [
        f"r1,{GOOD},{answers({'C2': '7', 'A1': 'x'})}",
        f"r2,2026-03-31,sipas-2024,U1,Q1,land,P01,qr,{answers()}",
        "",  # a blank spreadsheet row is skipped but still counted
        f"r4,{GOOD},{answers({'E3': '6'})}",
    ]
    found = problems_of(csv_text(rows))
    assert found == [(2, "A1"), (2, "C2"), (3, "submitted_at"), (5, "E3")]


def test_not_utf8_and_empty() -> None:
    with pytest.raises(InputError, match="UTF-8"):
        read_responses(io.BytesIO(csv_text([f"r1,{GOOD},{answers()}"]).replace("r1", "é").encode("latin-1")))
    with pytest.raises(InputError, match="rỗng"):
        read_responses(io.StringIO(""))


def test_index_is_the_spreadsheet_line_across_blank_rows() -> None:
    # header = line 1; the blank line 3 carries no response, so r2 stays on line 4
    text = csv_text(
        [f"r1,{GOOD},{answers()}", "", f"r2,{GOOD},{answers({'C1': '5'})}", ",,,", f"r3,{GOOD},{answers()}"]
    )
    df = read_responses(io.StringIO(text))
    assert df.index.name == "line" and df.index.tolist() == [2, 4, 6]
    assert df.loc[4, "response_id"] == "r2" and df.loc[4, "C1"] == 5
    assert str(df.loc[6, "submitted_at"]) == "2026-03-05 02:00:00+00:00"


def test_header_only_file_gives_empty_frame() -> None:
    df = read_responses(io.StringIO(csv_text([])))
    assert len(df) == 0 and "C1" in df.columns


def run_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "analysis", "sipas", str(path), "--by", "unit_code"],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
    )  # fmt: skip


def test_cli_reports_every_problem_on_stderr_only(tmp_path: Path) -> None:
    rows = [
        f"r1,2026-03-05T09:00:00+07:00,sipas-2099,U1,Q1,land,P01,qr,{answers()}",
        f"r2,{GOOD},{answers({'C2': '7'})}",
        f"r3,hôm qua,sipas-2024,U1,Q1,land,P01,qr,{answers()}",
    ]
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    done = run_cli(path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Dòng 2, cột profile" in done.stderr
    assert "Dòng 3, cột C2" in done.stderr
    assert "Dòng 4, cột submitted_at" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_missing_column_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(csv_text([f"r1,{GOOD},{answers()}"]).replace(",channel", ",kenh"), encoding="utf-8")
    done = run_cli(path)
    assert (done.returncode, done.stdout) == (1, "")
    assert "Dòng 1, cột channel: thiếu cột bắt buộc" in done.stderr
    done = run_cli(tmp_path / "none.csv")
    assert (done.returncode, done.stdout) == (1, "")
    assert "Không đọc được tệp" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--by", "foo"],
        ["--rule", "median"],
        ["--format", "xml"],
        ["--min-n", "-3"],
        ["--max-points", "0"],
        ["--rank-among", "unit_code"],
    ],
)
def test_cli_usage_errors_exit_2(data_dir: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["sipas", str(data_dir / "golden_responses.csv"), *args])
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "lỗi:" in err


def test_cli_mixed_profiles_never_pooled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = tuple(dict.fromkeys([*P24.item_codes, *P17.item_codes]))
    only17 = set(items) - set(P24.item_codes)
    rows = [f"a{i},{GOOD},{answers({c: '' for c in only17} | {'C1': '5'}, items)}" for i in range(3)]
    row17 = answers({c: "2" for c in P17.item_codes} | {c: "" for c in set(items) - set(P17.item_codes)}, items)
    rows += [f"b{i},2026-03-05T09:00:00+07:00,sipas-2017,U1,Q1,land,P01,paper,{row17}" for i in range(2)]
    path = tmp_path / "mixed.csv"
    path.write_text(csv_text(rows, items), encoding="utf-8")
    assert main(["sipas", str(path), "--by", "unit_code", "--min-n", "1"]) == 0
    out, err = capsys.readouterr()
    table = pd.read_csv(io.StringIO(out))
    assert err == ""
    sipas = table[table["code"] == "SIPAS"].set_index("profile")
    assert sipas["n_responses"].to_dict() == {"sipas-2017": 2, "sipas-2024": 3}
    assert sipas.loc["sipas-2017", "index"] == 0.0
    assert sipas.loc["sipas-2024", "index"] > 90
    assert set(table.loc[table["profile"] == "sipas-2017", "code"]) >= {"A4", "C6", "E4"}


def test_respondent_columns_are_validated() -> None:
    text = csv_text([f"r1,{GOOD},{answers()},2,9"], extra=",sex,age_band")
    assert problems_of(text) == [(2, "age_band")]
    df = read_responses(io.StringIO(csv_text([f"r1,{GOOD},{answers()},2"], extra=",sex")))
    assert df.loc[2, "sex"] == 2


def test_control_characters_in_a_code_are_refused() -> None:
    import io as _io

    from analysis.errors import InputError
    from analysis.io import read_responses

    header = ("response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,channel,"
              "A1,A2,A3,B1,B2,B3,B4,C1,C2,C3,D1,D2,D3,E1,E2,E3,comment")  # fmt: skip
    row = "r1,2026-05-04T09:15:00+07:00,sipas-2024,XA\x00-01,,HT,,paper," + ",".join(["4"] * 16) + ",tốt\x00"
    with pytest.raises(InputError) as caught:
        read_responses(_io.StringIO(header + "\n" + row + "\n"))
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "unit_code")]
