"""The load bench against a stripped-down form (``bench/floor_app.py``): what this stack can do here.

``bench/load.py`` measures the app; this measures the least a form with the same stack
costs on the same machine, under the same submitters (each ballot a new phone: GET the
form, POST it), so the two figures say how much of the cost is the app's own and how much
the stack's and the machine's. No faults; loopback only; a fresh PostgreSQL database,
dropped at the end.

    .venv/bin/python bench/floor.py                 # 2 sync workers, 32 submitters, 10 s
    .venv/bin/python bench/floor.py --trivial       # not even the stack: Flask alone
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402  (the path above first)
    Budget,
    Phone,
    Results,
    cpu_seconds,
    create_database,
    drop_database,
    free_port,
    postgres_pids,
    submitter,
    workers_of,
)


def wait_until_up(port: int, process: subprocess.Popen, workers: int) -> None:
    import http.client

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            if conn.getresponse().status == 200 and len(workers_of(process.pid)) == workers:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start in 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--limiter", default="redis://127.0.0.1:6379")
    parser.add_argument("--trivial", action="store_true", help="Flask alone: no form, no limiter, no database")
    args = parser.parse_args()
    args.retry_for, args.unhappy = 10.0, 0.15  # what submitter() reads

    name = f"sipas_floor_{os.getpid()}"
    url = create_database(args.pg_port, name)
    port = free_port()
    env = {
        **os.environ,
        "FLOOR_DATABASE_URL": url,
        "FLOOR_LIMITER": args.limiter,
        "PYTHONPATH": str(ROOT),
        "FLOOR_SECRET_KEY": secrets.token_hex(16),
    }  # one key for every worker, as in production
    if not args.trivial:
        os.environ.update(FLOOR_DATABASE_URL=url, FLOOR_LIMITER=args.limiter, FLOOR_SECRET_KEY="-")
        from bench import floor_app

        floor_app.metadata.create_all(floor_app.engine)
        floor_app.engine.dispose()
    target = "bench.trivial_app:app" if args.trivial else "bench.floor_app:app"
    command = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
               "--backlog", "2048", "--log-level", "warning", target]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(port, server, args.workers)
        results, stop, budget = Results(), threading.Event(), Budget(10**7)
        tokens = [f"quay-{i:03d}" for i in range(100)]
        threads = [threading.Thread(target=submitter, args=(Phone(port, 10), tokens, results, stop, budget, args),
                                    daemon=True) for _ in range(args.clients)]  # fmt: skip
        for t in threads:
            t.start()
        time.sleep(args.warmup)
        before = (len(results.confirmed), cpu_seconds(workers_of(server.pid)), cpu_seconds(postgres_pids()),
                  time.process_time(), time.monotonic())  # fmt: skip
        time.sleep(args.duration)
        after = (len(results.confirmed), cpu_seconds(workers_of(server.pid)), cpu_seconds(postgres_pids()),
                 time.process_time(), time.monotonic())  # fmt: skip
        stop.set()
        for t in threads:
            t.join(timeout=15)
        failed = {status: n for status, n in results.statuses.items() if status not in (200, 303)}
        if failed:
            raise SystemExit(f"requests failed: {failed} (see the gunicorn output above)")
        n = max(after[0] - before[0], 1)
        app_ms, pg_ms, client_ms = (1000 * (a - b) / n for a, b in zip(after[1:4], before[1:4], strict=True))
        kind = "Flask alone" if args.trivial else "stripped-down form, same stack"
        print(f"{kind}: {args.workers} sync workers, {args.clients} submitters, {args.duration:.0f} s")
        print(f"throughput: {n / (after[4] - before[4]):7.1f} confirmed submissions/s")
        print(
            f"CPU per confirmed submission: app {app_ms:.2f} ms, PostgreSQL {pg_ms:.2f} ms, client {client_ms:.2f} ms"
        )
        print(f"requests by status: {dict(sorted(results.statuses.items()))}")
        return 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        drop_database(args.pg_port, name)


if __name__ == "__main__":
    sys.exit(main())
