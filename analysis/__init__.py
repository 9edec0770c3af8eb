"""SIPAS satisfaction indices: pure pandas/scipy, no Flask or SQLAlchemy.

Method: ``docs/method.md`` (in this repository); overview in ``analysis/README.md``.
Flow: responses (:func:`read_responses`) → counts / moments / respondent counts
(:mod:`analysis.counts`, or the same frames from SQL) → :func:`sipas_table`.
"""

from analysis.change import change_by_period, compare_periods
from analysis.counts import (
    counts_from_responses,
    moment_variables,
    moments_from_responses,
    responses_per_group,
)
from analysis.errors import InputError, Problem
from analysis.indices import OVERALL_CODE, RESULT_COLUMNS, RULES, sipas_table
from analysis.io import read_responses
from analysis.parents import parent_from_children, parent_pooled
from analysis.periods import add_periods
from analysis.profile import DEFAULT_PROFILE, load_profile, profile_codes
from analysis.reliability import cronbach_alpha
from analysis.stats import par_points, rank_desc, round_half_up, wilson_interval
from analysis.tables import expectations_table, perception_table, rank_table
from analysis.weights import poststratify, sipas_from_responses

__all__ = [
    "DEFAULT_PROFILE",
    "OVERALL_CODE",
    "RESULT_COLUMNS",
    "RULES",
    "InputError",
    "Problem",
    "add_periods",
    "change_by_period",
    "compare_periods",
    "counts_from_responses",
    "cronbach_alpha",
    "expectations_table",
    "load_profile",
    "moment_variables",
    "moments_from_responses",
    "par_points",
    "parent_from_children",
    "parent_pooled",
    "perception_table",
    "poststratify",
    "profile_codes",
    "rank_desc",
    "rank_table",
    "read_responses",
    "responses_per_group",
    "round_half_up",
    "sipas_from_responses",
    "sipas_table",
    "wilson_interval",
]
