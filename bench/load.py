"""Load test of the citizen form under faults, with production limits and flags: can it lose or double a ballot?

Loopback only, bounded in submissions and in time; it stops by itself and cleans up.

1. creates a fresh PostgreSQL database, migrates it, seeds one unit with many counters
   (2,000: citizens come to them in turn, so each sees a ballot every 20 s at 100/s, as a
   province's counters would, and honest ballots are not flagged ``rate``);
2. starts gunicorn on 127.0.0.1 with the production limits and trust flags (nothing opened
   up) behind one trusted proxy (``TRUSTED_PROXIES=1``): each simulated phone comes from
   its own address in the documentation ranges, sent as ``X-Forwarded-For``;
3. runs concurrent submitters, each a new phone per ballot (a device cookie from an earlier
   visit, gzip/brotli accepted as a browser does): GET the form (CSRF token, ballot token),
   then POST it; the ballot's unique marker is its device-cookie id, whose keyed hash the
   ballot stores in a column under no UNIQUE constraint (a ballot stored twice shows as two
   rows); ``--comments`` of the citizens (10 %) also write a comment, which opens a feedback
   item as low scores do; on a 5xx, a 429 or a timeout the *same* POST is sent again until it
   is confirmed (303) or ``--retry-for`` ends;
4. meanwhile SIGKILLs one gunicorn worker, and takes the database away for
   ``--outage-seconds`` (by default only the bench's own database: connections refused and
   cut, ``ALLOW_CONNECTIONS false``; ``--pg-restart`` restarts the whole PostgreSQL cluster
   instead — never on a machine others use);
5. counts, by marker: lost (confirmed to the client, not stored), doubled (stored more than
   once), and what clients saw: 5xx, timeouts, 429s, abandoned ballots (never confirmed).

    .venv/bin/python bench/load.py                        # 2 sync workers, 30 s, faults on
    .venv/bin/python bench/load.py --duration 10 --no-faults
    .venv/bin/python bench/load.py --self-test            # proves the check catches a double and a loss

Needs: PostgreSQL (trust auth for postgres on 127.0.0.1), Redis for the rate limiter
(``--limiter memory://`` without), ``pg_ctlcluster`` only with ``--pg-restart``.
Exit status 0 only if nothing was lost or doubled (with ``--self-test``: only if both
planted faults were caught).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import startup  # noqa: E402

HIDDEN = re.compile(rb'name="(csrf_token|key)"[^>]*value="([^"]*)"')
#: each ballot's unique marker is its phone's device-cookie id (a column under no UNIQUE
#: constraint: a ballot stored twice shows as two rows with its hash); a commenting citizen's
#: comment carries the marker too, after this prefix
DEVICE_COOKIE = "sipas_tb"
MARKER_PREFIX = "bench-marker "
ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")


# ---- set-up -------------------------------------------------------------------------------


def migrate_and_seed(url: str, counters: int) -> list[str]:
    """Schema by the migrations, then one unit with ``counters`` counters; returns their tokens."""
    from flask_migrate import upgrade

    from survey import create_app
    from survey.extensions import db
    from survey.models import Counter, Field, Unit

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        fields = [Field(code="HT", name="Hộ tịch"), Field(code="DD", name="Đất đai")]
        unit = Unit(code="BENCH", name="UBND xã Thử Tải", kind="commune", fields=fields)
        rows = [Counter(unit=unit, code=f"BENCH-Q{i:03d}", name=f"Quầy số {i}") for i in range(counters)]
        db.session.add_all([*fields, unit, *rows])
        db.session.commit()
        tokens = [c.token for c in rows]
        db.session.remove()
        db.engine.dispose()
    return tokens


def start_gunicorn(args, url: str, port: int, log: Path) -> subprocess.Popen:
    config = {
        "SECRET_KEY": args.secret_key,
        "SQLALCHEMY_DATABASE_URI": url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_STORAGE_URI": args.limiter,
        "RATELIMIT_KEY_PREFIX": f"sipas-bench-{os.getpid()}",
        # the production limits and flags as they are; the client address comes from the
        # proxy header, as behind nginx
        "TRUSTED_PROXIES": 1,
    }
    options = ("--worker-class", args.worker_class, "--threads", str(args.threads if args.worker_class == "gthread" else 1),
               "--backlog", "2048", "--keep-alive", "30", "--timeout", "30", "--graceful-timeout", "5")  # fmt: skip
    return startup.start_gunicorn(config, port, log, workers=args.workers, options=options)


# ---- the submitters --------------------------------------------------------------------------


@dataclass
class Request:
    kind: str  # GET or POST
    start: float
    end: float
    status: int  # 0: connection error or timeout


@dataclass
class Results:
    requests: list[Request] = field(default_factory=list)
    #: marker → monotonic time the client saw its 303
    confirmed: dict[str, float] = field(default_factory=dict)
    #: markers of ballots whose client stopped without a 303 (gave up, or a final refusal)
    abandoned: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)
            self.statuses[request.status] = self.statuses.get(request.status, 0) + 1


class Phone:
    """A citizen's phone: one HTTP connection (kept alive between its requests) and a cookie jar."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.address = "192.0.2.1"

    def new(self, address: str, device_id: str) -> None:
        """Another citizen's phone: its own address and connection, and the device cookie of an earlier visit."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        self.cookies = {DEVICE_COOKIE: device_id}
        self.address = address

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        # what a phone's browser sends; the compressed page is read as the browser reads it
        headers = {"X-Forwarded-For": self.address, "Accept-Encoding": "gzip, deflate, br"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = decoded(response.read(), response.getheader("Content-Encoding"))
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, data


def decoded(body: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def ballot(rng: random.Random, unhappy: float) -> dict[str, str]:
    """A citizen's answers: a satisfied one answers 4 or 5 throughout; an unhappy one (share
    ``unhappy``) anything from 1 to 5, so nearly every such ballot raises a feedback item."""
    low = 1 if rng.random() < unhappy else 4
    return {f"q_{code}": str(rng.randint(low, 5)) for code in ITEMS}


def addresses() -> list[str]:
    """Simulated client addresses: the three IPv4 documentation /24s and 256 IPv6 /64s of 2001:db8::/32."""
    v4 = [f"{net}.{host}" for net in ("192.0.2", "198.51.100", "203.0.113") for host in range(1, 255)]
    return v4 + [f"2001:db8:{n:x}::1" for n in range(256)]


class Queue:
    """The counters in turn: citizens come to one counter after another, as a province's counters
    each serve a queue, not to one counter in a clump of random picks (which trips the ``rate`` flag)."""

    def __init__(self, tokens: list[str]):
        self.tokens, self.next, self.lock = random.sample(tokens, len(tokens)), 0, threading.Lock()

    def take(self) -> str:
        with self.lock:
            token = self.tokens[self.next]
            self.next = (self.next + 1) % len(self.tokens)
            return token


def submitter(phone: Phone, queue: Queue, results: Results, stop: threading.Event, budget, args) -> None:
    rng = random.Random()
    pool = addresses()
    while not stop.is_set() and budget.take():
        token = queue.take()
        marker = secrets.token_urlsafe(16)  # the phone's device-cookie id: 22 characters, as the app sets them
        phone.new(rng.choice(pool), marker)  # a new citizen: a new phone, its own address, connection and cookies
        hidden = None
        while hidden is None and not stop.is_set():
            start = time.monotonic()
            try:
                status, body = phone.request("GET", f"/s/{token}")
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
            results.record(Request("GET", start, time.monotonic(), status))
            if status == 200:
                hidden = {m.group(1).decode(): m.group(2).decode() for m in HIDDEN.finditer(body, 0, 20000)}
            else:
                time.sleep(0.05 + rng.random() * 0.1)
        if hidden is None:
            return
        answers = ballot(rng, args.unhappy)
        if rng.random() < args.comments:
            answers["comment"] = MARKER_PREFIX + marker
        form = urlencode({**hidden, **answers, "field_code": rng.choice(("HT", "DD"))}).encode()
        give_up = time.monotonic() + args.retry_for
        while True:
            start = time.monotonic()
            try:
                status, _ = phone.request("POST", f"/s/{token}", form)
            except (OSError, http.client.HTTPException):
                status = 0
            end = time.monotonic()
            results.record(Request("POST", start, end, status))
            if status == 303:
                with results.lock:
                    results.confirmed[marker] = end
                break
            if status in (400, 409, 422) or end > give_up:  # a refusal is final; or the citizen gives up
                with results.lock:
                    results.abandoned.append(marker)
                break
            time.sleep(0.05 + rng.random() * 0.2)  # 5xx, 429, reset, timeout: the same POST again


class Budget:
    def __init__(self, total: int):
        self.left, self.lock = total, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            self.left -= 1
            return self.left >= 0


# ---- faults ---------------------------------------------------------------------------------


def kill_a_worker(master: int, expected: int) -> tuple[float, float]:
    victims = startup.workers_of(master)
    start = time.monotonic()
    if victims:
        os.kill(random.choice(victims), signal.SIGKILL)
    deadline = start + 15
    time.sleep(0.2)
    while time.monotonic() < deadline and len(startup.workers_of(master)) < expected:
        time.sleep(0.05)
    return start, time.monotonic()


def block_database(port: int, name: str, seconds: float) -> tuple[float, float]:
    """An outage of the bench's own database only: new connections refused, open ones cut, for ``seconds``."""
    start = time.monotonic()
    with startup.admin_connect(port) as conn:
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        time.sleep(seconds)
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    return start, time.monotonic()


