"""Integer sums per group, and the tidy frames ``analysis/`` reads: counts and moments.

Dashboards and reports never hand raw responses to ``analysis/``. They get
*counts* (``[*by, code, value, n]``), respondent counts and, for composite
intervals, *moments* (``[*by, row, col, sum]``, the cross-product sums of each
respondent's satisfied/valid indicators): the frames ``analysis.counts`` builds
from raw rows, so both paths give one result. The sums come from a scan of the rows
(:mod:`survey.scan`) or from the figure cells (:mod:`survey.figures.cells`).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.counts import moment_variables
from analysis.profile import Profile, load_profile
from survey.scan import BLANK, Scan


@cache
def count_labels(profile_code: str, questions: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def count_table(scan: Scan, profile: Profile) -> np.ndarray:
    """(G, L) answer counts of each group, one column per label of ``count_labels(profile, scan.codes)``."""
    position, _, values = count_labels(profile.code, scan.codes)
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
    _, labels, values = count_labels(profile.code, codes)
    group, label = np.nonzero(table)  # row-major: groups in label order, then profile order
    long = keys.iloc[group].reset_index(drop=True) if by else pd.DataFrame(index=range(len(group)))
    long["code"] = pd.array(labels[label], dtype="str")
    value = values[label]
    long["value"] = pd.arrays.IntegerArray(np.where(value == BLANK, 0, value).astype("int64"), value == BLANK)
    long["n"] = table[group, label]
    return long


def moment_codes(profile: Profile, with_general: bool) -> tuple[str, ...]:
    return tuple(profile.item_codes) + (tuple(profile.general_codes) if with_general else ())


def moment_sums(scan: Scan, profile: Profile, codes: tuple[str, ...]) -> np.ndarray:
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
    counts: np.ndarray  #: (G, L) answer counts, labels of count_labels(profile, codes)
    sums: np.ndarray | None  #: (G, P) moment sums of moment_codes, or None when not asked for
    rows: int  #: respondents in scope (0: no moments frame rows)
