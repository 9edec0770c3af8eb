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

from analysis.counts import normalise_by
from analysis.profile import Profile
from analysis.stats import FloatArray


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
    try:
        return pd.Series(pd.array(values.tolist(), dtype="Int64"), index=values.index)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: column 'value' must hold integers or blanks") from exc


def check_satisfied(profile: Profile, satisfied: Iterable[int] | None) -> frozenset[int]:
    scale = {v for v, _ in profile.scale}
    sat = frozenset(profile.satisfied if satisfied is None else satisfied)
    if not sat or not sat <= scale:
        raise ValueError(
            f"satisfied: must be a non-empty subset of the scale {sorted(scale)}, got {sorted(sat)}"
        )
    return sat


def group_keys(frame: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    if not by:
        return np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))
    grouped = frame.groupby(by, sort=True, dropna=False, observed=True)
    keys = grouped.size().index.to_frame(index=False)
    return grouped.ngroup().to_numpy(dtype=np.intp), keys


def match_groups(keys: pd.DataFrame, frame: pd.DataFrame, by: list[str]) -> np.ndarray:
    """For each row of ``frame``, the position of its group in ``keys`` (-1 if absent)."""
    if not by:
        return np.zeros(len(frame), dtype=np.intp)
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
    unknown = sorted(set(codes_in) - set(profile.question_codes))
    if unknown:
        raise ValueError(f"counts: code(s) {unknown} are not questions of profile {profile.code}")
    asked_general = [c for c in profile.general_codes if c in set(codes_in)]
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
    for name, mask in masks.items():
        arr = np.zeros(shape)
        np.add.at(arr, (gid[mask], cidx[mask]), n[mask])
        arrays[name] = arr
    score = np.zeros(shape)
    valid = masks["valid"]
    np.add.at(score, (gid[valid], cidx[valid]), n[valid] * filled[valid])
    weighted = bool(np.any(n != np.round(n)))
    return Tallies(keys=keys, codes=codes, score=score, weighted=weighted, **arrays)


@dataclass(frozen=True)
class Moments:
    """Cross-product sums per group, aligned on a :class:`Tallies`."""

    cross: FloatArray  #: (G, P, P), P = 1 + 2C: variables 1, s:codes…, v:codes…
    present: np.ndarray  #: (C,) the code has moment variables
    groups: np.ndarray  #: (G,) the group occurs in the moments frame

    @property
    def n(self) -> FloatArray:
        return self.cross[:, 0, 0]

    def totals(self) -> FloatArray:
        return self.cross[:, 0, :]


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
    rows, cols = moments["row"].astype("str"), moments["col"].astype("str")
    names = set(rows) | set(cols)
    unknown = sorted(names - set(position) - ignorable)
    if unknown:
        raise ValueError(f"moments: unknown variable(s) {unknown[:5]}; expected '1', 's:<code>', 'v:<code>'")
    total = pd.to_numeric(moments["sum"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(total).any():
        raise ValueError("moments: column 'sum' must hold numbers")
    g = match_groups(tallies.keys, moments, by)
    i = rows.map(position).to_numpy(dtype=float, na_value=np.nan)
    j = cols.map(position).to_numpy(dtype=float, na_value=np.nan)
    ok = (g >= 0) & ~np.isnan(i) & ~np.isnan(j)
    g, i, j, total = g[ok], i[ok].astype(np.intp), j[ok].astype(np.intp), total[ok]
    # each unordered pair once per group; both triangles are accepted when they agree
    ii, jj = np.minimum(i, j), np.maximum(i, j)
    entries = pd.DataFrame({"g": g, "i": ii, "j": jj, "total": total}).drop_duplicates()
    if entries.duplicated(["g", "i", "j"]).any():
        raise ValueError("moments: a (row, col) pair is given twice with different sums in one group")
    g, ii, jj, total = (entries[c].to_numpy() for c in ("g", "i", "j", "total"))
    cross = np.zeros((tallies.n_groups, 1 + 2 * c, 1 + 2 * c))
    cross[g, ii, jj] = total
    cross[g, jj, ii] = total
    present = np.array([f"s:{k}" in names and f"v:{k}" in names for k in codes], dtype=bool)
    groups = np.zeros(tallies.n_groups, dtype=bool)
    groups[g] = True
    out = Moments(cross=cross, present=present, groups=groups)
    _check_totals(out, tallies)
    return out


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
