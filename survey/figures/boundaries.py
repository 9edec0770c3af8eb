"""Figures on the boundaries in force on a day: a merged unit's history counts for it.

Since 1 July 2025 most communes are new units made from several former ones (and a few
former ones were split among several new ones). A citizen's answer keeps the unit where
it was given; to read a unit's series *on the boundaries of a day* (default: today), the
answers given at its predecessors count for it:

* a predecessor merged whole (``merge``) or ``rename``\\ d counts wholly for its successor,
  so these figures stay exact (cells are per unit and month: a key is relabelled, never split);
* a predecessor ``split`` among several successors counts for each with the recorded share
  (an equal part when no share is recorded); such a series is **estimated** (flag
  ``estimated``, "ước tính") since no one knows which answers came from which part;
* a ``part`` succession (a part moved while the predecessor went on) is not followed: the
  predecessor is still in force and keeps its answers;
* a former district that had communes below it is never given to a successor: the answers of
  its own counters stay on a line of their own (the former district), in a scope that holds
  the district, and never leak into one commune;
* successions are followed recursively (a unit renamed and later merged counts twice over).

:func:`tallies` is the hook of :func:`survey.queries.tallies` for a :class:`~survey.queries.Scope`
with ``boundaries`` set: it counts per unit id, then gives each unit's sums to the units it
counts for (weighted), and relabels (or counts as recorded when that is the same: :func:`plain`).
Every other count beside the indices follows the same mapping through :func:`per_unit` and
:func:`regroup`: ballots per channel, field or month (:func:`responses_per_group`), excluded ballots
(:func:`excluded`), dossiers (survey.services.response_rates); a split unit's counts by shares are
rounded to whole ballots or dossiers (:func:`whole`) and marked. Comments are not divided:
:func:`comments` and :func:`owners` give a split unit's comments to every successor.
:func:`expand` is what a scope's unit ids become (the units of the day, their predecessors and the
subtrees of those). :func:`breaks` says in which shown month a merger falls, for the trend chart's mark.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis.profile import Profile
from analysis.stats import round_half_up
from survey import queries, unit_tree
from survey.extensions import db
from survey.models import UnitSuccession
from survey.services.text import by_name, vietnamese_key

#: the flag of a row computed with shares of a split unit (survey.figures.labels.FLAGS)
ESTIMATED = "estimated"
#: how the trend chart names a break
MERGER = "sáp nhập"


@dataclass(frozen=True)
class _Step:
    successor_id: int
    on: date
    kind: str
    share: float | None


@dataclass
class Graph:
    """The unit tree and the successions (a few thousand rows at most: read once per unit of work)."""

    tree: unit_tree.Tree
    out: dict[int, list[_Step]] = field(default_factory=dict)
    into: dict[int, list[int]] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict)

    @property
    def units(self) -> dict[int, unit_tree.Node]:
        return self.tree.nodes

    @property
    def children(self) -> dict[int | None, list[int]]:
        return self.tree.children

    def is_former_district(self, unit_id: int) -> bool:
        """A district (or town) that had units below it: its own answers are its own line."""
        return self.units[unit_id].kind == "district" and bool(self.children.get(unit_id))

    def targets(self, unit_id: int, on: date) -> dict[int, float]:
        """The units in force on ``on`` whose figures ``unit_id``'s answers count for, with their weights."""
        key = (unit_id, on)
        if key not in self._memo:
            self._memo[key] = {}  # a cycle in the recorded successions ends here
            self._memo[key] = self._targets(unit_id, on)
        return self._memo[key]

    def _targets(self, unit_id: int, on: date) -> dict[int, float]:
        node = self.units[unit_id]
        steps = [s for s in self.out.get(unit_id, []) if s.on <= on and s.kind != "part"]
        if node.in_force(on) or not steps or self.is_former_district(unit_id):
            return {unit_id: 1.0}
        splits = [s for s in steps if s.kind == "split"]
        unknown = [s for s in splits if s.share is None]
        known = sum(s.share for s in splits if s.share is not None)
        rest = (max(0.0, 1.0 - known) / len(unknown)) if unknown else 0.0
        if unknown and rest == 0.0:
            rest = 1.0 / len(splits)
        out: dict[int, float] = defaultdict(float)
        for step in steps:
            weight = 1.0 if step.kind in ("merge", "rename") else (step.share if step.share is not None else rest)
            for target, inner in self.targets(step.successor_id, on).items():
                out[target] += weight * inner
        return dict(out)

    def is_split(self, unit_id: int, on: date) -> bool:
        """A former unit whose answers go to more than one unit in force on ``on`` (split, or merged into one
        that was): its comments are given whole to each of them."""
        return len(self.targets(unit_id, on)) > 1

    def closure(self, ids: Iterable[int]) -> set[int]:
        """``ids``, their predecessors (recursively) and everything below those predecessors."""
        seen = set(ids)
        stack = list(seen)
        while stack:
            current = stack.pop()
            for predecessor in self.into.get(current, []):
                for unit_id in self.tree.subtree(predecessor):
                    if unit_id not in seen:
                        seen.add(unit_id)
                        stack.append(unit_id)
        return seen


