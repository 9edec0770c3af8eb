"""Survey responses: one row per ballot, one small-integer column per question.

A wide row keeps a ballot in one place (inserted in one statement, checked by
the database column by column) and lets SQL count answers per group in a single
scan. Codes of every shipped method profile share these columns; a response's
``profile`` says how to read them, and different profiles are never pooled.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from analysis.profile import answer_ranges, respondent_questions
from survey.extensions import db
from survey.models.counters import Counter, ServicePoint
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Field, Procedure, Unit

CHANNELS = ("qr", "paper", "kiosk", "web")

#: satisfaction questions of every shipped profile (items and "in general" questions): 0–5
SATISFACTION_CODES = (
    "A0", "A1", "A2", "A3", "A4",
    "B0", "B1", "B2", "B3", "B4", "B5",
    "C0", "C1", "C2", "C3", "C4", "C5", "C6",
    "D0", "D1", "D2", "D3",
    "E0", "E1", "E2", "E3", "E4",
    "S0",
)  # fmt: skip
#: perception questions: 1–3
PERCEPTION_CODES = ("P1", "P2")
#: expectation questions: 1–4
EXPECTATION_CODES = tuple(f"X{i}" for i in range(1, 11))
ANSWER_CODES = SATISFACTION_CODES + PERCEPTION_CODES + EXPECTATION_CODES

#: optional respondent profile: column → highest code, read from analysis/profiles/respondent.json
RESPONDENT_FIELDS = {q.code: max(q.values) for q in respondent_questions()}


def answer_column(code: str) -> str:
    """The database column holding the answer to question ``code``."""
    return code.lower()


def _answer_checks() -> list[CheckConstraint]:
    # the ranges come from the profiles (tests/test_question_definition.py ties the code lists to them)
    allowed = answer_ranges()
    ranges = [(c, *allowed[c]) for c in ANSWER_CODES]
    checks = [
        CheckConstraint(f"{answer_column(c)} BETWEEN {lo} AND {hi}", name=f"{answer_column(c)}_range")
        for c, lo, hi in ranges
    ]
    checks += [CheckConstraint(f"{f} BETWEEN 1 AND {hi}", name=f"{f}_range") for f, hi in RESPONDENT_FIELDS.items()]
    channels = ", ".join(f"'{c}'" for c in CHANNELS)
    checks.append(CheckConstraint(f"channel IN ({channels})", name="channel_known"))
    checks.append(
        CheckConstraint("officer_source IN ('placard', 'receipt', 'roster', 'import')", name="officer_source_known")
    )
    return checks


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        *_answer_checks(),
        Index("ix_responses_unit_month", "unit_id", "period_month"),
        Index("ix_responses_month_unit", "period_month", "unit_id"),
        #: the trust checks count recent responses at one counter on every submit
        Index("ix_responses_counter_submitted", "counter_id", "submitted_at"),
        #: the ballots the figures read from rows: counted, not yet folded into figure_cells
        Index(
            "ix_responses_unfolded",
            "period_month",
            "unit_id",
            postgresql_where=text("folded IS false AND is_excluded IS false"),
            sqlite_where=text("folded IS false AND is_excluded IS false"),
        ),
        #: the excluded ballots (about 1 %), counted per reason on every overview
        Index(
            "ix_responses_excluded",
            "period_month",
            "unit_id",
            postgresql_where=text("is_excluded IS true"),
            sqlite_where=text("is_excluded IS true"),
        ),
        #: the comments view: the newest comments of a period (survey.figures.tables.comments)
        Index(
            "ix_responses_comments",
            "period_month",
            "submitted_at",
            postgresql_where=text("comment IS NOT NULL"),
            sqlite_where=text("comment IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: idempotency key: set by the form when it is shown (or taken from an imported
    #: file), so a double tap or a retry stores one response
    response_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: method profile code the ballot was answered on (e.g. sipas-2024)
    profile: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: indexed by ix_responses_counter_submitted (counter_id first)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    #: the centre, intake point or branch where the citizen was served, as of that day (counters may move)
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"))
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    #: one of CHANNELS
    channel: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: calendar month of submitted_at in Vietnam time, as YYYYMM: what reports group by
    period_month: Mapped[int] = mapped_column(Integer)
    #: when the row reached the database (differs from submitted_at for imports)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    #: why the response looks suspicious (comma-separated: rate, device, burst, hours); None if clean
    flags: Mapped[str | None] = mapped_column(String(100))
    #: left out of indices; set with flags, cleared when a reviewer restores the response
    is_excluded: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: counted in figure_cells (survey.figures.cells); a changed or deleted ballot is taken out first
    folded: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: keyed hash of the browser's device cookie, to see a second ballot from one phone; purged
    device_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    #: keyed, rotating hash of the client address (never the address itself); purged
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    #: digest of the answer vector (survey.services.trust.answer_digest): the burst check
    #: compares it, so that counting identical ballots needs no expression over every column
    answer_digest: Mapped[str | None] = mapped_column(String(32))
    #: the civil servant who served (survey.services.officers.attribute); never shown to the citizen
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    #: where officer_id came from: placard, receipt, roster or import (survey.models.officers.OFFICER_SOURCES)
    officer_source: Mapped[str | None] = mapped_column(String(10))

    # One nullable column per question; NULL = not answered, 0 = not applicable.
    for _code in ANSWER_CODES:
        vars()[answer_column(_code)] = mapped_column(SmallInteger)
    del _code

    sex: Mapped[int | None] = mapped_column(SmallInteger)
    age_band: Mapped[int | None] = mapped_column(SmallInteger)
    ethnicity: Mapped[int | None] = mapped_column(SmallInteger)
    education: Mapped[int | None] = mapped_column(SmallInteger)
    occupation: Mapped[int | None] = mapped_column(SmallInteger)

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()
    service_point: Mapped[ServicePoint | None] = relationship()
    field: Mapped[Field] = relationship()
    procedure: Mapped[Procedure | None] = relationship()

    def answer(self, code: str) -> int | None:
        return getattr(self, answer_column(code))

    def __repr__(self) -> str:
        return f"<Response {self.id} {self.profile} unit={self.unit_id}>"
