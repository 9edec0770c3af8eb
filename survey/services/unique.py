"""Adding a row whose code must be unique, without the SELECT-then-INSERT race.

A check by SELECT before the INSERT lets two requests both see "free" and both insert; the
second then fails at commit with an IntegrityError, a 500. Here the INSERT itself is the
check: it runs inside a SAVEPOINT, and a unique violation (the database's UNIQUE index
decides, whoever came first) rolls back only that savepoint and becomes a Vietnamese
:class:`DomainError`. Any other integrity error is a bug and is raised as it is.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.services.errors import DomainError

#: PostgreSQL's SQLSTATE for unique_violation
_UNIQUE_VIOLATION = "23505"


def is_unique_violation(exc: IntegrityError) -> bool:
    original = exc.orig
    if getattr(original, "sqlstate", None) == _UNIQUE_VIOLATION:  # psycopg 3
        return True
    return "UNIQUE constraint failed" in str(original)  # sqlite3


def _open_sqlite_transaction() -> None:
    """SQLite through Python's sqlite3 opens a transaction only before a write: a SAVEPOINT issued
    before any write would itself start the transaction, and its RELEASE would commit it, so a
    later refusal in the same request could no longer roll the row back. Open it first."""
    raw = db.session.connection().connection.driver_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        raw.execute("BEGIN")


def add_unique(row, taken_message: str):
    """Add ``row`` and flush inside a savepoint; DomainError(``taken_message``) when its code is taken."""
    _open_sqlite_transaction()
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise DomainError(taken_message) from exc
    return row
