"""In-process CPU of the citizen's write path: GET the form + POST the ballot, through Flask's test client.

For comparing two checkouts like for like on a shared machine (CPU time of one process is
distorted far less by others' load than throughput): run this file from each checkout's
directory (the ``survey`` package is imported from the current directory), alternately:

    cd CHECKOUT && /path/to/.venv/bin/python /path/to/bench/form_cpu.py --db sipas_cpu_a --n 300
    ... --profile out.prof      # cProfile (CPU time) of the measured cycles
    ... --sql                   # statements per request

Each cycle is a new phone (its own device cookie and address, gzip accepted) at the next of
``--counters`` counters in turn; production limits (Redis) and flags, but the hours flag off.
Creates the database ``--db`` (dropped at the end). Prints CPU ms per cycle and, with a
Redis of its own (``--limiter redis+unix:///tmp/…``), the Redis commands per cycle.
"""

import argparse
import cProfile
import os
import random
import re
import secrets
import sys
import time
from collections import Counter as C

sys.path.insert(0, os.getcwd())
import psycopg

HIDDEN = re.compile(r'name="(csrf_token|key)"[^>]*value="([^"]*)"')
ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")


def main() -> None:  # noqa: C901, PLR0915 (a script)
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--n", type=int, default=400)
    p.add_argument("--counters", type=int, default=2000)
    p.add_argument("--comment", type=float, default=0.1, help="share of ballots with a comment")
    p.add_argument("--unhappy", type=float, default=0.15)
    p.add_argument("--limiter", default="redis://127.0.0.1:6379")
    p.add_argument("--old-limits", action="store_true", help="the old bench's opened-up limits")
    p.add_argument("--profile")
    p.add_argument("--sql", action="store_true")
    p.add_argument("--encoding", default="gzip, deflate, br", help="Accept-Encoding the client sends")
    a = p.parse_args()

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{a.db}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{a.db}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{a.db}"
    from flask_migrate import upgrade

    from survey import create_app
    from survey.extensions import db
    from survey.models import Counter, Field, Unit

    cfg = {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_STORAGE_URI": a.limiter,
        "RATELIMIT_KEY_PREFIX": f"h16-inproc-{os.getpid()}",
        "TRUSTED_PROXIES": 1,
        "TRUST_HOURS_START": None,
        "TRUST_HOURS_END": None,
    }
    if a.old_limits:
        cfg.update(
            RATELIMIT_PER_ADDRESS="10000000/minute",
            RATELIMIT_PER_COUNTER="10000000/minute",
            TRUST_RATE_PER_MINUTE=10_000_000,
        )
    app = create_app(cfg)
    with app.app_context():
        upgrade()
        fields = [Field(code="HT", name="Hộ tịch"), Field(code="DD", name="Đất đai")]
        unit = Unit(code="BENCH", name="UBND xã Thử Tải", kind="commune", fields=fields)
        rows = [Counter(unit=unit, code=f"BENCH-Q{i:04d}", name=f"Quầy số {i}") for i in range(a.counters)]
        db.session.add_all([*fields, unit, *rows])
        db.session.commit()
        tokens = [c.token for c in rows]
        db.session.remove()

    stmts = C()
    cur = {"kind": None}
    if a.sql:
        from sqlalchemy import event

        with app.app_context():

            @event.listens_for(db.engine, "before_cursor_execute")
            def _count(conn, cursor, statement, *args):
                stmts[(cur["kind"], " ".join(statement.split())[:110])] += 1

    rng = random.Random(1)
    v4 = [f"{n}.{h}" for n in ("192.0.2", "198.51.100", "203.0.113") for h in range(1, 255)]
    order = list(tokens)
    rng.shuffle(order)

    def cycle(i):
        token = order[i % len(order)]
        client = app.test_client()
        client.set_cookie("sipas_tb", secrets.token_urlsafe(16))
        env = {"REMOTE_ADDR": "127.0.0.1"}
        h = {"X-Forwarded-For": rng.choice(v4)}
        if a.encoding:
            h["Accept-Encoding"] = a.encoding
        cur["kind"] = "GET"
        r = client.get(f"/s/{token}", headers=h, environ_base=env)
        assert r.status_code == 200, r.status_code
        body = r.get_data()
        if r.headers.get("Content-Encoding"):
            hidden = None
            # decompress to read the form
            import gzip

            import brotli

            body = brotli.decompress(body) if r.headers["Content-Encoding"] == "br" else gzip.decompress(body)
        hidden = dict(HIDDEN.findall(body.decode()))
        low = 1 if rng.random() < a.unhappy else 4
        form = {**hidden, **{f"q_{c}": str(rng.randint(low, 5)) for c in ITEMS}, "field_code": rng.choice(("HT", "DD"))}
        if rng.random() < a.comment:
            form["comment"] = "bench-marker " + secrets.token_hex(8)
        cur["kind"] = "POST"
        r = client.post(f"/s/{token}", data=form, headers=h, environ_base=env)
        assert r.status_code == 303, (r.status_code, r.get_data()[:3000])

    for i in range(30):
        cycle(10_000 + i)  # warm-up
    stmts.clear()
    import redis

    R = redis.Redis.from_url(a.limiter.replace("redis+unix://", "unix://"))

    def rcalls():
        return sum(v["calls"] for k, v in R.info("commandstats").items())

    rc0 = rcalls()
    prof = cProfile.Profile(time.process_time) if a.profile else None
    t0, w0 = time.process_time(), time.perf_counter()
    if prof:
        prof.enable()
    for i in range(a.n):
        cycle(i)
    if prof:
        prof.disable()
    cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    rc = rcalls() - rc0
    with app.app_context():
        from sqlalchemy import text

        flagged = db.session.execute(text("select flags, count(*) from responses group by flags")).all()
        fb = db.session.execute(text("select count(*) from feedback_items")).scalar()
    print(
        f"{os.getcwd()}: {a.n} cycles, CPU {1000 * cpu / a.n:.2f} ms/cycle (wall {1000 * wall / a.n:.2f}); redis cmds/cycle {rc / a.n:.1f}; flags {flagged}; feedback {fb}"
    )
    if a.sql:
        for (k, s), n in sorted(stmts.items(), key=lambda x: -x[1]):
            print(f"  {k:4} {n / a.n:5.2f}/cycle  {s}")
    if prof:
        prof.dump_stats(a.profile)
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{a.db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
