"""The unit tree, read once per unit of work and never kept past a change of it.

A page or a report asks for the unit tree many times: the dashboard's filters and unit list
(``survey.admin.filters``), every unit's subtree (``survey.services.units.subtree_ids``), every figure
on the boundaries of a day (``survey.figures.boundaries``: about 17 times in one monthly report). The
tree is small (a few thousand units) and changes a few times a year, so :func:`tree` reads it in one
statement per unit of work, and what is built on it (the successions graph) is kept with
:func:`read_once` by the same rule.

**Where it is kept: the SQLAlchemy session, until its transaction ends.** The session is the unit
of work everywhere: Flask-SQLAlchemy gives each request (each app context) its own and removes it at
the end, a CLI command has one, a test that holds one app context has one. So one rule serves a GET,
a POST, a CLI command and a test, without asking whether a request is running or what its method is.
The transaction's end (commit, rollback, close) drops what was kept: the next transaction may see
what other processes committed meanwhile. The tree holds plain rows (:class:`Node`), not ORM objects,
so nothing kept expires or lazy-loads after a commit.

**Never stale: session events, not a stamp query.** What was kept is dropped when this session

* flushes a :class:`~survey.models.Unit` or :class:`~survey.models.UnitSuccession` it added, changed
  or deleted (a command that records a merger and then reads the figures sees the merger);
* holds such a change not flushed yet when the tree is asked for (the next read flushes it, as an
  autoflush would before any query);
* sends an INSERT, UPDATE or DELETE statement on their tables (a bulk write that no flush sees).

The earlier guard, a stamp (counts, max ids and dates of both tables) sent before each use, cost one
statement per use outside a GET request (17 per report) and saw no more than this but another
process's change within one transaction, which is not wanted halfway through a page or a report. A
change made with raw SQL text is not seen; write units through the models or a SQLAlchemy statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from survey.extensions import db
from survey.models import Unit, UnitSuccession
from survey.services.text import by_name

T = TypeVar("T")

#: the key of what is kept in ``Session.info``
_KEPT = "sipas.unit_tree"
_MODELS = (Unit, UnitSuccession)
_TABLES = frozenset(model.__tablename__ for model in _MODELS)


@dataclass(frozen=True)
class Node:
    """A unit as the tree holds it: the columns pages, filters and figures read (no ORM object, so nothing
    to expire or lazy-load after a commit)."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or self.valid_to >= on)


@dataclass(frozen=True)
class Tree:
    """Every unit, in Vietnamese order of names (:func:`survey.services.text.vietnamese_key`, as every list of units
    shows them, the same on every database), and the units under each."""

    #: unit id → node, in name order
    nodes: dict[int, Node]
    #: parent id → the ids of the units directly under it, in name order (``None``: the top units)
    children: dict[int | None, list[int]]

    def subtree(self, unit_id: int) -> list[int]:
        """``unit_id`` and every unit below it, at any depth (nothing for an unknown id)."""
        if unit_id not in self.nodes:
            return []
        out, stack = [], [unit_id]
        while stack:
            out.append(current := stack.pop())
            stack.extend(self.children.get(current, ()))
        return out


def tree() -> Tree:
    """The unit tree, read once per unit of work."""
    return read_once("tree", _load_tree)


def _load_tree() -> Tree:
    columns = (Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.valid_from, Unit.valid_to)
    rows = by_name(db.session.execute(select(*columns).order_by(Unit.id)))  # stable: one name in id order
    nodes = {row[0]: Node(*row) for row in rows}
    children: dict[int | None, list[int]] = {}
    for node in nodes.values():
        children.setdefault(node.parent_id, []).append(node.id)
    return Tree(nodes, children)


def read_once(name: str, make: Callable[[], T]) -> T:
    """``make()``, called once per unit of work under ``name``, again after the unit tree changed."""
    session = db.session()
    if _changes_tree(session):
        drop(session)
    kept = session.info.get(_KEPT, {})
    if name not in kept:
        value = make()  # its query flushes pending changes first, which may drop what was kept: store after
        session.info.setdefault(_KEPT, {})[name] = value
        return value
    return kept[name]


def drop(session: Session) -> None:
    """Forget what was built from the tree in ``session``; the next :func:`read_once` reads it again."""
    session.info.pop(_KEPT, None)


def _changes_tree(session: Session) -> bool:
    """Whether ``session`` holds (not flushed yet, or being flushed) a change of a unit or a succession."""
    if _KEPT not in session.info:
        return False
    return (
        any(isinstance(obj, _MODELS) for obj in session.new)
        or any(isinstance(obj, _MODELS) for obj in session.deleted)
        or any(isinstance(obj, _MODELS) and session.is_modified(obj, include_collections=False) for obj in session.dirty)
    )  # fmt: skip


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    # the pre-flush lists and attribute histories are still there in after_flush
    if _changes_tree(session):
        drop(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and _KEPT in state.session.info:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _TABLES:
            drop(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, _transaction) -> None:
    drop(session)