def restart_postgres(cluster: str) -> tuple[float, float]:
    version, name = cluster.split("/")
    start = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True,
                   timeout=60, stdout=subprocess.DEVNULL)  # fmt: skip
    return start, time.monotonic()


# ---- report ---------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of running processes (their ended children not included)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def tally(confirmed: set[str], abandoned: set[str], stored: dict[str, int]) -> dict[str, int]:
    """Lost and doubled ballots, by marker: ``stored`` maps each marker to its number of rows."""
    return {
        "confirmed": len(confirmed),
        "stored": sum(stored.values()),
        "lost": sum(1 for m in confirmed if m not in stored),
        "doubled": sum(1 for n in stored.values() if n > 1),
        "abandoned": len(abandoned),
        "abandoned_but_stored": sum(1 for m in abandoned if m in stored),
        "stored_not_confirmed": sum(1 for m in stored if m not in confirmed and m not in abandoned),
    }


def device_hashes(secret_key: str, markers) -> dict[str, str]:
    """device_hash (as the app stores it, keyed from its SECRET_KEY) → marker."""
    from survey import create_app
    from survey.services import privacy

    with create_app({"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        return {privacy.device_hash(m): m for m in markers}


def stored_markers(url: str, hashes: dict[str, str]) -> tuple[dict[str, int], dict[str, int], int]:
    """Rows per marker (a row whose hash no client sent counts under its hash), rows per set of flags, feedback items."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        rows = conn.execute("SELECT device_hash, count(*) FROM responses GROUP BY device_hash")
        stored = {hashes.get(h, h): n for h, n in rows}
        flags = dict(conn.execute("SELECT coalesce(flags, ''), count(*) FROM responses GROUP BY 1").fetchall())
        feedback = conn.execute("SELECT count(*) FROM feedback_items").fetchone()[0]
    return stored, flags, feedback


def check_database(url: str, results: Results, secret_key: str) -> dict:
    hashes = device_hashes(secret_key, [*results.confirmed, *results.abandoned])
    stored, flags, feedback = stored_markers(url, hashes)
    counts = tally(set(results.confirmed), set(results.abandoned), stored)
    flagged = {reasons: n for reasons, n in flags.items() if reasons}
    return {**counts, "flagged": sum(flagged.values()), "flags": flagged, "feedback": feedback}


def plant_faults(url: str, results: Results, secret_key: str) -> None:
    """For the self-test: store one confirmed ballot a second time, and delete another."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    first, second = device_hashes(secret_key, list(results.confirmed)[:2])
    with psycopg.connect(plain) as conn:
        columns = [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns "
                                              "WHERE table_name = 'responses' AND column_name NOT IN "
                                              "('id', 'response_key')")]  # fmt: skip
        names = ", ".join(columns)
        conn.execute(f"INSERT INTO responses (response_key, {names}) SELECT 'planted-double-0000000', {names} "
                     "FROM responses WHERE device_hash = %s", (first,))  # fmt: skip  # noqa: S608
        conn.execute("DELETE FROM feedback_items WHERE response_id IN (SELECT id FROM responses "
                     "WHERE device_hash = %s)", (second,))  # fmt: skip
        conn.execute("DELETE FROM responses WHERE device_hash = %s", (second,))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # On this 2-core machine the app is CPU-bound: as many sync workers as cores served the
    # most (gthread's threads fight over each worker's GIL); see README, "Benchmarks".
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--clients", type=int, default=32, help="concurrent submitters")
    parser.add_argument("--duration", type=float, default=30, help="seconds of measured load (at most 300)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of load before measuring")
    parser.add_argument("--max-submissions", type=int, default=100_000)
    parser.add_argument(
        "--counters",
        type=int,
        default=2000,
        help="counters, served in turn (2000 at 100 ballots/s: one ballot a counter every 20 s)",
    )
    parser.add_argument("--comments", type=float, default=0.1, help="share of citizens who write a comment")
    parser.add_argument("--unhappy", type=float, default=0.15,
                        help="share of citizens answering 1–5 at random (the rest answer 4–5); 1.0: every ballot "
                             "raises a feedback item")  # fmt: skip
    parser.add_argument("--retry-for", type=float, default=20, help="seconds a submitter retries one POST")
    parser.add_argument("--timeout", type=float, default=10, help="client socket timeout, seconds")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--outage-seconds", type=float, default=15, help="length of the database outage")
    parser.add_argument("--pg-restart", action="store_true",
                        help="restart the whole PostgreSQL cluster instead of blocking the bench database "
                             "(never on a machine others use)")  # fmt: skip
    parser.add_argument("--self-test", action="store_true",
                        help="a short run without faults, then plant one double and one loss: the check must "
                             "report exactly those")  # fmt: skip
    parser.add_argument("--pg-cluster", default="15/main", help="VERSION/NAME for pg_ctlcluster (--pg-restart)")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--limiter", default="redis://127.0.0.1:6379", help="RATELIMIT_STORAGE_URI")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    args.duration = min(args.duration, 300)
    args.secret_key = secrets.token_hex(16)
    if args.self_test:
        args.no_faults, args.duration, args.clients = True, min(args.duration, 5), min(args.clients, 8)

    # A watchdog: whatever happens, the bench ends within its budget.
    args.warmup = min(args.warmup, 60)
    hard_stop = threading.Timer(args.warmup + args.duration + args.retry_for + 180, lambda: os._exit(3))
    hard_stop.daemon = True
    hard_stop.start()

    name = f"sipas_bench_{os.getpid()}"
    log = Path(f"/tmp/sipas-bench-{os.getpid()}.log")
    print(f"database {name} on port {args.pg_port}, gunicorn log {log}")
    url = startup.create_database(name, args.pg_port)
    server = None
    try:
        tokens = migrate_and_seed(url, args.counters)
        port = startup.free_port()
        server = start_gunicorn(args, url, port, log)
        shape = f"/{args.threads} threads" if args.worker_class == "gthread" else ""
        print(f"gunicorn {args.workers} × {args.worker_class}{shape} on 127.0.0.1:{port}; "
              f"{args.clients} submitters, {args.warmup:.0f} s warm-up, then {args.duration:.0f} s measured")  # fmt: skip

        results, stop, budget = Results(), threading.Event(), Budget(args.max_submissions)
        queue = Queue(tokens)
        threads = [threading.Thread(target=submitter, args=(Phone(port, args.timeout), queue, results, stop, budget,
                                                            args), daemon=True) for _ in range(args.clients)]  # fmt: skip
        for t in threads:
            t.start()
        time.sleep(args.warmup)  # every worker renders its first form, compiles its queries …
        cpu_before = (cpu_seconds(startup.workers_of(server.pid)), cpu_seconds(postgres_pids()), time.process_time())
        began = time.monotonic()
        windows: list[tuple[str, float, float]] = []
        if not args.no_faults:
            time.sleep(args.duration / 3)
            start, end = kill_a_worker(server.pid, args.workers)
            windows.append(("SIGKILL worker", start, end))
            time.sleep(max(0.0, began + 2 * args.duration / 3 - time.monotonic()))
            if args.pg_restart:
                start, end = restart_postgres(args.pg_cluster)
                windows.append(("PostgreSQL restart", start, end))
            else:
                start, end = block_database(args.pg_port, name, args.outage_seconds)
                windows.append((f"database outage ({args.outage_seconds:.0f} s)", start, end))
        time.sleep(max(0.0, began + args.duration - time.monotonic()))
        stop.set()  # no new ballots; the ones in flight finish (retrying if they must)
        load_end = time.monotonic()
        cpu_after = (cpu_seconds(startup.workers_of(server.pid)), cpu_seconds(postgres_pids()), time.process_time())
        for t in threads:
            t.join(timeout=args.retry_for + 15)

        # Figures cover the measured span; a request is "in a fault window" if it overlaps
        # the fault or the 2 s after it. The count check covers every ballot, warm-up included.
        margin = 2.0
        spans = [(s, e + margin) for _, s, e in windows]

        def clean(r: Request) -> bool:
            return r.start >= began and r.end <= load_end and all(r.end < s or r.start > e for s, e in spans)

        posts = [r for r in results.requests if r.kind == "POST" and r.status == 303 and clean(r)]
        gets = [r for r in results.requests if r.kind == "GET" and r.status == 200 and clean(r)]
        elapsed = load_end - began
        faulty = sum(min(e, load_end) - max(s, began) for s, e in spans)
        measured = [t for t in results.confirmed.values() if began <= t <= load_end]
        in_clean = sum(1 for t in measured if all(t < s or t > e for s, e in spans))
        counts = check_database(url, results, args.secret_key)
        seen = {"5xx": sum(n for s, n in results.statuses.items() if s >= 500),
                "timeouts": results.statuses.get(0, 0), "429": results.statuses.get(429, 0)}  # fmt: skip

        print()
        for label, s, e in windows:
            print(f"fault: {label} at {s - began:5.1f} s, recovered after {e - s:4.1f} s")
        print(f"requests by status: {dict(sorted(results.statuses.items()))}  (0 = connection error/timeout)")
        print(f"throughput: {len(measured) / elapsed:7.1f} confirmed submissions/s overall, "
              f"{in_clean / max(elapsed - faulty, 1e-9):7.1f}/s outside fault windows")  # fmt: skip
        for label, rows in (("POST (submit)", posts), ("GET (form)", gets)):
            ms = [1000 * (r.end - r.start) for r in rows]
            print(f"latency {label:<14} outside faults: p50 {percentile(ms, 50):6.1f} ms, "
                  f"p99 {percentile(ms, 99):6.1f} ms, n={len(ms)}")  # fmt: skip
        ms = [1000 * (r.end - r.start) for r in results.requests if r.kind == "POST" and r.status == 303]
        print(f"latency POST (submit)  all (faults too):   p99 {percentile(ms, 99):6.1f} ms, "
              f"max {max(ms, default=0):.0f} ms")  # fmt: skip
        print(f"clients saw: 5xx {seen['5xx']}, timeouts/connection errors {seen['timeouts']}, 429 {seen['429']}")
        print(f"count check by marker: confirmed {counts['confirmed']}, stored {counts['stored']}, "
              f"lost {counts['lost']}, doubled {counts['doubled']}; abandoned {counts['abandoned']} "
              f"(of them stored {counts['abandoned_but_stored']}); stored, client still waiting "
              f"{counts['stored_not_confirmed']}")  # fmt: skip
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(counts["flags"].items(), key=lambda i: -i[1]))
        print(f"stored {counts['stored']} ballots: flagged {counts['flagged']} ({reasons or 'none'}); "
              f"feedback items opened {counts['feedback']}")  # fmt: skip
        if args.no_faults:  # with faults, processes come and go and the sums mean little
            used = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
            per = [1000 * u / max(len(measured), 1) for u in used]
            print(f"CPU per confirmed submission: app {per[0]:.1f} ms, PostgreSQL {per[1]:.1f} ms, "
                  f"client {per[2]:.1f} ms (machine: {os.cpu_count()} cores)")  # fmt: skip
        ok = counts["lost"] == 0 and counts["doubled"] == 0
        if args.self_test:
            if len(results.confirmed) < 2:
                print("SELF-TEST: too few confirmed ballots to plant faults")
                return 1
            plant_faults(url, results, args.secret_key)
            planted = check_database(url, results, args.secret_key)
            caught = ok and planted["lost"] == 1 and planted["doubled"] == 1
            print(f"self-test, after planting one double and one loss: lost {planted['lost']}, "
                  f"doubled {planted['doubled']}")  # fmt: skip
            print("SELF-TEST:", "OK — the check caught both" if caught else "FAILED")
            return 0 if caught else 1
        print("RESULT:", "OK — nothing lost, nothing doubled" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if not args.keep_db:
            startup.drop_database(name, args.pg_port)
        hard_stop.cancel()


if __name__ == "__main__":
    sys.exit(main())
