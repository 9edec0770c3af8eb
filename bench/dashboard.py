"""Page bench of the office dashboard: every view and export over HTTP, at a province's scale.

1. creates a fresh PostgreSQL database and loads N responses with ``bench/analysis.py``'s loader
   (COPY; 200 communes, 8 fields, 2 counters each, the 36 months ending 12/2026);
2. folds them into the figure cells (``survey.figures.cells.rebuild``, what
   ``flask --app survey figures rebuild`` does), as a running deployment's cron keeps them;
3. starts gunicorn (2 sync workers) on a random loopback port, logs in as an admin;
4. times every view and every CSV/XLSX export for the month 12/2026, the quarter IV/2026 and
   the year 2026: one warm-up, then ``--runs`` timed GETs each; prints median and p95 of the wall
   time, and beside them the median and p95 of the worker's CPU time per request and the SQL
   statements it sent (``bench/dashboard_cpu.py``): the CPU holds on a loaded machine, the wall
   time does not, so the load average is printed at the start and the end;
5. with ``--grow-to M``, adds M − N older responses (same recent months, more history), folds
   them, and measures again: the cost must not grow with the history.

    .venv/bin/python bench/dashboard.py --rows 1000000 --grow-to 5000000
    .venv/bin/python bench/dashboard.py --rows 100000 --runs 5         # quick check
    .venv/bin/python bench/dashboard.py --rows 1000000 --keep sipas_bench_1m       # load once, keep, measure again
    .venv/bin/python bench/dashboard.py --rows 1000000 --grow-to 5000000 --keep sipas_bench_5m --load-only
    .venv/bin/python bench/dashboard.py --rows 1000000 --keep sipas_bench_1m --only year --only overview

Targets (issue 11): every median < 300 ms and p95 < 500 ms, at N and at M. Not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

import analysis as _analysis_package  # noqa: E402,F401  (the package, before bench/analysis.py is imported by name)
from bench import startup  # noqa: E402

sys.path.remove(str(ROOT / "bench"))
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_analysis", ROOT / "bench" / "analysis.py")
loader = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loader)

VIEWS = {"overview": "/admin/", "fields": "/admin/linh-vuc", "units": "/admin/don-vi", "trend": "/admin/xu-huong",
         "items": "/admin/tieu-chi", "expectations": "/admin/mong-doi", "comments": "/admin/y-kien"}  # fmt: skip
PERIODS = {"month 12/2026": {"period": "month", "month": "2026-12"},
           "quarter IV/2026": {"period": "quarter", "quarter": "2026-Q4"},
           "year 2026": {"period": "year", "year": "2026"}}  # fmt: skip
PERIOD_KINDS = ("month", "quarter", "year")
TARGET_MEDIAN, TARGET_P95 = 0.300, 0.500
PASSWORD = "mat-khau-bench-" + secrets.token_hex(4)


def stored(url: str) -> int:
    """Responses already in a kept database (0 when it has no schema yet)."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("responses"):
                return 0
            return int(conn.exec_driver_sql("SELECT COUNT(*) FROM responses").scalar())
    finally:
        engine.dispose()


