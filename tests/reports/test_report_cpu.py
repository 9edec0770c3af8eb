"""What one unit's monthly report costs in SQL: a fixed number of grouped statements, whatever the history
kept and however many sibling units it is ranked among (a figure read per row, per month or per sibling
would make the count grow; bench/reports.py --database measures the CPU at a province's scale)."""

from __future__ import annotations

from tests.conftest import sql_statements


def one_report(app, runner) -> list[str]:
    with sql_statements(app) as seen:
        result = runner.invoke(args=["reports", "monthly", "--unit", "X-BTHANH", "--month", "2026-03", "--force"])
    assert result.exit_code == 0, result.output
    assert "1 báo cáo, 3 tệp" in result.output
    return seen


def selects(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def history(district, add_responses, years) -> None:
    """Three answers a month at every commune of the district in every month of ``years``."""
    for counter in district["counters"].values():
        for year, month in [(y, m) for y in years for m in range(1, 13)]:
            add_responses(counter, year, month, 3)


def test_a_report_reads_a_fixed_number_of_statements(app, runner, district, make_unit, make_counter,
                                                     add_responses, clock, reports_dir):  # fmt: skip
    history(district, add_responses, [2025])  # the same month a year before has answers
    first = selects(one_report(app, runner))
    # two more years of history, and six more siblings with answers in the month
    history(district, add_responses, [2023, 2024])
    for i in range(6):
        sibling = make_unit(code=f"X-THEM{i}", name=f"UBND xã Thêm {i}", parent_id=district["top"].id)
        add_responses(make_counter(unit=sibling, code=f"X-THEM{i}-Q1"), 2026, 3, 31 + i)
    second = selects(one_report(app, runner))

    assert len(second) == len(first), "more history or more siblings must not add statements"
    # the figures of one report: a few dozen grouped reads (cells and unfolded rows together), never one
    # per row, per month of the trend or per sibling
    assert len(second) <= 50
    assert sum("responses" in s.lower() for s in second) <= 12


def test_a_report_reads_the_unit_tree_once(app, runner, district, add_responses, clock, reports_dir):
    history(district, add_responses, [2025])
    sql = selects(one_report(app, runner))
    # Every figure of the report is on today's boundaries and asks for the graph of units and successions
    # (the trend, the fields, the siblings' ranking, the comments, the dossiers...: about 17 times). Read once
    # for the command it is one statement on unit_successions; a check of the kept graph against the tables
    # before each use (counts and max ids of both tables) would name unit_successions once more each time.
    assert sum("unit_successions" in s.lower() for s in sql) == 1
