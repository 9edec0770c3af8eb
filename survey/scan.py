"""One scan of the responses: group keys as integers and answers packed 3 bits each into BIGINTs.

How, and why this way: one indexed scan selects, per response, its group keys
(as integers) and its answers packed 3 bits each into BIGINTs (21 answers a
word). numpy then tallies them per group (:mod:`survey.sums`). The database only
filters and does a few integer operations per row: the earlier form, one
``SUM(CASE …)`` per question and value plus a second scan for the moments, cost
~200 expressions per row and was ~7× slower in SQLite on a year of a province
(``bench/analysis.py``). Rows are fetched in batches and kept as small integers,
~70 bytes per response in scope. The scopes themselves are :class:`survey.queries.Scope`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, reduce
from itertools import chain

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, and_, case, func, literal, literal_column, select

from survey import unit_tree
from survey.database import reading
from survey.extensions import db
from survey.models import Counter, Field, Procedure, Response
from survey.models.responses import CHANNELS, answer_column

#: what results can be grouped by (the exchange format's columns and calendar periods)
GROUPS = ("unit_code", "unit_id", "counter_code", "field_code", "procedure_code", "channel", "month", "quarter", "year")


#: answers are packed BITS bits each, PER_WORD to a signed 64-bit word; BLANK codes "not answered"
BITS, PER_WORD, BLANK = 3, 21, 7


#: rows fetched per round trip (PostgreSQL streams them through a server-side cursor)
FETCH_ROWS = 50_000


def group_expr(name: str):
    """The group key as an integer (NULL ids as -1, channels as their position in CHANNELS)."""
    month = Response.period_month
    return {
        "unit_code": Response.unit_id,
        "unit_id": Response.unit_id,
        "counter_code": func.coalesce(Response.counter_id, -1),
        "field_code": Response.field_id,
        "procedure_code": func.coalesce(Response.procedure_id, -1),
        "channel": case(*((Response.channel == c, i) for i, c in enumerate(CHANNELS)), else_=-1),
        "month": month,
        "quarter": (month // 100) * 10 + ((month % 100) + 2) // 3,
        "year": month // 100,
    }[name]


def labels_of(name: str, values: np.ndarray) -> pd.Series:
    """Turn the integers SQL grouped by into the labels analysis and people use (one per distinct group)."""
    values = np.asarray(values, dtype=np.int64)
    if name == "unit_code":  # from the unit tree kept for the unit of work: a page or report asks a dozen times
        nodes = unit_tree.tree().nodes
        labels = [nodes[int(v)].code if int(v) in nodes else "" for v in values]
    elif name in ("counter_code", "field_code", "procedure_code"):
        model = {"counter_code": Counter, "field_code": Field, "procedure_code": Procedure}[name]
        ids = sorted({int(v) for v in values} - {-1})
        rows = db.session.execute(select(model.id, model.code).where(model.id.in_(ids))).all() if ids else []
        codes = dict(rows)
        labels = [codes.get(int(v), "") for v in values]
    elif name == "unit_id":
        labels = [str(int(v)) for v in values]
    elif name == "channel":
        labels = [CHANNELS[v] if 0 <= v < len(CHANNELS) else "" for v in values]
    elif name == "month":
        labels = [f"{v // 100:04d}-{v % 100:02d}" for v in values]
    elif name == "quarter":
        labels = [f"{v // 10:04d}-Q{v % 10}" for v in values]
    else:
        labels = [f"{v:04d}" for v in values]
    return pd.Series(labels, dtype="str")


def group_labels(by: Sequence[str], rows: Sequence[Sequence[int]]) -> list[tuple[str, ...]]:
    """The labels of rows of integer group keys (:func:`group_expr` of each name of ``by``)."""
    if not by:
        return [() for _ in rows]
    values = np.asarray(rows, dtype=np.int64).reshape(-1, len(by))
    columns = [labels_of(name, values[:, i]) for i, name in enumerate(by)]
    return list(zip(*(c.tolist() for c in columns), strict=True)) if len(values) else []


@cache
def packed_words(codes: tuple[str, ...]) -> tuple:
    """The answers to ``codes`` as BIGINT expressions: answer k of a word at bits 3k (0–5, or BLANK)."""
    words = []
    for start in range(0, len(codes), PER_WORD):
        # a BIGINT factor makes the product BIGINT on PostgreSQL (SQLite integers are 64-bit anyway)
        terms = [
            func.coalesce(getattr(Response, answer_column(code)), literal_column(str(BLANK)))
            * literal(1 << (BITS * k), BigInteger)
            for k, code in enumerate(codes[start : start + PER_WORD])
        ]
        words.append(reduce(operator.add, terms).label(f"w{start // PER_WORD}"))
    return tuple(words)


@dataclass(frozen=True)
class Scan:
    """One scan of a scope: each response's group and answers."""

    keys: pd.DataFrame  #: (G, by) group labels, sorted as analysis sorts them
    group: np.ndarray  #: (R,) group of each response
    codes: tuple[str, ...]  #: the questions read
    answers: np.ndarray  #: (R, Q) uint8 answer to each of ``codes``, BLANK if not answered


