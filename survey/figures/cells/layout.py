"""What a figure cell holds, and how rows become cells: the vector layout, and the sums per key.

A cell's vector (int64, little-endian) is: the ballots folded in, the count of every answer value
of every question (blank included), then the upper triangle of Σ u uᵀ (u = (1, s…, v…), the
satisfied/valid indicators of every item and "in general" question). See the package docstring.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd

from analysis.counts import moment_variables
from analysis.profile import Profile, load_profile
from survey.scan import BITS, BLANK, PER_WORD, Scan
from survey.sums import count_labels, count_table, moment_codes, moment_sums


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where each sum sits in a cell's vector, for one questionnaire."""

    profile: Profile
    questions: tuple[str, ...]  #: every question, in profile order
    moment_of: tuple[str, ...]  #: items, then the "in general" questions

    @property
    def n_counts(self) -> int:
        return len(count_labels(self.profile.code, self.questions)[0])

    @property
    def n_moments(self) -> int:
        return len(np.triu_indices(len(moment_variables(self.moment_of)))[0])

    @property
    def width(self) -> int:
        return 1 + self.n_counts + self.n_moments

    def count_columns(self, codes: tuple[str, ...]) -> np.ndarray:
        """Positions in the vector of the count labels of ``codes``."""
        _, all_codes, all_values = count_labels(self.profile.code, self.questions)
        where = {(c, int(v)): i for i, (c, v) in enumerate(zip(all_codes, all_values, strict=True))}
        _, codes_, values = count_labels(self.profile.code, codes)
        return 1 + np.array([where[(c, int(v))] for c, v in zip(codes_, values, strict=True)], dtype=np.intp)

    def moment_columns(self, codes: tuple[str, ...]) -> np.ndarray:
        """Positions in the vector of the upper-triangle moment sums of ``codes``."""
        full = moment_variables(self.moment_of)
        index = {name: i for i, name in enumerate(full)}
        up = np.triu_indices(len(full))
        where = {(int(r), int(c)): i for i, (r, c) in enumerate(zip(*up, strict=True))}
        names = moment_variables(codes)
        sub = np.triu_indices(len(names))
        pairs = [tuple(sorted((index[names[r]], index[names[c]]))) for r, c in zip(*sub, strict=True)]
        return 1 + self.n_counts + np.array([where[p] for p in pairs], dtype=np.intp)


@cache
def layout(profile_code: str) -> Layout:
    profile = load_profile(profile_code)
    return Layout(profile, tuple(profile.question_codes), moment_codes(profile, True))


def vectors_of(scan: Scan, lay: Layout, with_moments: bool = True) -> np.ndarray:
    """(G, width) int64 vectors of the groups of a scan over every question of the layout."""
    n = np.bincount(scan.group, minlength=len(scan.keys)).astype(np.int64)
    counts = count_table(scan, lay.profile)
    if not with_moments:
        return np.column_stack([n, counts, np.zeros((len(n), lay.n_moments), dtype=np.int64)])
    sums = moment_sums(scan, lay.profile, lay.moment_of)
    return np.column_stack([n, counts, np.rint(sums).astype(np.int64)])


SPANS = (12, 3, 1)


def group_sum(ids: np.ndarray, vectors: np.ndarray, groups: int) -> np.ndarray:
    """(groups, width): the rows of ``vectors`` added up per group id (sorted once, then np.add.reduceat:
    np.add.at is an order of magnitude slower on wide rows)."""
    out = np.zeros((groups, vectors.shape[1]), dtype=vectors.dtype)
    if not len(ids):
        return out
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    out[sorted_ids[starts]] = np.add.reduceat(vectors[order], starts, axis=0)
    return out


def sum_by(keys: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vectors added up per distinct key row (keys sorted)."""
    if not len(keys):
        return keys, vectors
    ids = pd.DataFrame(keys).groupby(list(range(keys.shape[1])), sort=True).ngroup().to_numpy(dtype=np.intp)
    out_keys = np.zeros((ids.max() + 1, keys.shape[1]), dtype=np.int64)
    out_keys[ids] = keys
    return out_keys, group_sum(ids, vectors, len(out_keys))


def rollups(keys: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Month vectors [unit_id, part, month] → the same added into their month, quarter and year cells:
    keys [unit_id, part, first month, span]."""
    if not len(keys):
        return np.zeros((0, 4), dtype=np.int64), vectors
    unit, part, month = keys[:, 0], keys[:, 1], keys[:, 2]
    year, m = month // 100, month % 100
    starts = {1: month, 3: year * 100 + (m - 1) // 3 * 3 + 1, 12: year * 100 + 1}
    expanded = np.vstack([np.column_stack([unit, part, starts[span], np.full(len(unit), span)]) for span in SPANS])
    return sum_by(expanded, np.vstack([vectors] * len(SPANS)))


def unpack(words: np.ndarray, lay: Layout) -> np.ndarray:  # noqa: D103
    answers = np.empty((len(words), len(lay.questions)), dtype=np.uint8)
    for q in range(len(lay.questions)):
        word, slot = divmod(q, PER_WORD)
        answers[:, q] = (words[:, word] >> (BITS * slot)) & BLANK
    return answers


def per_key(keys: np.ndarray, answers: np.ndarray, lay: Layout,
             with_moments: bool = True) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The distinct rows of ``keys`` (sorted) and the vector of the rows with each key and these answers."""
    width = keys.shape[1]
    ids = (pd.DataFrame(keys).groupby(list(range(width)), sort=True).ngroup().to_numpy(dtype=np.intp) if len(keys)
           else np.zeros(0, dtype=np.intp))  # fmt: skip
    distinct = np.zeros((ids.max() + 1 if len(ids) else 0, width), dtype=np.int64)
    distinct[ids] = keys
    scan = Scan(pd.DataFrame(index=range(len(distinct))), ids, lay.questions, answers)
    return distinct, vectors_of(scan, lay, with_moments)