def prepare(url: str, rows: int, older: int, load: bool = True, fold: bool = True) -> float:
    """Load (``older`` = 0: schema, world and ``rows`` newest; else ``older`` more in older months), then fold.
    Without ``load``: bring the kept database's schema up to date and fold it again."""
    from flask_migrate import upgrade

    from survey.extensions import db
    from survey.figures import cells
    from survey.services.users import create_user

    app = loader.make_app(url)
    with app.app_context():
        span, seconds = None, 0.0
        if not load:
            from survey.models import User
            from survey.services.users import set_password

            upgrade()
            set_password(db.session.scalar(db.select(User).filter_by(username="bench.admin")), PASSWORD)
        elif older:
            world = loader.population(db)
            months = loader.months_back(loader.OLDER_MONTHS, skip=loader.BASE_MONTHS)
            seconds = loader.load(db, world, older, months, rows, seed=2)
            span = (months[0], months[-1])  # the new history's years: the recent cells stay as they are
        else:
            upgrade()
            world = loader.seed_population(db)
            seconds = loader.load(db, world, rows, loader.months_back(loader.BASE_MONTHS), 0, seed=1)
            create_user("bench.admin", PASSWORD, "admin", "Quản trị (bench)")
            db.session.commit()
        db.session.commit()  # a rebuild begins its own transaction
        if not fold:
            unfolded = db.session.execute(db.text(
                "SELECT period_month >= 202401, COUNT(*) FROM responses WHERE NOT folded AND NOT is_excluded GROUP BY 1"
            )).all()  # fmt: skip
            print(f"  not folded (read from rows): {dict((('2024–2026' if k else 'older'), n) for k, n in unfolded)}",
                  file=sys.stderr)  # fmt: skip
        if fold and not load:  # a kept database: fold what is not folded yet (after a migration, everything)
            began = time.perf_counter()
            folded = cells.fold()
            db.session.commit()
            print(f"  figures fold: {folded:,} ballots in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        elif fold:
            began = time.perf_counter()
            result = cells.rebuild(span)
            db.session.commit()
            print(f"  loaded in {seconds:.0f} s; figures rebuild: {result.cells:,} cells from {result.ballots:,} "
                  f"ballots in {time.perf_counter() - began:.0f} s", file=sys.stderr)  # fmt: skip
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE responses")
            conn.exec_driver_sql("VACUUM ANALYZE figure_cells")
        db.session.remove()
        db.engine.dispose()
    return seconds


def start_gunicorn(url: str, port: int, log: Path) -> subprocess.Popen:
    config = {"SECRET_KEY": secrets.token_hex(16), "SQLALCHEMY_DATABASE_URI": url,
              "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    options = ("--timeout", "120", "--config", str(ROOT / "bench" / "dashboard_cpu.py"))  # CPU per request
    return startup.start_gunicorn(config, port, log, options=options, ready_path="/admin/login")


class Browser:
    """One logged-in office session over one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    #: what the server said the last request cost it (bench/dashboard_cpu.py): CPU seconds, SQL statements
    cpu: float = 0.0
    statements: int = 0

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.cpu = int(response.headers.get("X-Bench-CPU-us") or 0) / 1e6
        self.statements = int(response.headers.get("X-Bench-SQL") or 0)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self) -> None:
        startup.login(self.request, "bench.admin", PASSWORD)


class Figure(NamedTuple):
    period: str
    name: str
    median: float  # wall seconds
    p95: float
    cpu_median: float  # the worker's CPU seconds per request
    cpu_p95: float
    statements: int  # SQL statements per request (the last run's)


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(0.95 * len(values) + 0.5) - 1)]


def chosen(name: str, words: list[str]) -> bool:
    """Whether a period or a view/export is measured: every one without ``words``, else those named
    (``year``, ``overview`` with its exports, ``overview.xlsx``)."""
    return not words or any(word in (name, name.split()[0], name.split(".")[0]) for word in words)


def measure(port: int, runs: int, only: list[str] = ()) -> list[Figure]:
    browser = Browser(port)
    browser.login()
    out = []
    kinds = [w for w in only if w in PERIOD_KINDS]
    periods = {p: a for p, a in PERIODS.items() if chosen(p, kinds)}
    names = [w for w in only if w not in PERIOD_KINDS]
    for period, args in periods.items():
        query = urlencode(args)
        targets = [(name, f"{path}?{query}") for name, path in VIEWS.items()]
        targets += [
            (f"{name}.{kind}", f"/admin/xuat/{name}.{kind}?{query}") for name in VIEWS for kind in ("csv", "xlsx")
        ]
        for name, path in targets:
            if not chosen(name, names):
                continue
            times, cpu = [], []
            for i in range(runs + 1):
                began = time.perf_counter()
                status, _ = browser.request("GET", path)
                if status != 200:
                    raise SystemExit(f"{path}: HTTP {status}")
                if i:  # the first is the warm-up
                    times.append(time.perf_counter() - began)
                    cpu.append(browser.cpu)
            out.append(Figure(period, name, statistics.median(times), _p95(times), statistics.median(cpu), _p95(cpu),
                              browser.statements))  # fmt: skip
    return out


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def report(rows: int, figures: list[Figure]) -> bool:
    print(f"\n{rows:,} responses in the database")
    print(f"{'period':<17}{'view / export':<22}{'median ms':>10}{'p95 ms':>9}  {'target':<7}"
          f"{'CPU median ms':>14}{'CPU p95 ms':>11}{'SQL':>5}")  # fmt: skip
    good = True
    for f in figures:
        ok = f.median < TARGET_MEDIAN and f.p95 < TARGET_P95
        good &= ok
        print(f"{f.period:<17}{f.name:<22}{1000 * f.median:>10.0f}{1000 * f.p95:>9.0f}  {'ok' if ok else 'MISSED':<7}"
              f"{1000 * f.cpu_median:>14.0f}{1000 * f.cpu_p95:>11.0f}{f.statements:>5}")  # fmt: skip
    worst = max(figures, key=lambda f: f.median)
    print(f"slowest median: {worst.name} for {worst.period}, {1000 * worst.median:.0f} ms; every target met: {good}")
    heaviest = max(figures, key=lambda f: f.cpu_median)
    print(f"most CPU per request (the server's worker, median): {heaviest.name} for {heaviest.period}, "
          f"{1000 * heaviest.cpu_median:.0f} ms")  # fmt: skip
    return good


@contextlib.contextmanager
def kept(pg_url: str, name: str):
    """A database of the same server, created when missing and never dropped."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).scalar():
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--grow-to", type=int, default=0, help="then add older responses up to this many")
    parser.add_argument("--runs", type=int, default=10, help="timed requests per view and period")
    parser.add_argument("--pg-url", default=loader.DEFAULT_PG, help="admin connection; a fresh database is made")
    parser.add_argument("--keep", metavar="NAME", help="load into (or reuse) this database and keep it")
    parser.add_argument("--load-only", action="store_true", help="load, do not fold nor measure")
    parser.add_argument("--no-fold", action="store_true", help="a kept database: measure as folded so far")
    parser.add_argument("--only", action="append", default=[], metavar="WORD",
                        help="measure only these periods (month, quarter, year) and views or exports "
                             "(overview, overview.xlsx…); repeatable")  # fmt: skip
    parser.add_argument("--port", type=int, default=0, help="serve on this loopback port (default: a free one)")
    args = parser.parse_args(argv)
    good = True
    with kept(args.pg_url, args.keep) if args.keep else loader.database("postgresql", args.pg_url) as url:
        have = stored(url)
        steps = [(args.rows, 0)] + ([(args.grow_to, args.grow_to - args.rows)] if args.grow_to > args.rows else [])
        if have == 0:
            print(f"loading {args.rows:,} responses", file=sys.stderr)
            prepare(url, args.rows, 0, fold=not args.load_only)
            have = args.rows
        elif have >= max(total for total, _ in steps):
            print(f"reusing {have:,} responses in {args.keep}", file=sys.stderr)
            prepare(url, args.rows, 0, load=False, fold=not args.no_fold)
            steps = [(have, 0)]
        for total, older in steps:
            if older and have < total:
                print(f"adding {older:,} older responses", file=sys.stderr)
                prepare(url, args.rows, older, fold=not args.load_only)
            if args.load_only:
                continue
            port = args.port or startup.free_port()
            log = Path(f"/tmp/sipas-dashboard-bench-{port}.log")
            server = start_gunicorn(url, port, log)
            try:
                print(f"load average at the start: {load_average()} ({os.cpu_count()} cores)")
                figures = measure(port, args.runs, args.only)
                print(f"load average at the end: {load_average()}")
                good &= report(total, figures)
            finally:
                server.terminate()
                server.wait(timeout=30)
    return 0 if good else 1


if __name__ == "__main__":
    raise SystemExit(main())