def fetch(stmt, width: int, primary: bool = False, stream: bool = True) -> np.ndarray:
    """All result rows as an int64 array (R, width), fetched FETCH_ROWS at a time.

    The rows are plain integers, so they are read from a DBAPI cursor: a SQLAlchemy Row per
    response cost more than the query itself on a year of a province. PostgreSQL streams them
    through a server-side cursor, so memory stays that of the numpy array. Reads go to the read
    replica when one is configured (``primary``: the primary, for a change's own transaction).
    """
    connection = db.session.connection() if primary else reading.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    if any(bind.type.bind_processor(connection.dialect) for bind in compiled.binds.values()):
        # a value the driver cannot take as it is (a datetime on SQLite…): let SQLAlchemy convert it
        rows = connection.execute(stmt).all()
        return np.array(rows, dtype=np.int64).reshape(-1, width)
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    driver = connection.connection.driver_connection
    # PostgreSQL: a server-side cursor (binary integers) keeps the fetch bounded; it forgoes a parallel
    # plan, which would make a year of a province ~0.15 s faster but hold every row in the client
    # A grouped count (``stream=False``) returns a few rows: a server-side cursor would only make
    # PostgreSQL plan for the first rows (an ordered scan of a whole index) instead of the whole result.
    postgres = connection.dialect.name == "postgresql"
    cursor = driver.cursor("sipas_scan", binary=True) if postgres and stream else driver.cursor()
    parts = []
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            parts.append(np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width))
    finally:
        cursor.close()
    return np.concatenate(parts).reshape(-1, width) if parts else np.empty((0, width), dtype=np.int64)


def group_keys(by: list[str], values: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number of each row of integer keys ``values`` (R, len(by)) and the label frame, sorted by label."""
    if not by:
        return np.zeros(len(values), dtype=np.intp), pd.DataFrame(index=range(1))
    ids = pd.DataFrame(values).groupby(list(range(len(by))), sort=False).ngroup().to_numpy(dtype=np.intp)
    distinct = np.empty((ids.max() + 1 if len(ids) else 0, len(by)), dtype=np.int64)
    distinct[ids] = values
    labels = pd.DataFrame({name: labels_of(name, distinct[:, i]) for i, name in enumerate(by)})
    # groups are numbered in label order; ids that share a label (none in practice) share a group
    by_label = labels.groupby(by, sort=True, dropna=False).ngroup().to_numpy(dtype=np.intp)
    keys = labels.drop_duplicates().sort_values(by, kind="stable").reset_index(drop=True)
    return by_label[ids], keys


def scan(conditions: list, by: list[str], codes: tuple[str, ...]) -> Scan:
    """The responses that meet ``conditions`` (survey.queries.where_clauses): their groups and answers to ``codes``."""
    words = packed_words(codes)
    n_questions = len(codes)
    keys = [group_expr(name).label(f"g_{name}") for name in by]
    stmt = select(*keys, *words).where(and_(*conditions))
    rows = fetch(stmt, len(keys) + len(words))
    group, labels = group_keys(by, rows[:, : len(by)])
    answers = np.empty((len(rows), n_questions), dtype=np.uint8)
    for q in range(n_questions):
        word, slot = divmod(q, PER_WORD)
        answers[:, q] = (rows[:, len(by) + word] >> (BITS * slot)) & BLANK
    return Scan(labels, group, codes, answers)
