"""The models, one aggregate a module; importing this package registers them all."""

from survey.models.counters import Counter
from survey.models.responses import Response
from survey.models.units import Field, Procedure, Unit

__all__ = ["Counter", "Field", "Procedure", "Response", "Unit"]
