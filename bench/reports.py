"""Benchmark: one month of reports for 200 units with a year of data (prints figures; not a test).

    .venv/bin/python bench/reports.py              # temporary SQLite database
    BENCH_DATABASE_URL=postgresql+psycopg://…/emptydb .venv/bin/python bench/reports.py

1. 200 communes under one district, one counter each, 3 months of answers (~40 a month each);
   per-report time, in process, for 20 units (mean, p95).
2. The 9 months before are added (a year of history); the same 20 reports again: the time must
   not grow, since every query is bounded by the month (at most the 12 of the trend).
3. All 200 reports of the month, one worker process per core, as ``flask reports monthly`` runs.

At a province's scale, on a database loaded by ``bench/dashboard.py`` (1 M responses, 200 communes;
never written to but for the ``reports`` rows)::

    .venv/bin/python bench/reports.py --database postgresql+psycopg://postgres@127.0.0.1:5432/sipas_bench_1m \
        --month 2026-11 --units 20

makes the month's report of each of ``--units`` communes one at a time, as
``flask --app survey reports monthly --unit CODE --month M --force --out DIR`` does, all in one
process after a first (cold) report, and prints the CPU seconds each cost the app (median, p95,
max) and the PostgreSQL server (the CPU of its backends for the database, read from ``/proc``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.profile import load_profile  # noqa: E402
from survey import create_app  # noqa: E402
from survey.extensions import db  # noqa: E402
from survey.figures.periods import VN, Period, period_month  # noqa: E402
from survey.models import Counter, Field, Response, Unit  # noqa: E402
from survey.models.responses import answer_column  # noqa: E402
from survey.reports import data, generate  # noqa: E402
from survey.reports.data import Settings  # noqa: E402

UNITS = 200
PER_MONTH = 40
MONTH = Period.month(2026, 9)
NOW = datetime(2026, 10, 2, 8, tzinfo=UTC)


def build_structure() -> list[Counter]:
    fields = [Field(code=c, name=n, sort_order=i) for i, (c, n) in
              enumerate([("DD", "Đất đai"), ("XD", "Xây dựng"), ("HT", "Hộ tịch"), ("CT", "Chứng thực"),
                         ("LD", "Lao động – Thương binh và Xã hội")])]  # fmt: skip
    top = Unit(code="B-HUYEN", name="UBND huyện Thử Nghiệm", kind="district", fields=fields)
    db.session.add(top)
    counters = []
    for i in range(UNITS):
        unit = Unit(code=f"B-XA-{i:03d}", name=f"UBND xã Thử Nghiệm Số {i + 1}", kind="commune", parent=top,
                    fields=fields)  # fmt: skip
        counters.append(Counter(code=f"B-XA-{i:03d}-Q1", name="Quầy tiếp nhận", unit=unit))
    db.session.add_all(counters)
    db.session.flush()
    return counters


def insert_months(counters: list[Counter], months: list[Period], rng: np.random.Generator) -> int:
    profile = load_profile()
    field_ids = [f.id for f in counters[0].unit.fields]
    rows = []
    for counter in counters:
        shift = rng.normal(0, 0.5)
        for month in months:
            for _ in range(int(rng.poisson(PER_MONTH))):
                stamp = datetime(month.year, month.number, int(rng.integers(1, 28)), 9, tzinfo=VN).astimezone(UTC)
                latent = 0.9 + shift + rng.normal(0, 0.8)
                row = {"response_key": secrets.token_urlsafe(18), "profile": profile.code,
                       "unit_id": counter.unit_id, "counter_id": counter.id,
                       "field_id": field_ids[int(rng.integers(len(field_ids)))],
                       "channel": "qr" if rng.random() < 0.8 else "paper", "submitted_at": stamp,
                       "received_at": stamp + timedelta(seconds=1), "period_month": period_month(stamp),
                       "is_excluded": bool(rng.random() < 0.02),
                       "comment": "Cán bộ hướng dẫn tận tình." if rng.random() < 0.1 else None}  # fmt: skip
                for code in profile.item_codes:
                    row[answer_column(code)] = int(np.clip(np.rint(3 + latent + rng.normal(0, 0.6)), 1, 5))
                for x in range(1, 11):
                    row[f"x{x}"] = int(rng.integers(1, 5)) if rng.random() < 0.4 else None
                rows.append(row)
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Response), rows[start : start + 5000])
    db.session.commit()
    return len(rows)


def timed_run(units: int | None, workers: int) -> tuple[float, list[float]]:
    """Make (forced) the month's reports; returns wall seconds and, in process, the CPU seconds of each.

    CPU time, not wall time, for the per-report figures: other work on the machine then
    does not show up as a slower report."""
    pairs = generate.monthly_pairs([MONTH])
    pairs = pairs[:units] if units else pairs
    plan = generate.plan(pairs, None, force=True)
    stamps = [time.process_time()]
    outcome = generate.execute(plan, Settings(), NOW, workers, lambda n: stamps.append(time.process_time()))
    db.session.commit()
    return outcome.seconds, [b - a for a, b in zip(stamps, stamps[1:], strict=False)]


def batch_seconds() -> float:
    """The month's grouped queries for all units (paid once per month, not per report)."""
    started = time.perf_counter()
    data.load_batch(MONTH, [u.id for u in data.units_with_counters()], Settings(), NOW)
    return time.perf_counter() - started


