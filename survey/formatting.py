"""The Jinja filters of the app, all from the one formatter (:mod:`survey.figures.fmt`), the one mask and the
one order of names (``by_name``: Vietnamese order, :func:`survey.services.text.vietnamese_key`).

``figure(value, kind)`` prints a table cell exactly as the CSV export writes it.
"""

from survey.figures.export import shown
from survey.figures.fmt import FILTERS as _FORMAT_FILTERS
from survey.figures.labels import period_label
from survey.services.masking import mask_personal
from survey.services.text import by_name

FILTERS = {**_FORMAT_FILTERS, "figure": shown, "mask": mask_personal, "period_label": period_label,
           "by_name": by_name}  # fmt: skip