def graph() -> Graph:
    """The units and their successions, read once per unit of work (:mod:`survey.unit_tree` says when again)."""
    return unit_tree.read_once("graph", _load)


def _load() -> Graph:
    g = Graph(unit_tree.tree())
    steps = select(UnitSuccession.predecessor_id, UnitSuccession.successor_id, UnitSuccession.date,
                   UnitSuccession.kind, UnitSuccession.share).order_by(UnitSuccession.id)  # fmt: skip
    for predecessor, successor, on, kind, share in db.session.execute(steps):
        g.out.setdefault(predecessor, []).append(_Step(successor, on, kind, share))
        g.into.setdefault(successor, []).append(predecessor)
    return g


def _weights(g: Graph, ids: Iterable[int] | None, on: date) -> dict[int, dict[int, float]] | None:
    """Unit id in scope → {target: weight} of the targets inside the scope (None: every unit, every target);
    kept with the graph (a page asks for the same scope's weights a dozen times). Do not change the result."""
    if ids is None:
        return None
    ids = tuple(ids)
    key = ("weights", ids, on)
    if key not in g._memo:
        g._memo[key] = _compute_weights(g, ids, on)
    return g._memo[key]


def _compute_weights(g: Graph, ids: tuple[int, ...], on: date) -> dict[int, dict[int, float]]:
    inside = g.closure(i for i in ids if i in g.units)
    out = {}
    for unit_id in inside:
        kept = {t: w for t, w in g.targets(unit_id, on).items() if t in inside and w > 0}
        if kept:
            out[unit_id] = kept
    return out


def expand(ids: Iterable[int], on: date) -> tuple[int, ...]:
    """The unit ids whose answers count for ``ids`` on the boundaries of ``on`` (``ids`` among them)."""
    ids = list(ids)
    weights = _weights(graph(), ids, on) or {}
    return tuple(sorted(set(weights) | set(ids)))


def _identity(g: Graph, weights: dict[int, dict[int, float]] | None, ids: Iterable[int] | None, on: date) -> bool:
    """True when every unit counts only for itself (no succession to follow)."""
    if weights is None:
        return not any(s.on <= on and s.kind != "part" for steps in g.out.values() for s in steps)
    return set(weights) == set(ids or ()) and all(t == {u: 1.0} for u, t in weights.items())


def _plan(scope: queries.Scope) -> tuple[Graph, dict[int, dict[int, float]] | None, queries.Scope] | None:
    """The graph, the weights and the scope to count per unit id for ``scope`` on its boundaries; None when
    every unit counts only for itself there (count as recorded)."""
    on = scope.boundaries
    g = graph()
    weights = _weights(g, scope.unit_ids, on)
    if _identity(g, weights, scope.unit_ids, on):
        return None
    inner = dataclasses.replace(scope, boundaries=None,
                                unit_ids=tuple(sorted(weights)) if weights is not None else None)  # fmt: skip
    return g, weights, inner


