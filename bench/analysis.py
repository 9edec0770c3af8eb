"""Scale benchmark of the analysis read path: SQL GROUP BY → tidy frames → ``sipas_table``.

Loads synthetic ``sipas-2024`` responses into a throw-away SQLite file and a
throw-away PostgreSQL database (schema built by the app's migrations), then times

(a) the full table of a year: every item, element and overall × unit × field × month
    (``survey.figures.tables.table``; median of 3 runs after a cold first run);
(b) one dashboard-sized table: one unit (the busiest), one month, by field (median and p95
    of ``--runs`` runs after 3 warm-up runs);

at N rows (default 1 M over the 36 newest months) and again at 3 N (2 N more rows in
72 older months, so one unit-month keeps its size). Memory: peak RSS (getrusage maxrss)
of the process that ran the queries, and the peak of Python allocations (tracemalloc, one
extra run each). Loads and measurements run in fresh child processes, so the peak RSS
is the queries', not the loader's. Not a test: it prints figures and whether they meet the
targets.

    python bench/analysis.py                       # ~4 min: SQLite and PostgreSQL, 1 M and 3 M
    python bench/analysis.py --rows 100000         # quick check
    python bench/analysis.py --skip-pg --pg-url …  # one backend only
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as `python bench/analysis.py`: this file must not shadow the `analysis` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

UNITS, FIELDS, COUNTERS_PER_UNIT, PROCEDURES_PER_FIELD = 200, 8, 2, 5
NEWEST_MONTH = (2026, 12)  #: the base rows cover the 36 months ending here; (a) is its year
BASE_MONTHS, OLDER_MONTHS = 36, 72
TARGETS = {"a_s": 3.0, "b_s": 0.3, "rss_mb": 1024.0, "ratio": 1.5}
CHUNK = 100_000
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def months_back(count: int, skip: int = 0) -> list[int]:
    """``count`` months as YYYYMM, oldest first, ending ``skip`` months before NEWEST_MONTH."""
    year, month = NEWEST_MONTH
    index = year * 12 + month - 1 - skip
    return [(i // 12) * 100 + i % 12 + 1 for i in range(index - count + 1, index + 1)]


# ---- synthetic responses ---------------------------------------------------------------


class Population:
    """Units, fields and counters with their effects: every chunk draws from the same world."""

    def __init__(self, unit_ids, field_ids, counters, procedures, seed: int = 2026) -> None:
        rng = np.random.default_rng(seed)
        self.unit_ids, self.field_ids = np.asarray(unit_ids), np.asarray(field_ids)
        self.counters = np.asarray(counters)  # (units, COUNTERS_PER_UNIT)
        self.procedures = np.asarray(procedures)  # (fields, PROCEDURES_PER_FIELD)
        size = rng.lognormal(0.0, 0.6, len(unit_ids))  # a few busy units, many quiet ones
        self.unit_share = size / size.sum()
        field_share = rng.dirichlet(np.full(len(field_ids), 2.0))
        self.field_share = field_share
        self.unit_effect = rng.normal(0.0, 0.35, len(unit_ids))
        self.field_effect = rng.normal(0.0, 0.2, len(field_ids))
        self.busiest = int(np.argmax(size))


def _answers(rng, n: int, latent: np.ndarray, item_effect: float, p_na: float, p_blank: float) -> np.ndarray:
    score = np.clip(np.rint(3.9 + latent + item_effect + rng.normal(0.0, 0.6, n)), 1, 5).astype(np.int16)
    draw = rng.random(n)
    score[draw < p_na] = 0
    score[draw > 1 - p_blank] = -1  # -1 = blank (NULL)
    return score


def generate(world: Population, n: int, months: list[int], first: int, total: int, key: int, seed: int) -> pd.DataFrame:
    """Rows ``first … first + n`` of a load of ``total`` responses spread evenly over ``months`` in time
    order, as a live system inserts them (-1 / NaN mark NULL); response keys count from ``key``."""
    from analysis.profile import load_profile

    profile = load_profile("sipas-2024")
    rng = np.random.default_rng(seed)
    unit = rng.choice(len(world.unit_ids), n, p=world.unit_share)
    field = rng.choice(len(world.field_ids), n, p=world.field_share)
    month = np.asarray(months)[(first + np.arange(n)) * len(months) // total]
    latent = world.unit_effect[unit] + world.field_effect[field] + rng.normal(0.0, 0.7, n)
    frame = {"response_key": [f"bench-{i:012d}" for i in range(key, key + n)], "profile": "sipas-2024"}
    frame["unit_id"] = world.unit_ids[unit]
    frame["counter_id"] = world.counters[unit, rng.integers(0, COUNTERS_PER_UNIT, n)]
    frame["field_id"] = world.field_ids[field]
    procedure = world.procedures[field, rng.integers(0, PROCEDURES_PER_FIELD, n)].astype(float)
    frame["procedure_id"] = np.where(rng.random(n) < 0.3, procedure, np.nan)
    frame["channel"] = rng.choice(np.array(["qr", "paper", "kiosk", "web"]), n, p=[0.7, 0.2, 0.05, 0.05])
    # Vietnam working hours on a day of the month, stored in UTC (7 hours earlier)
    local = pd.to_datetime((month * 100 + rng.integers(1, 29, n)).astype(str), format="%Y%m%d") + pd.to_timedelta(
        rng.integers(7 * 3600, 17 * 3600, n), unit="s"
    )
    local = local.sort_values()
    frame["submitted_at"] = np.datetime_as_string((local - pd.Timedelta(hours=7)).to_numpy(), unit="s")
    frame["period_month"] = month
    frame["received_at"] = frame["submitted_at"]
    excluded = rng.random(n) < 0.01
    frame["flags"] = np.where(excluded, "rate", None)
    frame["is_excluded"] = excluded
    frame["comment"] = np.where(rng.random(n) < 0.05, "Cán bộ hướng dẫn nhiệt tình, thủ tục nhanh", None)
    generals = rng.random(n) < 0.6  # a short counter form does not ask the "in general" questions
    for e in profile.elements:
        effect = rng.normal(0.0, 0.25)
        p_na = {"D": 0.10, "E": 0.25}.get(e.code, 0.03)
        for code in e.item_codes:
            frame[code.lower()] = _answers(rng, n, latent, effect + rng.normal(0.0, 0.15), p_na, 0.03)
        general = _answers(rng, n, latent, effect, p_na / 2, 0.02)
        frame[e.general.code.lower()] = np.where(generals, general, -1)
    frame["s0"] = np.where(generals, _answers(rng, n, latent, 0.0, 0.0, 0.02), -1)
    for code in profile.perception_codes:
        frame[code.lower()] = np.where(rng.random(n) < 0.1, -1, rng.choice([1, 2, 3], n, p=[0.9, 0.08, 0.02]))
    for code in profile.expectation_codes:
        frame[code.lower()] = np.where(rng.random(n) < 0.3, -1, rng.integers(1, 5, n))
    for name, top in (("sex", 3), ("age_band", 5), ("ethnicity", 2), ("education", 5), ("occupation", 7)):
        frame[name] = np.where(rng.random(n) < 0.2, -1, rng.integers(1, top + 1, n))
    return pd.DataFrame(frame)


def _as_rows(chunk: pd.DataFrame, sqlite: bool) -> tuple[list[str], object]:
    columns = list(chunk.columns)
    data = {}
    for name in columns:
        values = chunk[name]
        if name in ("submitted_at", "received_at"):
            text = values.str.replace("T", " ")
            data[name] = text + (".000000" if sqlite else "+00")
        elif values.dtype.kind in "iu" and name not in ("unit_id", "counter_id", "field_id", "period_month"):
            data[name] = values.astype(object).where(values >= 0, None)
        elif name == "procedure_id":
            data[name] = values.astype("Int64")
        elif name == "is_excluded":
            data[name] = values.astype(int) if sqlite else values.map({True: "t", False: "f"})
        else:
            data[name] = values
    frame = pd.DataFrame(data)
    if sqlite:
        return columns, list(frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None))
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="")
    return columns, buffer.getvalue()


def load(db, world: Population, n: int, months: list[int], start: int, seed: int) -> float:
    """Bulk-load ``n`` responses: COPY on PostgreSQL, big executemany transactions on SQLite."""
    began = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        sqlite = db.engine.dialect.name == "sqlite"
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("PRAGMA synchronous=OFF")  # the load only: reset below
        for offset in range(0, n, CHUNK):
            size = min(CHUNK, n - offset)
            chunk = generate(world, size, months, offset, n, start + offset, seed * 1000 + offset // CHUNK)
            columns, rows = _as_rows(chunk, sqlite)
            names = ", ".join(columns)
            if sqlite:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f"INSERT INTO responses ({names}) VALUES ({marks})", rows)
            else:
                with cursor.copy(f"COPY responses ({names}) FROM STDIN (FORMAT csv)") as copy:
                    copy.write(rows)
            raw.commit()
        if sqlite:
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    if not sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE responses")
    return time.perf_counter() - began


def seed_population(db) -> Population:
    from survey.models import Counter, Field, Procedure, Unit

    fields = [Field(code=f"LV{i:02d}", name=f"Lĩnh vực {i}", sort_order=i) for i in range(FIELDS)]
    for f in fields:
        f.procedures = [Procedure(code=f"{f.code}-TT{j}", name=f"Thủ tục {j}") for j in range(PROCEDURES_PER_FIELD)]
    province = Unit(code="T-01", name="UBND tỉnh", kind="province")
    units = [Unit(code=f"X-{i:03d}", name=f"UBND xã {i}", kind="commune", parent=province, fields=fields)
             for i in range(UNITS)]  # fmt: skip
    counters = [[Counter(unit=u, code=f"{u.code}-Q{j}", name=f"Quầy {j}") for j in range(COUNTERS_PER_UNIT)]
                for u in units]  # fmt: skip
    db.session.add_all([province, *fields, *units, *(c for row in counters for c in row)])
    db.session.commit()
    return population(db)


def population(db) -> Population:
    """The seeded units, fields, counters and procedures (ids in code order: the same world every time)."""
    from sqlalchemy import select

    from survey.models import Counter, Field, Procedure, Unit

    def ids(model, *where) -> list[int]:
        return list(db.session.scalars(select(model.id).where(*where).order_by(model.code)))

    units = ids(Unit, Unit.kind == "commune")
    fields = ids(Field)
    counters = [ids(Counter, Counter.unit_id == u) for u in units]
    procedures = [ids(Procedure, Procedure.field_id == f) for f in fields]
    return Population(units, fields, counters, procedures)


def make_app(url: str):
    from survey import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})


# ---- measurement (in a child process) -------------------------------------------------


def measure(url: str, unit_id: int, runs: int) -> dict:
    """Time (a) and (b) in this (fresh) process; then their Python peaks under tracemalloc."""
    from survey.extensions import db
    from survey.figures import Settings, tables
    from survey.queries import Scope

    year = NEWEST_MONTH[0]
    month = NEWEST_MONTH[0] * 100 + NEWEST_MONTH[1]
    full = (Scope(start_month=year * 100 + 1, end_month=month), ["unit_code", "field_code", "month"])
    dashboard = (Scope(unit_ids=(unit_id,), start_month=month, end_month=month), ["field_code"])
    app = make_app(url)
    out: dict = {}
    with app.app_context():
        out["rss_base_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        def timed(case) -> tuple[float, int]:
            began = time.perf_counter()
            table = tables.table(*case, Settings())
            return time.perf_counter() - began, len(table)

        out["a_first_s"], out["a_rows"] = timed(full)  # cold: first query of the process
        out["a_s"] = statistics.median(timed(full)[0] for _ in range(3))
        for _ in range(3):
            timed(dashboard)
        b_times = sorted(timed(dashboard)[0] for _ in range(runs))
        out["b_s"], out["b_p95_s"] = statistics.median(b_times), b_times[int(np.ceil(0.95 * runs)) - 1]
        out["b_rows"] = timed(dashboard)[1]
        out["b_responses"] = db.session.execute(
            db.text("SELECT COUNT(*) FROM responses WHERE unit_id = :u AND period_month = :m"),
            {"u": unit_id, "m": month},
        ).scalar()
        # peak RSS of the timed runs; the tracemalloc runs below add the tracer's own bookkeeping
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for key, case in (("a", full), ("b", dashboard)):
            tracemalloc.start()
            tables.table(*case, Settings())
            out[f"{key}_py_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        db.session.remove()
        db.engine.dispose()
    return out


def in_child(task: str, **spec) -> dict:
    """Run ``task`` in a fresh process, so its peak RSS is its own: ru_maxrss survives fork and exec,
    which is why the parent never loads rows or runs a query itself."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps({"task": task, **spec})],
        capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{task} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_task(url: str, rows: int, grow: bool) -> dict:
    """Build the schema and load ``rows`` responses, or (``grow``) add 2 × ``rows`` older ones."""
    from flask_migrate import upgrade

    from survey.extensions import db

    app = make_app(url)
    with app.app_context():
        if grow:
            world = population(db)
            seconds = load(db, world, 2 * rows, months_back(OLDER_MONTHS, skip=BASE_MONTHS), rows, seed=2)
        else:
            upgrade()
            world = seed_population(db)
            seconds = load(db, world, rows, months_back(BASE_MONTHS), 0, seed=1)
        db.session.remove()
        db.engine.dispose()
    return {"seconds": seconds, "unit_id": int(world.unit_ids[world.busiest])}


