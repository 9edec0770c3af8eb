"""What the HTTP benches share to start: a fresh PostgreSQL database, gunicorn on a free loopback port, a login.

``bench/load.py`` (the citizen form under load) and ``bench/dashboard.py`` (the office pages)
both run the app under gunicorn on 127.0.0.1 against a database of their own, dropped at the end.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql://postgres@{host}:{port}/postgres"


# ---- the database ---------------------------------------------------------------------------


def admin_connect(port: int = 5432, host: str = "127.0.0.1"):
    import psycopg

    return psycopg.connect(ADMIN_URL.format(host=host, port=port), autocommit=True, connect_timeout=5)


def create_database(name: str, port: int = 5432, host: str = "127.0.0.1") -> str:
    """A fresh, empty database ``name`` (dropped first if there is one); its SQLAlchemy URL."""
    with admin_connect(port, host) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{host}:{port}/{name}"


def drop_database(name: str, port: int = 5432, host: str = "127.0.0.1") -> None:
    """Drop ``name``, its sessions ended; retried while the server may still be coming back."""
    for _ in range(10):
        try:
            with admin_connect(port, host) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except Exception as exc:  # noqa: BLE001 (a restarting server raises several kinds)
            print(f"  (drop database: {exc}; retrying)")
            time.sleep(1)


# ---- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_of(master: int) -> list[int]:
    """The pids of a gunicorn master's workers."""
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def start_gunicorn(config: dict, port: int, log: Path, *, workers: int = 2, options: tuple[str, ...] = (),
                   ready_path: str = "/", wait: float = 90) -> subprocess.Popen:  # fmt: skip
    """gunicorn serving ``create_app(config)`` on 127.0.0.1:``port``, its output in ``log``.

    Returns once ``ready_path`` answers 200 and every worker is up; the server runs in a
    session of its own, so ``os.killpg(process.pid, …)`` ends it with its workers.
    """
    command = [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               *options, f"survey:create_app({config!r})"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", ready_path)
            if conn.getresponse().status == 200 and len(workers_of(process.pid)) == workers:
                conn.close()
                return process
        except OSError:
            pass
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the master and its workers
    raise SystemExit(f"gunicorn did not start in {wait:.0f} s: see {log}")


# ---- an office session ----------------------------------------------------------------------

_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


def login(request, username: str, password: str) -> None:
    """Log in through the office's login form; ``request(method, path, body)`` → (status, body) keeps the cookies."""
    _, page = request("GET", "/admin/login")
    token = _CSRF.search(page).group(1).decode()
    status, _ = request("POST", "/admin/login", urlencode({"username": username, "password": password,
                                                           "csrf_token": token}))  # fmt: skip
    if status not in (302, 303):
        raise SystemExit(f"login failed: {status}")