def describe(gaps: list[float]) -> str:
    p95 = float(np.percentile(gaps, 95))
    return f"mean {statistics.mean(gaps):.3f} s, p95 {p95:.3f} s, n={len(gaps)}"


def _backend_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) of PostgreSQL backends on this machine, from /proc (0 if unreadable)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _backends() -> list[int]:
    rows = db.session.execute(db.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
    return [int(pid) for (pid,) in rows]


def province(url: str, month: Period, units: int) -> None:
    """CPU per report for ``units`` units of a kept database, each made as ``reports monthly --unit`` makes it."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-reports-1m-"))
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "REPORTS_DIR": str(workdir)})
    with app.app_context():
        settings = Settings.from_config(app.config)
        count = db.session.execute(db.text("SELECT count(*) FROM responses")).scalar()
        everyone = [u for u in data.units_with_counters() if u.exists_in(month)]
        step = max(1, len(everyone) // units)
        chosen = everyone[::step][:units]
        now = datetime(month.last_day().year, month.last_day().month, month.last_day().day, 20, tzinfo=UTC)
        postgres = db.engine.dialect.name == "postgresql"

        def one(code: str) -> tuple[float, float]:
            pids = _backends() if postgres else []
            server = _backend_cpu(pids)
            started = time.process_time()
            plan = generate.plan(generate.monthly_pairs([month], code), workdir, force=True)
            generate.execute(plan, settings, now, workers=1)
            db.session.commit()
            app_cpu = time.process_time() - started
            return app_cpu, _backend_cpu(sorted(set(pids) | set(_backends() if postgres else []))) - server

        load = os.getloadavg()
        cold, _ = one(chosen[0].code)
        costs = [one(u.code) for u in chosen]
        cpu, server = [c for c, _ in costs], [s for _, s in costs]
        print(f"database: {db.engine.dialect.name}, {count:,} responses; month {month.key}; {len(chosen)} units "
              f"({chosen[0].code} … {chosen[-1].code}); cores {os.cpu_count()}; load average {load[0]:.2f} at "
              f"the start, {os.getloadavg()[0]:.2f} at the end")  # fmt: skip
        print(f"first report in a fresh process (imports, fonts): {cold:.3f} s CPU")
        print(f"CPU per report, app (DOCX + PDF + XLSX, in process): median {statistics.median(cpu):.3f} s, "
              f"p95 {float(np.percentile(cpu, 95)):.3f} s, max {max(cpu):.3f} s, n={len(cpu)}")  # fmt: skip
        if postgres:
            print(f"CPU per report, PostgreSQL backends: median {statistics.median(server):.3f} s, "
                  f"p95 {float(np.percentile(server, 95)):.3f} s")  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    print(f"files in {workdir}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", metavar="URL", help="a loaded database (bench/dashboard.py --keep NAME)")
    parser.add_argument("--month", default="2026-11", help="with --database: the month, YYYY-MM")
    parser.add_argument("--units", type=int, default=20, help="with --database: how many units' reports")
    args = parser.parse_args()
    if args.database:
        province(args.database, Period.parse(args.month), args.units)
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite'}"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "REPORTS_DIR": str(workdir / "out")})
    rng = np.random.default_rng(30)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        counters = build_structure()
        recent = [MONTH.shift(-k) for k in range(2, -1, -1)]
        n = insert_months(counters, recent, rng)
        print(f"database: {db.engine.dialect.name}; {UNITS} units, {n} responses over 3 months "
              f"({time.perf_counter() - started:.1f} s to insert); cores {os.cpu_count()}, "
              f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
        _, short = timed_run(21, workers=1)
        print(
            f"3 months of history:  queries for the month {batch_seconds():.2f} s; "
            f"CPU per report (in process, 20 units) {describe(short[1:])}"
        )
        n += insert_months(counters, [MONTH.shift(-k) for k in range(11, 2, -1)], rng)
        _, long = timed_run(21, workers=1)
        print(
            f"12 months of history: queries for the month {batch_seconds():.2f} s; "
            f"CPU per report (in process, 20 units) {describe(long[1:])}  [{n} responses]"
        )
        workers = generate.default_workers(UNITS)
        total, _ = timed_run(None, workers=workers)
        print(
            f"all {UNITS} reports of {MONTH.key}: {total:.1f} s wall with {workers} worker processes "
            f"({total / UNITS:.3f} s a report; {3 * UNITS} files; load average {os.getloadavg()[0]:.2f})"
        )
        print(f"on an idle machine: about {batch_seconds() + UNITS * statistics.mean(long[1:]) / workers:.0f} s "
              f"(queries + {UNITS} × CPU per report / {workers} cores)")  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    print(f"files in {workdir / 'out'}")


if __name__ == "__main__":
    main()