# ---- one backend ----------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, pg_url: str):
    """A fresh, empty database URL; dropped afterwards whatever happens."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="sipas-bench-") as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    name = f"sipas_bench_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def run_backend(kind: str, args) -> list[dict]:
    results = []
    with database(kind, args.pg_url) as url:
        steps = [(args.rows, False)] + ([] if args.skip_grow else [(3 * args.rows, True)])
        for total, grow in steps:
            loaded = in_child("load", url=url, rows=args.rows, grow=grow)
            print(f"{kind}: {total:,} rows in the database (load {loaded['seconds']:.0f} s)", file=sys.stderr)
            figures = in_child("measure", url=url, unit_id=loaded["unit_id"], runs=args.runs)
            results.append({"backend": kind, "rows": total, **figures})
    return results


def report(results: list[dict]) -> None:
    def ok(value: float, target: float) -> str:
        return "yes" if value <= target else "NO"

    head = (f"{'backend':<11}{'rows':>10}{'(a) s':>8}{'(b) med s':>11}{'(b) p95 s':>11}{'py peak MB':>12}"
            f"{'peak RSS MB':>13}{'ratio b':>9}  targets met: a / b / mem / ratio")  # fmt: skip
    print(head)
    print("-" * len(head))
    base = {}
    for r in results:
        if r["rows"] == min(x["rows"] for x in results if x["backend"] == r["backend"]):
            base[r["backend"]] = r["b_s"]
        ratio = r["b_s"] / base[r["backend"]]
        peak = max(r["a_py_peak_mb"], r["b_py_peak_mb"])
        grown = r["rows"] != min(x["rows"] for x in results if x["backend"] == r["backend"])
        met = [ok(r["a_s"], TARGETS["a_s"]), ok(r["b_s"], TARGETS["b_s"]), ok(r["rss_mb"], TARGETS["rss_mb"]),
               ok(ratio, TARGETS["ratio"]) if grown else "-"]  # fmt: skip
        print(f"{r['backend']:<11}{r['rows']:>10,}{r['a_s']:>8.2f}{r['b_s']:>11.3f}{r['b_p95_s']:>11.3f}"
              f"{peak:>12.0f}{r['rss_mb']:>13.0f}{ratio:>9.2f}  {' / '.join(met)}")  # fmt: skip
    print()
    print(f"targets: (a) < {TARGETS['a_s']} s, (b) median < {TARGETS['b_s']} s, peak RSS < {TARGETS['rss_mb']:.0f} MB,"
          f" (b)@3N / (b)@N <= {TARGETS['ratio']}")  # fmt: skip
    for r in results:
        print(f"  {r['backend']} {r['rows']:,}: (a) {r['a_rows']:,} result rows, first run {r['a_first_s']:.2f} s,"
              f" py peak {r['a_py_peak_mb']:.0f} MB; (b) {r['b_rows']} rows from {r['b_responses']} responses,"
              f" py peak {r['b_py_peak_mb']:.1f} MB; RSS after imports {r['rss_base_mb']:.0f} MB")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="base rows N (then 3 N); default 1,000,000")
    parser.add_argument(
        "--pg-url", default=DEFAULT_PG, help="admin connection; a fresh database is created and dropped"
    )
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-grow", action="store_true", help="measure at N rows only")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of (b) after the warm-up (>= 20)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        if spec["task"] == "load":
            print(json.dumps(load_task(spec["url"], spec["rows"], spec["grow"])))
        else:
            print(json.dumps(measure(spec["url"], spec["unit_id"], spec["runs"])))
        return 0
    if args.runs < 20:
        parser.error("--runs: at least 20")
    results = []
    for kind in ("sqlite", "postgresql"):
        if not getattr(args, "skip_" + ("pg" if kind == "postgresql" else kind)):
            results += run_backend(kind, args)
    if results:
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