@dataclass(frozen=True)
class _Spread:
    """Rows counted per unit id (and ``rest``) → the groups ``by`` on a day's boundaries, with weights."""

    keys: pd.DataFrame
    source: np.ndarray
    group: np.ndarray
    weight: np.ndarray
    exact: bool

    def add(self, matrix: np.ndarray, rounded: bool = True) -> np.ndarray:
        """``matrix`` (one row a source row) summed into the groups; integers where every weight is 1
        (``rounded``), floats otherwise."""
        part = matrix[self.source] * (self.weight[:, None] if matrix.ndim == 2 else self.weight)
        out = np.zeros((len(self.keys), *matrix.shape[1:]), dtype="float64")
        np.add.at(out, self.group, part)
        return np.rint(out).astype(np.int64) if self.exact and rounded else out


def _spread(g: Graph, weights: dict[int, dict[int, float]] | None, on: date, by: Sequence[str],
            keys: pd.DataFrame) -> _Spread:  # fmt: skip
    """How the rows of ``keys`` (columns ``unit_id`` and ``by`` but ``unit_code``) count for the groups ``by``."""
    rest = [b for b in by if b != "unit_code"]
    source, labels, factor = [], [], []
    for i, (unit_label, *others) in enumerate(keys[["unit_id", *rest]].itertuples(index=False, name=None)):
        unit_id = int(unit_label)
        targets = weights.get(unit_id) if weights is not None else g.targets(unit_id, on)
        if not targets:
            continue
        if "unit_code" in by:
            for target, w in targets.items():
                source.append(i)
                labels.append({"unit_code": g.units[target].code, **dict(zip(rest, others, strict=True))})
                factor.append(w)
        else:
            source.append(i)
            labels.append(dict(zip(rest, others, strict=True)))
            factor.append(sum(targets.values()))
    if by:
        frame = pd.DataFrame(labels, columns=list(by)).astype("str")
        group = frame.groupby(list(by), sort=True, dropna=False).ngroup().to_numpy(dtype=np.intp)
        out_keys = frame.drop_duplicates().sort_values(list(by), kind="stable").reset_index(drop=True)
    else:
        group = np.zeros(len(source), dtype=np.intp)
        out_keys = pd.DataFrame(index=range(1))
    return _Spread(out_keys, np.asarray(source, dtype=np.intp), group, np.asarray(factor, dtype="float64"),
                   all(w == 1.0 for w in factor))  # fmt: skip


def whole(values: np.ndarray) -> np.ndarray:
    """Counts as shown: an estimate (shares of a split unit) rounded half-up to a whole ballot or dossier,
    as :func:`survey.figures.fmt.integer` shows the indices' estimated counts."""
    return np.asarray(round_half_up(np.asarray(values, dtype="float64"), 0)).astype(np.int64)


def plain(scope: queries.Scope, by: Sequence[str]) -> queries.Scope | None:
    """The scope to count as recorded, grouped ``by`` itself, when that gives its figures on its boundaries:
    nothing merged or split in it, or only whole merges and no grouping by unit (each ballot then counts once,
    for the one unit in force it belongs to), as fast as a count without boundaries. None: count per unit id
    on :func:`per_unit` and :func:`regroup`."""
    plan = _plan(scope) if scope.boundaries is not None else None
    if plan is None:
        return dataclasses.replace(scope, boundaries=None)
    _, weights, inner = plan
    if "unit_code" in by or weights is None:
        return None
    return inner if all(len(t) == 1 and next(iter(t.values())) == 1.0 for t in weights.values()) else None


def per_unit(scope: queries.Scope) -> queries.Scope:
    """The scope whose rows :func:`regroup` takes (counted per ``unit_id``), when :func:`plain` is None."""
    plan = _plan(scope)
    if plan is None:
        raise ValueError("per_unit: nothing was merged or split in this scope (count it as recorded: plain())")
    return plan[2]


