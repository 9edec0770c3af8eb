"""The models, one aggregate a module; importing this package registers them all."""

from survey.models.api import ApiCall, ApiKey, DossierCount
from survey.models.audit import AuditEntry
from survey.models.counters import Counter, ServicePoint
from survey.models.feedback import FeedbackContact, FeedbackEvent, FeedbackItem
from survey.models.figures import FigureCell
from survey.models.officers import Officer, OfficerShift
from survey.models.reports import Report
from survey.models.responses import Response
from survey.models.trust import ReceiptCode, ResponseReview
from survey.models.units import Field, Procedure, Unit, UnitSuccession
from survey.models.users import User

__all__ = ["ApiCall", "ApiKey", "AuditEntry", "Counter", "DossierCount", "FeedbackContact", "FeedbackEvent", "FeedbackItem", "Field", "FigureCell", "Officer", "OfficerShift", "Procedure", "ReceiptCode", "Report", "Response",
           "ResponseReview", "ServicePoint", "Unit", "UnitSuccession", "User"]  # fmt: skip
