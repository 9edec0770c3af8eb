"""The one read path from the database to ``analysis/``: tidy frames from one scan of the responses.

Dashboards and reports never hand raw responses to ``analysis/``. They get
*counts* (``[*by, code, value, n]``), respondent counts and, for composite
intervals, *moments* (``[*by, row, col, sum]``, the cross-product sums of each
respondent's satisfied/valid indicators): the frames ``analysis.counts`` builds
from raw rows, so both paths give one result.

How, and why this way: one indexed scan selects, per response, its group keys
(as integers) and its answers packed 3 bits each into BIGINTs (21 answers a
word). numpy then tallies them per group (a ``bincount`` per question) and reads
the moments off the joint counts of each pair of items. The database only
filters and does a few integer operations per row: the earlier form, one
``SUM(CASE …)`` per question and value plus a second scan for the moments, cost
~200 expressions per row and was ~7× slower in SQLite on a year of a province
(``bench/analysis.py``). Rows are fetched in batches and kept as small integers,
~70 bytes per response in scope.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, reduce
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, and_, case, func, literal, literal_column, select

from analysis.counts import moment_variables
from analysis.profile import Profile, load_profile
from survey.database import reading
from survey.extensions import db
from survey.models import Counter, Field, Procedure, ReceiptCode, Response, Unit
from survey.models.responses import CHANNELS, answer_column

#: what results can be grouped by (the exchange format's columns and calendar periods)
GROUPS = ("unit_code", "counter_code", "field_code", "procedure_code", "channel", "month", "quarter", "year")
#: answers are packed BITS bits each, PER_WORD to a signed 64-bit word; BLANK codes "not answered"
BITS, PER_WORD, BLANK = 3, 21, 7
#: the dossier filter's values (Scope.dossier)
DOSSIER_TIMELINESS = ("on_time", "late")
#: rows fetched per round trip (PostgreSQL streams them through a server-side cursor)
FETCH_ROWS = 50_000


@dataclass(frozen=True)
class Scope:
    """Which responses a view or report is about. Months are YYYYMM in Vietnam time, both ends included."""

    profile: str = "sipas-2024"
    start_month: int | None = None
    end_month: int | None = None
    #: None = every unit; otherwise the ids (already expanded to the subtree and checked for access)
    unit_ids: tuple[int, ...] | None = None
    field_codes: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    #: flagged responses are left out of indices unless a reviewer restored them
    include_excluded: bool = False
    #: only the ballots not yet folded into figure_cells (the tail survey.figures.cells reads from rows)
    unfolded_only: bool = False
    #: False: count every ballot from its row, never from figure_cells (the equality test's reference)
    use_cells: bool = True
    #: ballots answered through a dossier's receipt code whose result was returned on time
    #: (``"on_time"``) or late (``"late"``); None: every ballot (DOSSIER_TIMELINESS)
    dossier: str | None = None
    extra: tuple = field(default=(), compare=False)


class Frames(NamedTuple):
    """The three inputs of ``analysis.indices.sipas_table`` for one scope and grouping."""

    counts: pd.DataFrame
    n_responses: pd.DataFrame
    moments: pd.DataFrame | None


def group_expr(name: str):
    """The group key as an integer (NULL ids as -1, channels as their position in CHANNELS)."""
    month = Response.period_month
    return {
        "unit_code": Response.unit_id,
        "counter_code": func.coalesce(Response.counter_id, -1),
        "field_code": Response.field_id,
        "procedure_code": func.coalesce(Response.procedure_id, -1),
        "channel": case(*((Response.channel == c, i) for i, c in enumerate(CHANNELS)), else_=-1),
        "month": month,
        "quarter": (month // 100) * 10 + ((month % 100) + 2) // 3,
        "year": month // 100,
    }[name]


def _labels(name: str, values: np.ndarray) -> pd.Series:
    """Turn the integers SQL grouped by into the labels analysis and people use (one per distinct group)."""
    values = np.asarray(values, dtype=np.int64)
    if name in ("unit_code", "counter_code", "field_code", "procedure_code"):
        model = {"unit_code": Unit, "counter_code": Counter, "field_code": Field, "procedure_code": Procedure}[name]
        ids = sorted({int(v) for v in values} - {-1})
        rows = db.session.execute(select(model.id, model.code).where(model.id.in_(ids))).all() if ids else []
        codes = dict(rows)
        labels = [codes.get(int(v), "") for v in values]
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
    columns = [_labels(name, values[:, i]) for i, name in enumerate(by)]
    return list(zip(*(c.tolist() for c in columns), strict=True)) if len(values) else []


def where_clauses(scope: Scope) -> list:
    conditions = [Response.profile == scope.profile]
    if scope.start_month is not None:
        conditions.append(Response.period_month >= scope.start_month)
    if scope.end_month is not None:
        conditions.append(Response.period_month <= scope.end_month)
    if scope.unit_ids is not None:
        conditions.append(Response.unit_id.in_(scope.unit_ids))
    if scope.field_codes:
        conditions.append(Response.field_id.in_(select(Field.id).where(Field.code.in_(scope.field_codes))))
    if scope.channels:
        conditions.append(Response.channel.in_(scope.channels))
    if not scope.include_excluded:
        conditions.append(Response.is_excluded.is_(False))
    if scope.unfolded_only:
        conditions.append(Response.folded.is_(False))
    if scope.dossier is not None:
        if scope.dossier not in DOSSIER_TIMELINESS:
            raise ValueError(f"dossier: {scope.dossier!r}; known: {', '.join(DOSSIER_TIMELINESS)}")
        late = ReceiptCode.is_late.is_(scope.dossier == "late")
        conditions.append(
            Response.id.in_(select(ReceiptCode.response_id).where(late, ReceiptCode.response_id.is_not(None)))
        )
    return conditions


def cells_may_serve(scope: Scope) -> bool:
    """False when the scope filters on what figure_cells do not keep (the dossier's timeliness): rows only."""
    return scope.dossier is None


def _check_by(by: Sequence[str]) -> list[str]:
    unknown = set(by) - set(GROUPS)
    if unknown:
        raise ValueError(f"by: unknown group column(s) {sorted(unknown)}; known: {', '.join(GROUPS)}")
    return list(by)


@cache
def _packed_words(codes: tuple[str, ...]) -> tuple:
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
class _Scan:
    """One scan of a scope: each response's group and answers."""

    keys: pd.DataFrame  #: (G, by) group labels, sorted as analysis sorts them
    group: np.ndarray  #: (R,) group of each response
    codes: tuple[str, ...]  #: the questions read
    answers: np.ndarray  #: (R, Q) uint8 answer to each of ``codes``, BLANK if not answered


def _fetch(stmt, width: int, primary: bool = False, stream: bool = True) -> np.ndarray:
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


def _group_keys(by: list[str], values: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number of each row of integer keys ``values`` (R, len(by)) and the label frame, sorted by label."""
    if not by:
        return np.zeros(len(values), dtype=np.intp), pd.DataFrame(index=range(1))
    ids = pd.DataFrame(values).groupby(list(range(len(by))), sort=False).ngroup().to_numpy(dtype=np.intp)
    distinct = np.empty((ids.max() + 1 if len(ids) else 0, len(by)), dtype=np.int64)
    distinct[ids] = values
    labels = pd.DataFrame({name: _labels(name, distinct[:, i]) for i, name in enumerate(by)})
    # groups are numbered in label order; ids that share a label (none in practice) share a group
    by_label = labels.groupby(by, sort=True, dropna=False).ngroup().to_numpy(dtype=np.intp)
    keys = labels.drop_duplicates().sort_values(by, kind="stable").reset_index(drop=True)
    return by_label[ids], keys


def _scan(scope: Scope, by: list[str], codes: tuple[str, ...]) -> _Scan:
    """The responses in ``scope``: their groups and their answers to ``codes``."""
    words = _packed_words(codes)
    n_questions = len(codes)
    keys = [group_expr(name).label(f"g_{name}") for name in by]
    stmt = select(*keys, *words).where(and_(*where_clauses(scope)))
    rows = _fetch(stmt, len(keys) + len(words))
    group, labels = _group_keys(by, rows[:, : len(by)])
    answers = np.empty((len(rows), n_questions), dtype=np.uint8)
    for q in range(n_questions):
        word, slot = divmod(q, PER_WORD)
        answers[:, q] = (rows[:, len(by) + word] >> (BITS * slot)) & BLANK
    return _Scan(labels, group, codes, answers)


@cache
def _count_labels(profile_code: str, questions: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per counts label (question, value): the question's position, its code and its value (BLANK = blank).

    In profile order, a question's allowed values in order and blank last: the order of the counts frame.
    """
    profile = load_profile(profile_code)
    position, codes, values = [], [], []
    for q, code in enumerate(questions):
        for value in (*profile.allowed_values(code), BLANK):
            position.append(q)
            codes.append(code)
            values.append(value)
    return np.array(position), np.array(codes, dtype=object), np.array(values)


def count_table(scan: _Scan, profile: Profile) -> np.ndarray:
    """(G, L) answer counts of each group, one column per label of ``_count_labels(profile, scan.codes)``."""
    position, _, values = _count_labels(profile.code, scan.codes)
    n_groups = len(scan.keys)
    table = np.zeros((n_groups, len(position)), dtype=np.int64)
    for q in range(len(scan.codes)):
        tally = np.bincount(scan.group * 8 + scan.answers[:, q], minlength=n_groups * 8).reshape(n_groups, 8)
        mine = position == q
        table[:, mine] = tally[:, values[mine]]
    return table


def counts_frame(keys: pd.DataFrame, by: list[str], table: np.ndarray, profile: Profile,
                 codes: tuple[str, ...]) -> pd.DataFrame:  # fmt: skip
    """The long counts frame ``[*by, code, value, n]`` of a (G, L) count table; zero counts have no row."""
    _, labels, values = _count_labels(profile.code, codes)
    group, label = np.nonzero(table)  # row-major: groups in label order, then profile order
    long = keys.iloc[group].reset_index(drop=True) if by else pd.DataFrame(index=range(len(group)))
    long["code"] = pd.array(labels[label], dtype="str")
    value = values[label]
    long["value"] = pd.arrays.IntegerArray(np.where(value == BLANK, 0, value).astype("int64"), value == BLANK)
    long["n"] = table[group, label]
    return long


def moment_codes(profile: Profile, with_general: bool) -> tuple[str, ...]:
    return tuple(profile.item_codes) + (tuple(profile.general_codes) if with_general else ())


def moment_sums(scan: _Scan, profile: Profile, codes: tuple[str, ...]) -> np.ndarray:
    """(G, P) Σ u_r u_rᵀ per group over the upper triangle of ``moment_variables(codes)`` (row-major)."""
    names = moment_variables(codes)
    upper = np.triu_indices(len(names))
    n_groups, c = len(scan.keys), len(codes)
    # filled one pair at a time: (P, G), so each write is contiguous; returned transposed (a view)
    sums = np.zeros((len(upper[0]), n_groups))
    if len(scan.group) == 0:
        return sums.T
    # u_r = (1, s_r, v_r) follows from each item's state (0 neither, 1 valid, 2 satisfied), so
    # Σ u_r u_rᵀ per group is read off the joint state counts of each pair of items.
    column = [scan.codes.index(code) for code in codes]
    answers = scan.answers[:, column]
    valid = np.isin(answers, [v for v, _ in profile.scale])
    state = np.isin(answers, sorted(profile.satisfied)).astype(np.int64) + valid
    # respondents of a group with the same pattern count once, with a weight
    base = 3 ** len(codes)
    pattern = state @ (3 ** np.arange(len(codes), dtype=np.int64))
    distinct, weight = np.unique(scan.group.astype(np.int64) * base + pattern, return_counts=True)
    group, pattern = np.divmod(distinct, base)
    state = ((pattern[:, None] // 3 ** np.arange(len(codes))) % 3).T.copy()  # (C, R'): one item a row
    slot = np.full((len(names), len(names)), -1)
    slot[upper] = np.arange(len(upper[0]))
    weight = weight.astype("float64")

    def tally(index: np.ndarray, size: int) -> np.ndarray:
        return np.bincount(group * size + index, weights=weight, minlength=n_groups * size).reshape(n_groups, size)

    sums[slot[0, 0]] = tally(np.zeros(len(group), dtype=np.int64), 1)[:, 0]
    for k in range(c):
        one = tally(state[k], 3)
        s, v = 1 + k, 1 + c + k
        sums[slot[0, s]] = sums[slot[s, s]] = sums[slot[s, v]] = one[:, 2]  # s ⊆ v
        sums[slot[0, v]] = sums[slot[v, v]] = one[:, 1] + one[:, 2]
        for m in range(k + 1, c):
            joint = tally(state[k] * 3 + state[m], 9).reshape(n_groups, 3, 3)
            s2, v2 = 1 + m, 1 + c + m
            sums[slot[s, s2]] = joint[:, 2, 2]
            sums[slot[s, v2]] = joint[:, 2, 1:].sum(axis=1)
            sums[slot[s2, v]] = joint[:, 1:, 2].sum(axis=1)
            sums[slot[v, v2]] = joint[:, 1:, 1:].sum(axis=(1, 2))
    return sums.T


def moments_frame(keys: pd.DataFrame, by: list[str], sums: np.ndarray, codes: tuple[str, ...],
                  empty: bool) -> pd.DataFrame:  # fmt: skip
    """The moments frame ``[*by, row, col, sum]`` of (G, P) sums; ``empty`` (no respondent at all): no rows."""
    names = moment_variables(codes)
    if empty:
        columns = {b: pd.Series(dtype="str") for b in by}
        return pd.DataFrame({**columns, "row": pd.Series(dtype="str"), "col": pd.Series(dtype="str"),
                             "sum": pd.Series(dtype="float64")})  # fmt: skip
    upper = np.triu_indices(len(names))
    n_groups = len(keys)
    # one row per group and pair, in the layout analysis reads a block at a time; categorical columns
    # of small codes keep it at ~12 bytes a row (it has G × 561 rows at 16 items)
    columns = {name: _categorical(keys[name], len(upper[0])) for name in by}
    variables = np.array(names, dtype=object)
    for name, index in (("row", upper[0]), ("col", upper[1])):
        columns[name] = pd.Categorical.from_codes(np.tile(index.astype(np.int8), n_groups), categories=variables)
    columns["sum"] = np.asarray(sums, dtype="float64").reshape(-1)
    return pd.DataFrame(columns, copy=False)


def _categorical(labels: pd.Series, repeat: int) -> pd.Categorical:
    """Each group's label ``repeat`` times, as a categorical."""
    groups = pd.Categorical(labels, categories=sorted(labels.unique()))
    return pd.Categorical.from_codes(np.repeat(groups.codes, repeat), categories=groups.categories)


class Tallies(NamedTuple):
    """Integer sums per group: what every frame is built from, whether read from rows or from cells."""

    keys: pd.DataFrame  #: (G, by) group labels, sorted
    n: np.ndarray  #: (G,) respondents
    counts: np.ndarray  #: (G, L) answer counts, labels of _count_labels(profile, codes)
    sums: np.ndarray | None  #: (G, P) moment sums of moment_codes, or None when not asked for
    rows: int  #: respondents in scope (0: no moments frame rows)


def tallies(scope: Scope, by: list[str], profile: Profile, codes: tuple[str, ...],
            moment_of: tuple[str, ...] | None) -> Tallies:  # fmt: skip
    """Counts (and moment sums) per group: from figure_cells plus the unfolded rows when they can
    serve the scope and grouping (survey.figures.cells.serves), else from one scan of the rows."""
    from survey.figures import cells

    if cells.serves(scope, by):
        return cells.tallies(scope, by, profile, codes, moment_of)
    scan = _scan(scope, by, codes)
    n = np.bincount(scan.group, minlength=len(scan.keys)).astype("int64")
    sums = moment_sums(scan, profile, moment_of) if moment_of is not None else None
    return Tallies(scan.keys, n, count_table(scan, profile), sums, len(scan.group))


def frames(scope: Scope, by: Sequence[str] = (), with_general: bool = False, all_questions: bool = True,
           with_moments: bool = True) -> Frames:  # fmt: skip
    """Counts, respondent counts and moments (what ``sipas_table`` needs).

    With ``all_questions=False`` the counts cover the satisfaction questions only (items and "in
    general"), all that ``sipas_table`` reads: a third fewer rows than with perception and expectations.
    Without ``with_moments`` (no composite intervals wanted) ``moments`` is None.
    """
    by = _check_by(by)
    profile = load_profile(scope.profile)
    codes = profile.question_codes if all_questions else profile.satisfaction_codes
    moment_of = moment_codes(profile, with_general)
    t = tallies(scope, by, profile, codes, moment_of if with_moments else None)
    n_responses = t.keys.copy()
    n_responses["n_responses"] = t.n
    moments = moments_frame(t.keys, by, t.sums, moment_of, t.rows == 0) if with_moments else None
    return Frames(counts_frame(t.keys, by, t.counts, profile, codes), n_responses, moments)


def counts(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, code, value, n]`` for every question of the profile; ``value`` <NA> = blank.

    Rows are sorted by group, then in profile order (a question's values in order, blank last);
    a value nobody gave has no row.
    """
    by = _check_by(by)
    profile = load_profile(scope.profile)
    t = tallies(scope, by, profile, profile.question_codes, None)
    return counts_frame(t.keys, by, t.counts, profile, profile.question_codes)


def responses_per_group(scope: Scope, by: Sequence[str] = ()) -> pd.DataFrame:
    """``[*by, n_responses]``; without ``by``, one row (0 when nothing is in scope). From figure_cells
    (their first number) when they serve the scope and grouping, else one grouped count of the rows."""
    by = _check_by(by)
    from survey.figures import cells

    if cells.serves(scope, by):
        t = cells.tallies(scope, by, load_profile(scope.profile), (), None)
        out = t.keys.copy()
        out["n_responses"] = t.n.astype("int64")
        return out[[*by, "n_responses"]]
    keys = [group_expr(name).label(f"g_{name}") for name in by]
    stmt = select(*keys, func.count()).where(and_(*where_clauses(scope)))
    if keys:
        stmt = stmt.group_by(*keys)
    rows = _fetch(stmt, len(keys) + 1, stream=False)
    group, labels = _group_keys(by, rows[:, : len(by)])
    out = labels.copy()
    out["n_responses"] = np.bincount(group, weights=rows[:, -1], minlength=len(labels)).astype("int64")
    return out[[*by, "n_responses"]]


def moments(scope: Scope, by: Sequence[str] = (), with_general: bool = False) -> pd.DataFrame:
    """``[*by, row, col, sum]``: Σ u_r u_rᵀ over respondents, u = (1, s…, v…), as in analysis.counts.

    Every pair of the upper triangle, once per group; the group columns, ``row`` and ``col`` are categorical.
    """
    by = _check_by(by)
    profile = load_profile(scope.profile)
    moment_of = moment_codes(profile, with_general)
    t = tallies(scope, by, profile, profile.satisfaction_codes, moment_of)
    return moments_frame(t.keys, by, t.sums, moment_of, t.rows == 0)