def regroup(scope: queries.Scope, by: Sequence[str], frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` (``[unit_id, *by but unit_code, *columns]``, counted on :func:`per_unit` of ``scope``) as
    ``[*by, *columns]`` on the scope's boundaries: whole merges add exactly; a split unit's counts go to
    its successors by their shares, rounded half-up to whole numbers (:func:`whole`); a group whose counts
    are all 0 is no group. The rows that took shares are said by :func:`estimated_groups`."""
    plan = _plan(scope)
    if plan is None:
        raise ValueError("regroup: nothing was merged or split in this scope (count it as recorded: plain())")
    by, columns = list(by), list(columns)
    if frame.empty:
        if by:
            return pd.DataFrame({**{b: pd.Series(dtype="str") for b in by},
                                 **{c: pd.Series(dtype="int64") for c in columns}})  # fmt: skip
        return pd.DataFrame({c: np.zeros(1, dtype=np.int64) for c in columns})
    g, weights, _ = plan
    s = _spread(g, weights, scope.boundaries, by, frame)
    sums = s.add(frame[columns].to_numpy(dtype="float64"), rounded=False)
    out = s.keys.copy()
    for i, c in enumerate(columns):
        out[c] = whole(sums[:, i])
    if by:
        out = out[(out[columns] != 0).any(axis=1)] if columns else out
    return out.reset_index(drop=True)[[*by, *columns]]


def tallies(scope: queries.Scope, by: list[str], profile: Profile, codes: tuple[str, ...],
            moment_of: tuple[str, ...] | None) -> queries.Tallies:  # fmt: skip
    """:func:`survey.queries.tallies` on the boundaries of ``scope.boundaries``."""
    direct = plain(scope, by)
    if direct is not None:  # nothing was merged or split here, or whole merges only: the plain count
        return queries.tallies(direct, by, profile, codes, moment_of)
    g, weights, inner = _plan(scope)  # type: ignore[misc]
    rest = [b for b in by if b != "unit_code"]
    t = queries.tallies(inner, ["unit_id", *rest], profile, codes, moment_of)
    if t.keys.empty or not len(t.n):
        keys = pd.DataFrame({b: pd.Series(dtype="str") for b in by}) if by else pd.DataFrame(index=range(1))
        zeros = np.zeros((len(keys), t.counts.shape[1]), dtype=np.int64)
        sums = None if t.sums is None else np.zeros((len(keys), t.sums.shape[1]))
        return queries.Tallies(keys, np.zeros(len(keys), dtype=np.int64), zeros, sums, 0)
    s = _spread(g, weights, scope.boundaries, by, t.keys)
    n = s.add(t.n.astype("float64"))
    counts = s.add(t.counts.astype("float64"))
    sums = s.add(t.sums).astype("float64") if t.sums is not None else None
    return queries.Tallies(s.keys, n, counts, sums, t.rows)


def responses_per_group(scope: queries.Scope, by: Sequence[str]) -> pd.DataFrame:
    """:func:`survey.queries.responses_per_group` on the boundaries of ``scope.boundaries`` (ballots per
    channel, field, month…): read per unit id (from the figure cells where they serve), then regrouped."""
    direct = plain(scope, by)
    if direct is not None:
        return queries.responses_per_group(direct, by)
    rest = [b for b in by if b != "unit_code"]
    return regroup(scope, by, queries.responses_per_group(per_unit(scope), ["unit_id", *rest]), ["n_responses"])


def excluded(scope: queries.Scope, by: Sequence[str]) -> dict:
    """:func:`survey.figures.derived.excluded` on the boundaries of ``scope.boundaries``: a split unit's
    excluded ballots by shares, rounded, and the summary marked ``estimated``."""
    from survey.figures import derived

    direct = plain(scope, by)
    if direct is not None:
        return derived.excluded(direct, by)
    inner = per_unit(scope)
    by = list(by)
    rest = [b for b in by if b != "unit_code"]
    columns = ["total", *derived.REASONS]
    frame = pd.DataFrame([(*key, s.total, *(s.by_reason[r] for r in derived.REASONS))
                          for key, s in derived.excluded(inner, ["unit_id", *rest]).items()],
                         columns=["unit_id", *rest, *columns])  # fmt: skip
    table = regroup(scope, by, frame, columns)
    which = estimated_groups(scope, by)
    out = {}
    for row in table.itertuples(index=False, name=None):
        key, values = tuple(str(v) for v in row[: len(by)]), [int(v) for v in row[len(by) :]]
        if values[0]:
            estimated = (key[by.index("unit_code")],) in which if "unit_code" in by else bool(which)
            out[key] = derived.ExcludedSummary(values[0], dict(zip(derived.REASONS, values[1:], strict=True)),
                                               estimated)  # fmt: skip
    return out


def estimated_groups(scope: queries.Scope, by: Sequence[str]) -> set[tuple[str, ...]] | bool:
    """Which groups of ``scope`` grouped ``by`` take a share of a split unit: label tuples of ``unit_code``
    (by unit), or True/False for the whole scope (not by unit). Read from the successions alone."""
    on = scope.boundaries
    if on is None:
        return False if "unit_code" not in by else set()
    g = graph()
    weights = _weights(g, scope.unit_ids, on)
    pairs = weights.items() if weights is not None else ((u, g.targets(u, on)) for u in g.units)
    if "unit_code" not in by:
        return weights is not None and any(abs(sum(t.values()) - 1.0) > 1e-9 for _, t in pairs)
    out = set()
    for _, targets in pairs:
        if any(w != 1.0 for w in targets.values()):
            out.update((g.units[t].code,) for t in targets)
    return out


def mark_estimated(table: pd.DataFrame, scope: queries.Scope, by: Sequence[str]) -> pd.DataFrame:
    """Add the ``estimated`` flag to the rows of ``table`` (a sipas_table of ``scope`` by ``by``) that take shares."""
    if table.empty or scope.boundaries is None:
        return table
    which = estimated_groups(scope, by)
    if "unit_code" in by:
        rows = table["unit_code"].isin({code for (code,) in which})  # type: ignore[union-attr]
    else:
        rows = pd.Series(bool(which), index=table.index)
    if not rows.any():
        return table
    table = table.copy()
    table.loc[rows, "flag"] = [f"{f};{ESTIMATED}" if f else ESTIMATED for f in table.loc[rows, "flag"]]
    if "n_responses" in table:  # ballots are shown whole, as the channel and excluded counts (whole())
        table["n_responses"] = table["n_responses"].astype("float64")
        table.loc[rows, "n_responses"] = whole(table.loc[rows, "n_responses"].to_numpy())
    return table


def breaks(scope: queries.Scope, months: Sequence[int]) -> dict[int, str]:
    """Month (YYYYMM, one of ``months``) → ``"sáp nhập"`` where a succession counted in ``scope`` takes effect."""
    on = scope.boundaries
    if on is None or not months:
        return {}
    g = graph()
    weights = _weights(g, scope.unit_ids, on)
    ids = set(weights) if weights is not None else set(g.units)
    out: dict[int, str] = {}
    for unit_id in ids:
        for step in g.out.get(unit_id, []):
            month = step.on.year * 100 + step.on.month
            if step.on <= on and step.kind != "part" and months[0] <= month <= months[-1]:
                out[month] = MERGER
    return out


def merger_days(scope: queries.Scope) -> list[date]:
    """The days of the successions whose predecessors count in ``scope`` (empty without boundaries)."""
    on = scope.boundaries
    if on is None:
        return []
    g = graph()
    weights = _weights(g, scope.unit_ids, on)
    ids = set(weights) if weights is not None else set(g.units)
    return sorted({s.on for u in ids for s in g.out.get(u, []) if s.on <= on and s.kind != "part"})


@dataclass(frozen=True)
class Attribution:
    """What an exported response's unit becomes on a day's boundaries."""

    original: str  #: the code of the unit where the answer was given
    #: (code of a unit in force that day, share) for each unit the answer counts for: one ``(code, 1.0)`` for a
    #: whole succession (or none, or a former district's own counter: its own code); one per successor for a split
    shares: tuple[tuple[str, float], ...]

    @property
    def estimated(self) -> bool:
        """The answer counts for its units by shares (a split unit's), as the dashboard's "ước tính" rows."""
        return any(w != 1.0 for _, w in self.shares)


def attributions(on: date | None) -> dict[int, Attribution]:
    """Unit id → codes and shares for ``responses export --boundaries`` (``on`` None: every response keeps its
    unit); the shares are those :func:`tallies` gives each unit's answers."""
    g = graph()
    out = {}
    for unit_id, node in g.units.items():
        targets = g.targets(unit_id, on) if on is not None else {unit_id: 1.0}
        shares = tuple(sorted((g.units[t].code, w) for t, w in targets.items() if w > 0))
        out[unit_id] = Attribution(node.code, shares or ((node.code, 1.0),))
    return out


def rank_peers(scope: queries.Scope, codes: Iterable[str]) -> set[str]:
    """The codes of ``codes`` ranked against each other: communes (xã, phường, đặc khu) in force on the
    scope's day. A former district's line, a province's own counters, a department are shown, not ranked."""
    on = scope.boundaries
    codes = set(codes)
    if on is None:
        return codes
    kinds = {
        node.code: node.kind
        for node in graph().units.values()
        if node.code in codes and node.in_force(on)
    }  # fmt: skip
    communes = {c for c, k in kinds.items() if k == "commune"}
    return communes or set(kinds)


def notes(scope: queries.Scope, chart: bool = False) -> list[str]:
    """What a page or report says when its figures count former units' answers (none otherwise); ``chart``:
    the page shows the trend chart with the merger's mark."""
    from survey.figures import fmt

    days = merger_days(scope)
    if not days:
        return []
    when = ", ".join(fmt.day(d) for d in days)
    out = [
        f"Số liệu theo địa giới hành chính ngày {fmt.day(scope.boundaries)}: phiếu trả lời tại các đơn vị cũ "
        f"trước khi sắp xếp (ngày {when}) được tính cho đơn vị hiện nay; so sánh với kỳ trước và cùng kỳ năm trước "
        "cũng theo địa giới này."
        + (" Trên biểu đồ, đường nét đứt “sáp nhập” đánh dấu thời điểm sắp xếp." if chart else "")
    ]
    if estimated_groups(scope, ("unit_code",)) if scope.unit_ids is None else estimated_groups(scope, ()):
        out.append("“Ước tính”: có đơn vị cũ được chia cho nhiều đơn vị mới; phiếu của đơn vị cũ đó được chia theo "
                   "tỷ lệ dân số hoặc diện tích đã ghi nhận (chia đều nếu chưa ghi nhận).")  # fmt: skip
    return out


def former_names(scope: queries.Scope, names: dict[str, str]) -> dict[str, str]:
    """Code → name, a unit no longer in force on the scope's day named as such (a former district's line)."""
    from survey.figures import fmt

    on = scope.boundaries
    if on is None:
        return names
    by_code: dict[str, list[unit_tree.Node]] = defaultdict(list)
    for node in graph().units.values():
        if node.code in names:
            by_code[node.code].append(node)
    out = dict(names)
    for code, nodes in by_code.items():
        if not any(n.in_force(on) for n in nodes):
            last = max((n.valid_to for n in nodes if n.valid_to is not None), default=None)
            out[code] = f"{names[code]} (đơn vị cũ, đến {fmt.day(last)})" if last else f"{names[code]} (đơn vị cũ)"
    return out


def owners(unit_ids: Iterable[int], on: date | None) -> dict[int, list[int]]:
    """Unit id → the units of ``unit_ids`` its answers (and comments) count for on the boundaries of ``on``:
    each unit for itself, a predecessor for its successor, a split unit for **every** successor it was split
    into (a comment cannot be divided by shares, and is never given silently to one)."""
    ids = list(unit_ids)
    if on is None:
        return {u: [u] for u in ids}
    g = graph()
    wanted = set(ids)
    out = {u: [u] for u in ids}
    for unit_id, targets in (_weights(g, ids, on) or {}).items():
        kept = sorted(t for t in targets if t in wanted)
        if kept and unit_id not in wanted:
            out[unit_id] = kept
    return out


def _and(names: Sequence[str]) -> str:
    """Names joined as Vietnamese writes them: A; A và B; A, B và C."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"


def _successor_names(g: Graph, unit_id: int, on: date) -> list[str]:
    """The names of the units in force on ``on`` that ``unit_id``'s answers count for, in Vietnamese order."""
    return sorted((g.units[t].name for t in g.targets(unit_id, on) if t != unit_id), key=vietnamese_key)


def _successor_words(g: Graph, unit_id: int, on: date) -> str:
    node = g.units[unit_id]
    names = _successor_names(g, unit_id, on)
    if not names:
        return f"{node.name} (đơn vị cũ)"
    if len(names) == 1:
        return f"{node.name} (đơn vị cũ, nay thuộc {names[0]})"
    return f"{node.name} (đơn vị cũ, chia cho {_and(names)})"


def split_sources(sources: Iterable[int], on: date) -> list[int]:
    """Those of ``sources`` (units whose comments a unit's report holds) that were split on the boundaries of
    ``on``, by name."""
    g = graph()
    return by_name((u for u in set(sources) if u in g.units and g.is_split(u, on)), lambda u: g.units[u].name)


def split_comment_note(split_ids: Sequence[int], on: date) -> str:
    """The report's sentence under comments that include those of the split former units ``split_ids``
    (:func:`split_sources`): each unit that received a part of one receives all its comments."""
    g = graph()
    return " ".join(
        f"Ý kiến tại đơn vị cũ {g.units[u].name} (đã chia tách cho {_and(_successor_names(g, u, on))}) được đưa "
        f"vào báo cáo của mỗi đơn vị nhận phần của {g.units[u].name}."
        for u in split_ids
    )


def comments(scope: queries.Scope, limit: int = 200) -> list[dict]:
    """:func:`survey.figures.tables.comments` of ``scope`` on its boundaries: the comments given at the units
    that count for it (predecessors too; a split unit's for each of its successors), the unit of a former one
    named with what it became (``Xã Bình Chánh (đơn vị cũ, nay thuộc Xã Bình Sơn)``)."""
    from survey.figures import tables

    on = scope.boundaries
    if on is None:
        return tables.comments(scope, limit)
    if scope.unit_ids is not None:
        scope = dataclasses.replace(scope, unit_ids=expand(scope.unit_ids, on))
    rows = tables.comments(scope, limit)
    g = graph()
    named: dict[int, str] = {}
    for row in rows:
        unit_id = row["unit_id"]
        if unit_id not in named:
            node = g.units[unit_id]
            named[unit_id] = row["unit"] if node.in_force(on) else _successor_words(g, unit_id, on)
        row["unit"] = named[unit_id]
    return rows


def comment_notes(scope: queries.Scope, rows: Sequence[dict]) -> list[str]:
    """What the comments view (and its exports) says when ``rows`` (:func:`comments`) hold former units' comments."""
    from survey.figures import fmt

    on = scope.boundaries
    if on is None:
        return []
    g = graph()
    former = {r["unit_id"] for r in rows if r["unit_id"] in g.units and not g.units[r["unit_id"]].in_force(on)}
    if not former:
        return []
    out = [f"Theo địa giới hành chính ngày {fmt.day(on)}: gồm cả ý kiến tại các đơn vị cũ trước khi sắp xếp "
           "(tên đơn vị cũ ghi kèm đơn vị hiện nay)."]  # fmt: skip
    if any(g.is_split(u, on) for u in former):
        out.append("Ý kiến tại đơn vị cũ bị chia tách cho nhiều đơn vị mới được hiển thị cho mọi đơn vị mới nhận "
                   "phần của đơn vị đó, không tính riêng cho một đơn vị nào.")  # fmt: skip
    return out
