"""Blueprint for citizens: the QR landing form and the thank-you page."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from survey.public import kiosk, receipts, views  # noqa: E402,F401
