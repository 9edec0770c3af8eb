"""Turn the counts and moments frames into per-group arrays (internal).

Validation of the frames the app builds with SQL lives here, so that every
public function reports a bad frame the same way: a ``ValueError`` naming the
argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.counts import group_keys, normalise_by
from analysis.profile import Profile
from analysis.stats import FloatArray, linearized_variance


@dataclass(frozen=True)
class Tallies:
    """Answer tallies of the satisfaction questions, one row per group."""

    keys: pd.DataFrame  #: (G, by) group keys, sorted
    codes: tuple[str, ...]  #: element items in profile order, then the general questions asked
    valid: FloatArray  #: (G, C) answers 1–5
    satisfied: FloatArray  #: (G, C) answers in the satisfied set
    na: FloatArray  #: (G, C) answers "not applicable"
    blank: FloatArray  #: (G, C) blank rows given in counts
    score: FloatArray  #: (G, C) sum of valid answer values
    weighted: bool  #: counts carry non-integer n (weights)

    @property
    def n_groups(self) -> int:
        return len(self.keys)

    def col(self, code: str) -> int:
        return self.codes.index(code)


def _as_int64(values: pd.Series, name: str) -> pd.Series:
    if isinstance(values.dtype, pd.Int64Dtype):
        return values
    try:
        return pd.Series(pd.array(values.tolist(), dtype="Int64"), index=values.index)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: column 'value' must hold integers or blanks") from exc


def check_satisfied(profile: Profile, satisfied: Iterable[int] | None) -> frozenset[int]:
    scale = {v for v, _ in profile.scale}
    sat = frozenset(profile.satisfied if satisfied is None else satisfied)
    if not sat or not sat <= scale:
        raise ValueError(f"satisfied: must be a non-empty subset of the scale {sorted(scale)}, got {sorted(sat)}")
    return sat


def match_groups(keys: pd.DataFrame, frame: pd.DataFrame, by: list[str]) -> np.ndarray:
    """For each row of ``frame``, the position of its group in ``keys`` (-1 if absent)."""
    if not by:
        return np.zeros(len(frame), dtype=np.intp)
    known = pd.MultiIndex.from_frame(keys[by])
    if known.is_unique:
        # matches level values as the concat below does, without boxing every row (moments: G × 561 rows)
        return known.get_indexer(pd.MultiIndex.from_frame(frame[by])).astype(np.intp)
    both = pd.concat([keys[by].astype(object), frame[by].astype(object)], ignore_index=True)
    ids = both.groupby(by, sort=False, dropna=False).ngroup().to_numpy(dtype=np.intp)
    out = ids[len(keys) :]
    return np.where(out < len(keys), out, -1)


def tallies_from_counts(
    counts: pd.DataFrame,
    by: str | Sequence[str] | None,
    profile: Profile,
    satisfied: Iterable[int] | None = None,
    not_applicable: int = 0,
) -> Tallies:
    """Validate a counts frame and tally it per group and satisfaction question."""
    if not isinstance(counts, pd.DataFrame):
        raise ValueError("counts: expected a DataFrame [*by, code, value, n]")
    missing = [c for c in ("code", "value", "n") if c not in counts.columns]
    if missing:
        raise ValueError(f"counts: missing column(s) {missing}; expected [*by, code, value, n]")
    cols = normalise_by(by, counts, "counts")
    sat = check_satisfied(profile, satisfied)
    scale = {v for v, _ in profile.scale}
    if not_applicable in scale:
        raise ValueError(f"not_applicable: {not_applicable!r} is a valid answer on the scale")
    n = pd.to_numeric(counts["n"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(n).any() or (n < 0).any():
        raise ValueError("counts: column 'n' must hold numbers >= 0")
    codes_in = counts["code"].astype("str")
    present = set(codes_in.unique())
    unknown = sorted(present - set(profile.question_codes))
    if unknown:
        raise ValueError(f"counts: code(s) {unknown} are not questions of profile {profile.code}")
    asked_general = [c for c in profile.general_codes if c in present]
    codes = (*profile.item_codes, *asked_general)
    keep = codes_in.isin(codes).to_numpy()
    value = _as_int64(counts["value"], "counts")
    allowed = scale | {not_applicable}
    bad = keep & value.notna().to_numpy() & ~value.isin(allowed).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        first = counts.loc[bad].iloc[0]
        raise ValueError(f"counts: value {int(first['value'])} is not allowed for {first['code']}")
    gid, keys = group_keys(counts, cols)
    cidx = pd.Series(range(len(codes)), index=list(codes)).reindex(codes_in).to_numpy()
    gid, cidx, n = gid[keep], cidx[keep].astype(np.intp), n[keep]
    v = value[keep]
    is_blank = v.isna().to_numpy()
    filled = v.fillna(-1).to_numpy(dtype=np.int64)
    arrays = {}
    masks = {
        "valid": np.isin(filled, list(scale)),
        "satisfied": np.isin(filled, list(sat)),
        "na": (filled == not_applicable) & ~is_blank,
        "blank": is_blank,
    }
    shape = (len(keys), len(codes))
    cell = gid * len(codes) + cidx

    def total(mask: np.ndarray, weights: np.ndarray) -> FloatArray:
        return np.bincount(cell[mask], weights=weights[mask], minlength=shape[0] * shape[1]).reshape(shape)

    for name, mask in masks.items():
        arrays[name] = total(mask, n)
    score = total(masks["valid"], n * filled)
    weighted = bool(np.any(n != np.round(n)))
    return Tallies(keys=keys, codes=codes, score=score, weighted=weighted, **arrays)


@dataclass(frozen=True)
class Moments:
    """Cross-product sums per group, aligned on a :class:`Tallies`.

    Of the P = 1 + 2C variables ``1, s:codes…, v:codes…`` only the K with moments are kept (the
    "in general" questions usually have none), and of ``M = Σ u_r u_rᵀ`` only the upper triangle,
    as a moments frame gives it: ``pairs[:, q]`` is ``M[a, b]`` for the q-th pair ``a ≤ b`` of
    ``np.triu_indices(K)``. Full matrices are built a chunk of groups at a time, so memory stays
    that of the frame (G × 561 values at 16 items; the frame's own column when its layout allows).
    """

    pairs: FloatArray  #: (G, K(K+1)/2) upper triangle of M over the kept variables
    kept: np.ndarray  #: (K,) positions of the kept variables among the P ('1' first)
    present: np.ndarray  #: (C,) the code has moment variables
    groups: np.ndarray  #: (G,) the group occurs in the moments frame

    @property
    def n(self) -> FloatArray:
        return self.pairs[:, 0]

    def totals(self) -> FloatArray:
        """(G, P) ``Σ u_r`` (row '1' of M: the first K pairs), zero for the variables without moments."""
        return self._widen(self.pairs[:, : len(self.kept)])

    def diagonal(self) -> FloatArray:
        """(G, P) ``Σ u_r²``, zero for the variables without moments."""
        k = np.arange(len(self.kept))
        return self._widen(self.pairs[:, k * len(self.kept) - k * (k - 1) // 2])

    def variances(self, grads: Sequence[FloatArray], chunk: int = 2048) -> list[FloatArray]:
        """:func:`~analysis.stats.linearized_variance` for each gradient (G, P)."""
        k = len(self.kept)
        iu, ju = np.triu_indices(k)
        where = np.empty((k, k), dtype=np.intp)
        where[iu, ju] = where[ju, iu] = np.arange(len(iu))
        out = [np.empty(len(self.pairs)) for _ in grads]
        grads = [g[:, self.kept] for g in grads]
        full = np.empty((min(chunk, len(self.pairs)), k * k))
        for start in range(0, len(self.pairs), chunk):
            pairs = self.pairs[start : start + chunk]
            cross = np.take(pairs, where.reshape(-1), axis=1, out=full[: len(pairs)], mode="clip")
            cross = cross.reshape(len(pairs), k, k)
            for grad, variance in zip(grads, out, strict=True):
                part = grad[start : start + chunk]
                variance[start : start + chunk] = linearized_variance(part, pairs[:, :k], cross, pairs[:, 0])
        return out

    def _widen(self, values: FloatArray) -> FloatArray:
        out = np.zeros((len(values), 1 + 2 * len(self.present)))
        out[:, self.kept] = values
        return out


def moments_for(moments: pd.DataFrame, by: list[str], tallies: Tallies, profile: Profile) -> Moments:
    """Validate a moments frame ``[*by, row, col, sum]`` and align it on ``tallies``."""
    if not isinstance(moments, pd.DataFrame):
        raise ValueError("moments: expected a DataFrame [*by, row, col, sum]")
    missing = [c for c in (*by, "row", "col", "sum") if c not in moments.columns]
    if missing:
        raise ValueError(f"moments: missing column(s) {missing}; expected [*by, row, col, sum]")
    codes = tallies.codes
    c = len(codes)
    position = {"1": 0, **{f"s:{k}": 1 + i for i, k in enumerate(codes)}}
    position.update({f"v:{k}": 1 + c + i for i, k in enumerate(codes)})
    ignorable = {f"{t}:{k}" for t in "sv" for k in profile.satisfaction_codes} - set(position)
    # variable names are looked up once per distinct name (the frame has G × 561 rows at 16 items)
    rows, row_names = _factorize_names(moments["row"])
    cols, col_names = _factorize_names(moments["col"])
    names = (set(row_names) | set(col_names)) - {""}
    unknown = sorted(names - set(position) - ignorable)
    if unknown:
        raise ValueError(f"moments: unknown variable(s) {unknown[:5]}; expected '1', 's:<code>', 'v:<code>'")
    total = moments["sum"]
    if total.dtype == np.float64:
        total = total.to_numpy()  # a view: the frame can have millions of rows
    else:
        total = pd.to_numeric(total, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(total).any():
        raise ValueError("moments: column 'sum' must hold numbers")
    present = np.array([f"s:{k}" in names and f"v:{k}" in names for k in codes], dtype=bool)
    kept = np.concatenate([[0], 1 + np.flatnonzero(present), 1 + c + np.flatnonzero(present)])
    slot = np.full(1 + 2 * c, -1, dtype=np.int16)
    slot[kept] = np.arange(len(kept))
    i = np.array([slot[position[x]] if x in position else -1 for x in row_names], dtype=np.int16)[rows]
    j = np.array([slot[position[x]] if x in position else -1 for x in col_names], dtype=np.int16)[cols]
    k = len(kept)
    groups = np.zeros(tallies.n_groups, dtype=bool)
    width = _block_width(moments, by, i, j)
    if width:
        g = match_groups(tallies.keys, moments.iloc[::width], by)
        pairs = _block_pairs(tallies.n_groups, k, groups, g, i[:width], j[:width], total.reshape(-1, width))
    else:
        pairs = np.zeros((tallies.n_groups, k * (k + 1) // 2))
        _place_rows(pairs, k, groups, match_groups(tallies.keys, moments, by), i, j, total)
    del i, j  # one entry per frame row: free them before the checks
    out = Moments(pairs=pairs, kept=kept, present=present, groups=groups)
    _check_totals(out, tallies)
    return out


def _triangle(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Position of the pair (a, b), a <= b, in ``np.triu_indices(k)``."""
    return a * k - a * (a - 1) // 2 + (b - a)


def _place_rows(pairs: FloatArray, k: int, groups: np.ndarray, g: np.ndarray, i: np.ndarray, j: np.ndarray,
                total: FloatArray) -> None:  # fmt: skip
    """Put each row's sum in ``pairs`` (rows of unknown groups or variables are left out)."""
    ok = (g >= 0) & (i >= 0) & (j >= 0)
    g, i, j, total = g[ok], i[ok].astype(np.intp), j[ok].astype(np.intp), total[ok]
    # each unordered pair once per group; both triangles are accepted when they agree
    ii, jj = np.minimum(i, j), np.maximum(i, j)
    entries = pd.DataFrame({"g": g, "i": ii, "j": jj, "total": total}).drop_duplicates()
    if entries.duplicated(["g", "i", "j"]).any():
        raise ValueError("moments: a (row, col) pair is given twice with different sums in one group")
    g, ii, jj, total = (entries[c].to_numpy() for c in ("g", "i", "j", "total"))
    pairs[g, _triangle(ii, jj, k)] = total
    groups[g] = True


def _block_width(moments: pd.DataFrame, by: list[str], i: np.ndarray, j: np.ndarray) -> int:
    """Rows per block if ``moments`` is consecutive blocks of one group each, all listing the same pairs.

    That is the layout both paths build (G × 561 rows at 16 items), and it can be read a block at a
    time instead of a row at a time. 0 if the frame has another layout.
    """
    n = len(moments)
    keys = [_codes(moments[b])[0] for b in by]
    width = min((int(np.argmax(k != k[0])) or n for k in keys if n), default=n)
    if n == 0 or n % width:
        return 0
    blocks = n // width
    same = all((k.reshape(blocks, width) == k[::width, None]).all() for k in keys)
    same = same and (i.reshape(blocks, width) == i[:width]).all() and (j.reshape(blocks, width) == j[:width]).all()
    return width if same else 0


def _block_pairs(n_groups: int, k: int, groups: np.ndarray, g: np.ndarray, i: np.ndarray, j: np.ndarray,
                 total: FloatArray) -> FloatArray:  # fmt: skip
    """``pairs`` from blocks: group ``g[b]`` has the variable pairs ``(i, j)`` with sums ``total[b]``."""
    pair = (i >= 0) & (j >= 0)
    ii, jj = np.minimum(i, j)[pair].astype(np.intp), np.maximum(i, j)[pair].astype(np.intp)
    q = _triangle(ii, jj, k)
    known = g >= 0
    if len(np.unique(q)) < len(q) or len(np.unique(g[known])) < known.sum():
        # a pair or a group given twice: the row path checks that the copies agree
        pairs = np.zeros((n_groups, k * (k + 1) // 2))
        rows = total.shape[1]
        _place_rows(pairs, k, groups, np.repeat(g, rows), np.tile(i, len(g)), np.tile(j, len(g)), total.reshape(-1))
        return pairs
    groups[g[known]] = True
    every = pair.all() and len(q) == k * (k + 1) // 2 and (q == np.arange(len(q))).all()
    if every and len(g) == n_groups and (g == np.arange(n_groups)).all():
        return total  # every group, every pair, in order: the frame's column itself
    pairs = np.zeros((n_groups, k * (k + 1) // 2))
    pairs[g[known][:, None], q[None, :]] = total[known][:, pair]
    return pairs


def _codes(column: pd.Series) -> tuple[np.ndarray, list]:
    """Codes of a column into its distinct values (a missing value is one of them, as in a groupby)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.array.codes  # a view (``.cat.codes`` copies)
        values = list(column.cat.categories)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(values), codes)
            values.append(np.nan)
        return codes, values
    codes, values = pd.factorize(column, use_na_sentinel=False)
    return codes, list(values)


def _factorize_names(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes into the distinct names of a variable column, as strings (a missing name is ``'nan'``)."""
    codes, values = _codes(column)
    used = set(pd.unique(codes).tolist())  # a categorical may list names no row uses
    return codes, [str(x) if k in used else "" for k, x in enumerate(values)]


def _check_totals(m: Moments, t: Tallies) -> None:
    """The app's two SQL queries must describe the same answers."""
    c = len(t.codes)
    tot = m.totals()
    for name, arr, offset in (("s", t.satisfied, 1), ("v", t.valid, 1 + c)):
        got = tot[:, offset : offset + c][:, m.present][m.groups]
        want = arr[:, m.present][m.groups]
        if not np.allclose(got, want, rtol=1e-9, atol=1e-6):
            g, k = np.argwhere(~np.isclose(got, want, rtol=1e-9, atol=1e-6))[0]
            code = np.array(t.codes)[m.present][k]
            raise ValueError(
                f"moments: total of '{name}:{code}' ({got[g, k]:g}) disagrees with counts ({want[g, k]:g})"
            )
