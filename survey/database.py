"""Engine settings that differ between SQLite and PostgreSQL, and where the read model reads.

``DATABASE_READ_URL`` (optional) names a read replica (a PostgreSQL hot standby). The figures
(``survey.queries``, ``survey.figures``) read through :data:`reading`, which uses the replica when
it is configured and the primary otherwise; every write, and every read a write depends on,
stays on the primary. A replica shows what the primary committed a moment ago (its replication
lag); each figure is read in one statement, so it is consistent within itself.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from survey import models  # noqa: F401  (registers every model on the metadata)
from survey.config import normalise_database_url
from survey.extensions import db

READ_ENGINE = "sipas.read_engine"


class _Reading:
    """The connection the read model reads on: the replica's when configured, else the session's own."""

    @staticmethod
    def engine() -> Engine | None:
        return current_app.extensions.get(READ_ENGINE)

    def connection(self):
        engine = self.engine()
        return db.session.connection() if engine is None else db.session.connection(bind_arguments={"bind": engine})

    def execute(self, statement, params=None):
        engine = self.engine()
        if engine is None:
            return db.session.execute(statement, params)
        return db.session.execute(statement, params, bind_arguments={"bind": engine})


reading = _Reading()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        # Foreign keys are off by default in SQLite; WAL lets readers and one writer overlap.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def init_app(app: Flask) -> None:
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    url = app.config.get("DATABASE_READ_URL")
    if url:
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        app.extensions[READ_ENGINE] = create_engine(normalise_database_url(str(url)), **options)
