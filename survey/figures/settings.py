"""How every figure is computed: one :class:`Settings` from the app's config, the same for every reader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, has_app_context

#: config key → the older name still read (the report settings came first)
_OLD_NAMES = {"FIGURES_RULE": "REPORTS_RULE", "FIGURES_MIN_N": "REPORTS_MIN_N",
              "FIGURES_MAX_POINTS": "REPORTS_MAX_POINTS", "FIGURES_COMMENTS_MAX": "REPORTS_COMMENTS_MAX"}  # fmt: skip
RULES = ("mean_of_items", "pooled", "general_question")


def _get(config: Mapping[str, object], key: str) -> object:
    value = config.get(key)
    if value is None and key in _OLD_NAMES:
        value = config.get(_OLD_NAMES[key])
    return value


@dataclass(frozen=True)
class Settings:
    """Questionnaire, aggregation rule, small-sample threshold, PAR INDEX points and interval level.

    The dashboard, its exports, the reports, the API and the command line all read these values,
    so one unit and period gives one set of figures wherever it is read.
    """

    #: method profile (questionnaire) shown by default
    profile: str = "sipas-2024"
    #: aggregation rule above item level: one of RULES
    rule: str = "mean_of_items"
    #: fewer valid responses than this: flagged, shown for reference, never ranked
    min_n: int = 30
    #: PAR INDEX points of an index of 100 %
    max_points: float = 10.0
    #: level of every interval
    confidence: float = 0.95
    #: comments quoted in a report
    comments_max: int = 8

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"rule: expected one of {RULES}, got {self.rule!r}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence: expected a level between 0 and 1, got {self.confidence!r}")
        if self.min_n < 1:
            raise ValueError(f"min_n: expected at least 1, got {self.min_n!r}")

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> Settings:
        """``DEFAULT_PROFILE``, ``FIGURES_RULE``, ``FIGURES_MIN_N``, ``FIGURES_MAX_POINTS``,
        ``FIGURES_CONFIDENCE``, ``FIGURES_COMMENTS_MAX`` (the ``REPORTS_*`` names are read too)."""
        values = {
            "profile": _get(config, "DEFAULT_PROFILE"),
            "rule": _get(config, "FIGURES_RULE"),
            "min_n": _get(config, "FIGURES_MIN_N"),
            "max_points": _get(config, "FIGURES_MAX_POINTS"),
            "confidence": _get(config, "FIGURES_CONFIDENCE"),
            "comments_max": _get(config, "FIGURES_COMMENTS_MAX"),
        }
        kinds = {"profile": str, "rule": str, "min_n": int, "max_points": float, "confidence": float,
                 "comments_max": int}  # fmt: skip
        return cls(**{k: kinds[k](v) for k, v in values.items() if v is not None})  # type: ignore[operator]


def current() -> Settings:
    """The settings of the running app (the defaults outside one)."""
    return Settings.from_config(current_app.config) if has_app_context() else Settings()
