"""Figures read from figure_cells (plus the unfolded rows) equal the figures read from rows, to the last
digit: every dashboard view, every grouping the cells serve and every rule, after inserts, a fold, an
import, exclusions, restorations, a purge and a rebuild."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from survey import queries
from survey.admin import views_data
from survey.admin.filters import Filters
from survey.extensions import db as _db
from survey.figures import Settings, cells, tables
from survey.figures.periods import Period
from survey.models import FigureCell, Response, User
from survey.services import privacy, trust
from survey.services.importer import import_csv
from survey.services.responses import Ballot, build_response
from survey.services.users import create_user

ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")
GENERAL = ("A0", "B0", "C0", "D0", "E0", "S0")
GROUPINGS = (
    [],
    ["unit_code"],
    ["month"],
    ["quarter"],
    ["year"],
    ["unit_code", "month"],
    ["unit_code", "year"],
    ["field_code"],
    ["field_code", "month"],
    ["unit_code", "field_code"],
    ["channel"],
    ["channel", "quarter"],
    ["field_code", "channel"],
    ["counter_code"],
)  # the last two: rows only
HEADER = "response_id,submitted_at,profile,unit_code,counter_code,field_code,procedure_code,channel," + ",".join(
    ITEMS) + ",comment"  # fmt: skip


def _answers(rng: np.random.Generator) -> dict[str, int]:
    """Mostly 3–5, some 1–2, some "không đánh giá" (0) and blanks; "in general" on half the ballots."""
    out = {}
    for code in ITEMS + (GENERAL if rng.random() < 0.5 else ()):
        draw = rng.random()
        if draw < 0.06:
            continue  # blank
        out[code] = 0 if draw < 0.12 else int(rng.choice([1, 2, 3, 4, 5], p=[0.05, 0.1, 0.2, 0.35, 0.3]))
    for code in ("P1", "P2"):
        if rng.random() < 0.8:
            out[code] = int(rng.choice([1, 2, 3]))
    for code in ("X1", "X2", "X3"):
        if rng.random() < 0.7:
            out[code] = int(rng.integers(1, 5))
    return out


def _insert(world, rng, n: int, months: list[tuple[int, int]], tag: str) -> None:
    for i in range(n):
        unit, counter = world["units"][i % 3]
        year, month = months[i % len(months)]
        ballot = Ballot(key=f"cells-{tag}-{i:04d}-xxxxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id,
                        field_id=world["fields"][i % 2], counter_id=counter.id, answers=_answers(rng),
                        channel=("qr", "paper", "kiosk")[i % 3],
                        submitted_at=datetime(year, month, 1 + i % 27, 2 + i % 9, tzinfo=UTC))  # fmt: skip
        response = build_response(ballot)
        if i % 17 == 5:  # a ballot flagged as it arrives
            trust.apply_flags(response, ["rate"])
        _db.session.add(response)
    _db.session.flush()


def _import(world, rng, tmp_path, n: int) -> None:
    unit, counter = world["units"][1]
    lines = [HEADER]
    for i in range(n):
        answers = _answers(rng)
        values = ",".join("" if answers.get(c) is None else str(answers[c]) for c in ITEMS)
        lines.append(f"IMP{i:03d},2026-0{8 + i % 2}-1{i % 9}T09:30:00+07:00,sipas-2024,{unit.code},{counter.code},HT,,"
                     f"paper,{values},")  # fmt: skip
    path = tmp_path / "import.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_csv(path) == n


@pytest.fixture
def world(app, db, make_unit, make_counter):
    district = make_unit(code="H-CELLS", name="UBND huyện Tổng Hợp", kind="district")
    units = []
    for code, name in (("X-C1", "UBND xã Một"), ("X-C2", "UBND xã Hai"), ("X-C3", "UBND xã Ba")):
        unit = make_unit(code=code, name=name, parent_id=district.id)
        units.append((unit, make_counter(unit=unit, code=f"{code}-Q1")))
    with app.app_context():
        from survey.models import Field

        fields = [_db.session.scalar(select(Field.id).where(Field.code == c)) for c in ("HT", "DD")]
        create_user("ra.soat", "mat-khau-thu-nghiem", "reviewer", "Văn phòng")
        _db.session.commit()
    return {"district": district, "units": units, "fields": fields}


def _frames_equal(scope: queries.Scope, by: list[str], with_general: bool) -> None:
    from_cells = queries.frames(scope, by, with_general=with_general)
    from_rows = queries.frames(dataclasses.replace(scope, use_cells=False), by, with_general=with_general)
    for a, b in zip(from_cells, from_rows, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def _views(world, unit=None) -> dict:
    """Every dashboard view for the year 2026 and for August, with no filter, a field's or a channel's,
    as the rows its tables hold."""
    out = {}
    unit_ids = tuple(u.id for u, _ in world["units"]) if unit is None else (unit.id,)
    for period, filters in (
        (Period.year_of(2026), ((None, None), ("HT", None), (None, "qr"), ("DD", "paper"))),
        (Period.month(2026, 8), ((None, None),)),
    ):
        for field_code, channel in filters:
            f = Filters(period, unit, field_code, channel, "sipas-2024", unit_ids, Settings())
            for name, view in views_data.VIEWS.items():
                out[(period.key, field_code, channel, name)] = [[_plain(r) for r in t.rows] for t in view(f).tables]
    return out


def _plain(row: dict) -> dict:
    """A table row with NaN as None (NaN never equals itself)."""
    return {k: None if isinstance(v, float) and v != v else v for k, v in row.items()}


#: every rule is checked on these groupings (the others with the rule that reads the most sums)
RULE_GROUPINGS = ([], ["field_code"], ["unit_code", "month"], ["channel"])


def _check(world, months=(202607, 202610)) -> None:
    """Cells + rows = rows, for every grouping (served or not), every rule, five scopes (filters by unit,
    field and channel), and every view with and without a field or channel filter."""
    ids = tuple(u.id for u, _ in world["units"])
    scopes = [queries.Scope(start_month=months[0], end_month=months[1]),
              queries.Scope(start_month=months[0], end_month=months[1], unit_ids=ids[:2]),
              queries.Scope(start_month=202608, end_month=202608, unit_ids=ids[1:]),
              queries.Scope(start_month=months[0], end_month=months[1], field_codes=("HT",)),
              queries.Scope(start_month=months[0], end_month=months[1], unit_ids=ids[1:], channels=("qr", "kiosk"))]  # fmt: skip
    for scope in scopes:
        for by in GROUPINGS:
            _frames_equal(scope, by, True)
            pd.testing.assert_frame_equal(queries.counts(scope, by),
                                          queries.counts(dataclasses.replace(scope, use_cells=False), by))  # fmt: skip
            pd.testing.assert_frame_equal(queries.responses_per_group(scope, by),
                                          queries.responses_per_group(dataclasses.replace(scope, use_cells=False), by))  # fmt: skip
            for rule in (
                ("mean_of_items", "pooled", "general_question") if by in RULE_GROUPINGS else ("general_question",)
            ):
                settings = Settings(rule=rule, min_n=5)
                a = tables.table(scope, by, settings)
                b = tables.table(dataclasses.replace(scope, use_cells=False), by, settings)
                pd.testing.assert_frame_equal(a, b, check_exact=True)
    with_cells = _views(world)
    original = cells.serves
    try:
        cells.serves = lambda scope, by: False  # every figure from rows
        from_rows = _views(world)
    finally:
        cells.serves = original
    assert with_cells == from_rows
    _db.session.commit()  # a fold or rebuild begins its own transaction


def _counted(condition=True) -> int:
    return _db.session.scalar(select(func.count()).select_from(Response).where(condition))


def test_cells_equal_rows_through_every_change(app, world, tmp_path):
    rng = np.random.default_rng(11)
    with app.app_context():
        # inserts, all still unfolded: the figures come from rows alone
        _insert(world, rng, 90, [(2026, 7), (2026, 8), (2026, 9)], "a")
        _db.session.commit()
        _check(world)
        # a fold: every counted ballot moves into the cells; flagged ballots stay out
        assert cells.fold() == _counted(Response.is_excluded.is_(False))
        _db.session.commit()
        assert _counted(Response.folded.is_(True) & Response.is_excluded.is_(False)) == _counted(
            Response.is_excluded.is_(False))  # fmt: skip
        _check(world)
        # new ballots and an import after the fold: cells and rows together
        _insert(world, rng, 40, [(2026, 8), (2026, 10)], "b")
        _import(world, rng, tmp_path, 12)
        _db.session.commit()
        _check(world)
        # a reviewer excludes folded ballots, then restores one of them and a flagged one
        reviewer = _db.session.scalar(select(User).where(User.username == "ra.soat"))
        folded = _db.session.scalars(select(Response).where(Response.folded.is_(True)).order_by(Response.id)).all()
        for response in folded[:6]:
            trust.confirm_exclusion(response, reviewer, "trùng phiếu")
        _db.session.commit()
        assert _counted(Response.folded.is_(True) & Response.is_excluded.is_(True)) == 0
        _check(world)
        trust.restore(folded[0], reviewer, "phiếu hợp lệ")
        flagged = _db.session.scalar(select(Response).where(Response.flags == "rate").limit(1))
        trust.restore(flagged, reviewer, "phiếu hợp lệ")
        _db.session.commit()
        _check(world)
        cells.fold()
        _db.session.commit()
        _check(world)
        # a purge deletes the July ballots, folded or not
        before = _counted()
        privacy.purge(now=datetime(2026, 11, 30, tzinfo=UTC), response_days=(datetime(2026, 11, 30, tzinfo=UTC)
                      - datetime(2026, 8, 1, tzinfo=UTC)).days)  # fmt: skip
        _db.session.commit()
        assert before - _counted() > 0 and _counted(Response.period_month == 202607) == 0
        _check(world)
        # a rebuild finds the cells right, and leaves them so
        result = cells.rebuild()
        _db.session.commit()
        assert result.differed == 0 and result.ballots == _counted(Response.is_excluded.is_(False))
        _check(world)


def test_rebuild_finds_and_mends_a_wrong_cell(app, world, runner):
    rng = np.random.default_rng(7)
    with app.app_context():
        _insert(world, rng, 30, [(2026, 8)], "c")
        _db.session.commit()
        cells.fold()
        cell = _db.session.scalars(select(FigureCell).where(FigureCell.span == 1)).first()
        vector = np.frombuffer(cell.counts, dtype="<i8").copy()
        vector[1] += 1  # one answer too many in one month's cell (its quarter and year are right)
        cell.counts = vector.tobytes()
        _db.session.commit()
    result = runner.invoke(args=["figures", "rebuild", "--month", "2026-08"])
    assert result.exit_code == 1 and "1 ô KHÔNG khớp" in result.output
    again = runner.invoke(args=["figures", "rebuild", "--month", "2026-08"])
    # 30 ballots, of which ballots 5 and 22 were flagged as they arrived (i % 17 == 5): 28 counted
    assert again.exit_code == 0 and "khớp" in again.output and "từ 28 phiếu" in again.output
    with app.app_context():
        _check(world, (202608, 202608))
    bad = runner.invoke(args=["figures", "rebuild", "--month", "2026-13"])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
