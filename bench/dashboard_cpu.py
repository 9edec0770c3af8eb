"""gunicorn configuration for ``bench/dashboard.py``: each response says what it cost its worker.

Loaded with ``--config bench/dashboard_cpu.py``; the app itself is unchanged. After a worker has
loaded the app, its WSGI callable is wrapped: when the app starts its response (everything computed:
session and login, filters, figures, template or file), two headers are added:

- ``X-Bench-CPU-us``: the worker's CPU time (user + system, ``time.process_time``) spent on this
  request since it reached the app, in microseconds — not the time it waited for the machine's
  cores nor for PostgreSQL, so it holds on a loaded machine;
- ``X-Bench-SQL``: the SQL statements the request sent.
"""

from __future__ import annotations

import time


def post_worker_init(worker) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements = [0]

    def count(*_args, **_kwargs) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    app = worker.wsgi

    def measured(environ, start_response):
        began, statements[0] = time.process_time(), 0

        def starting(status, headers, exc_info=None):
            cpu = round(1e6 * (time.process_time() - began))
            headers = [*headers, ("X-Bench-CPU-us", str(cpu)), ("X-Bench-SQL", str(statements[0]))]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return app(environ, starting)

    worker.wsgi = measured
