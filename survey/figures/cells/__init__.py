"""Folded figures: a year reads like a month, and no figure is ever stale.

What a cell holds
    ``figure_cells`` has one row per questionnaire, unit, part and month, and one per quarter and per
    year (so a year of a unit is read as one row), with, as int64 vectors (:class:`Layout`): the
    ballots folded in and the count of every answer value of every question (blank included)
    (``counts``), and Σ u uᵀ over those ballots (``moments``, read only where an interval is shown), u = (1, s…, v…) the satisfied/valid
    indicators of every item and "in general" question. Those are exactly the integer sums
    ``analysis`` reads (counts and moments, ``analysis.counts``), and sums add: any unit subtree,
    any range of months, grouped by unit, month, quarter or year, is the sum of its cells, so every
    index, interval, rank and change equals the one computed from the rows, to the last digit.

Never stale, and nothing added to the citizen's write
    A stored ballot is *unfolded* (``responses.folded`` false). A read sums the cells of its scope
    **and** the unfolded counted ballots of its scope, read from their rows through the partial
    index ``ix_responses_unfolded``, in one snapshot: a ballot is counted either in a cell or from
    its row, never both, never neither. :func:`fold` (``flask --app survey figures fold``, every
    minute from cron) moves unfolded ballots into the cells in one REPEATABLE READ transaction, so
    it folds exactly the rows it counted. Storing and importing a ballot therefore cost the insert
    alone (plus one entry of the partial index); a ballot that is excluded or deleted while folded
    is first taken out of its cell (:func:`release`, in the same transaction as the change).
    :func:`rebuild` recounts the cells from the rows and says how many differed.

What cells serve
    A cell holds a *part* of a unit's ballots (``FigureCell.part``): all of them, one field's or one
    channel's. Scopes without a field or channel filter, grouped by unit, month, quarter or year,
    read the ``all`` cells; a field filter or a grouping by field reads the field cells; a channel
    filter or grouping, the channel cells. What no cell keeps (a field and a channel filter together,
    groupings by counter or procedure, the dossier filter) is counted from rows.

Modules
    :mod:`~survey.figures.cells.layout` (what a vector holds; rows → sums per key),
    :mod:`~survey.figures.cells.read` (which cells serve a scope; their sums with the unfolded rows),
    :mod:`~survey.figures.cells.upkeep` (fold, release, rebuild).
"""

from survey.figures.cells.layout import Layout, layout
from survey.figures.cells.read import SERVED, kind_of, part_expr, serves, tallies
from survey.figures.cells.upkeep import RebuildResult, fold, rebuild, release

__all__ = [
    "SERVED",
    "Layout",
    "RebuildResult",
    "fold",
    "kind_of",
    "layout",
    "part_expr",
    "rebuild",
    "release",
    "serves",
    "tallies",
]
