"""The read model: every figure the office sees, computed once, named once, printed once.

The dashboard views and their CSV/XLSX exports (``survey.admin``), the monthly and quarterly
reports (``survey.reports``), the API and the command line read figures only through this
package, so one unit and period shows the same string everywhere.

Entry points
------------

Settings (:mod:`survey.figures.settings`)
    ``settings.current()`` / ``Settings.from_config(app.config)``: ``profile``, ``rule``,
    ``min_n``, ``max_points``, ``confidence``, ``comments_max`` (config keys ``DEFAULT_PROFILE``,
    ``FIGURES_RULE``, ``FIGURES_MIN_N``, ``FIGURES_MAX_POINTS``, ``FIGURES_CONFIDENCE``,
    ``FIGURES_COMMENTS_MAX``; the older ``REPORTS_*`` names are read too).

Periods (:mod:`survey.figures.periods`)
    ``Period`` (month, quarter, year or range of ``YYYYMM`` months): ``Period.parse("2026-03" |
    "2026-Q1" | "2026")``, ``Period.month(2026, 3)``, ``.quarter``, ``.year_of``, ``.of_month``;
    ``.label`` (``Tháng 03/2026``, ``Quý I/2026``, ``Năm 2026``), ``.phrase`` (inside a sentence),
    ``.key`` (``2026-03``), ``.months``, ``.previous()``, ``.year_ago()``, ``.trend_months()``,
    ``.bounds()``; ``parse_args(request.args)`` for the dashboard's query string;
    ``last_ended_month(now)``, ``last_ended_quarter(now)``; ``VN``, ``period_month(instant)``.

Figures (:mod:`survey.figures.tables`), all from a :class:`survey.queries.Scope` and ``Settings``
    ``table(scope, by, settings)`` (items, elements, SIPAS with intervals and PAR points),
    ``composites``, ``overall``, ``change(current, previous, settings)``, ``by_unit`` (ranked),
    ``by_field``, ``trend(scope, period, settings)``, ``item_distribution``, ``expectations``,
    ``perception``, ``comments``.

Counted figures (:mod:`survey.figures.derived`)
    ``excluded(scope, by)`` / ``excluded_total(scope)`` (excluded ballots and reasons),
    ``feedback(period, unit_ids, now)`` → ``FeedbackSummary`` (received, answered, on time,
    late, overdue, open in time, share on time). Their definitions are in that module's docstring.

Printing (:mod:`survey.figures.fmt`, :mod:`survey.figures.labels`, :mod:`survey.figures.export`)
    ``fmt.percent(85.325)`` → ``85,33 %`` (half-up), ``fmt.number``, ``fmt.signed``,
    ``fmt.integer`` (``12.345``), ``fmt.day``, ``fmt.month``; ``labels.CHANNELS``,
    ``labels.RULES``, ``labels.flags(text, min_n)``, ``labels.code_name(profile, code)``,
    ``labels.EXCLUSION_REASONS``, ``labels.FEEDBACK``, ``labels.profile_name(code)``;
    ``export.Table`` / ``export.Column`` → ``export.csv_bytes(tables)``, ``export.xlsx_bytes(tables)``.

The method these figures follow is ``docs/method.md``.
"""

from survey.figures import derived, export, fmt, labels, periods, tables
from survey.figures.periods import Period
from survey.figures.settings import Settings, current

__all__ = ["Period", "Settings", "current", "derived", "export", "fmt", "labels", "periods", "tables"]
