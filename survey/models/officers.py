"""Civil servants who serve at the counters, and who staffed which counter on which day.

An officer is known to the data by a pseudonymous ``code`` only (method §4.1): the name
stays here, for the office pages and the annual assessment sheet, and is never exported
with the responses. Officers' results are their personal data (Luật 91/2025/QH15).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.counters import Counter, new_token
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Unit

#: where a response's officer came from: the first three in order of precedence (survey.services.officers);
#: ``import``: an exchange file's officer_code column
OFFICER_SOURCES = ("placard", "receipt", "roster", "import")


class Officer(db.Model):
    __tablename__ = "officers"
    __table_args__ = (CheckConstraint("active_to IS NULL OR active_to >= active_from", name="active_dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: pseudonymous staff code (e.g. CB-0042): what the exchange format and the analysis see, never a name
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: the service point (quầy) of the officer's desk, where the personal placard sends the citizen
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    #: first and last day of service at the unit (Vietnam dates; no last day: still serving)
    active_from: Mapped[date] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    #: what the officer's personal QR placard carries; resolves to the counter's form and this officer
    placard_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()

    def serves_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)

    def __repr__(self) -> str:
        return f"<Officer {self.code}>"


class OfficerShift(db.Model):
    """One line of the roster: this officer staffed this counter on this day."""

    __tablename__ = "officer_shifts"
    __table_args__ = (UniqueConstraint("counter_id", "day", "officer_id", name="one_line_per_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    #: the Vietnam calendar day
    day: Mapped[date] = mapped_column(Date)

    officer: Mapped[Officer] = relationship()
    counter: Mapped[Counter] = relationship()
