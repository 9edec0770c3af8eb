"""Storing a response."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from analysis.profile import load_profile
from survey.extensions import db
from survey.figures.periods import period_month
from survey.models import Counter, Response
from survey.models.responses import CHANNELS, RESPONDENT_FIELDS, answer_column
from survey.models.types import utcnow
from survey.services import feedback, officers, trust
from survey.services.contacts import Contact
from survey.services.errors import InvalidSubmission
from survey.services.text import clean_text


@dataclass
class Ballot:
    """What one citizen answered, already parsed into integers."""

    key: str
    profile: str
    unit_id: int
    field_id: int
    channel: str = "qr"
    counter_id: int | None = None
    #: the centre, intake point or branch of the counter, as of the day it was served
    service_point_id: int | None = None
    procedure_id: int | None = None
    #: question code → answer (None = not answered)
    answers: dict[str, int | None] = field(default_factory=dict)
    respondent: dict[str, int | None] = field(default_factory=dict)
    comment: str | None = None
    #: the citizen marked the comment as a complaint or request (it opens a feedback item)
    complaint: bool = False
    #: a contact left with consent to be answered (survey.services.contacts); kept apart from the answers
    contact: Contact | None = None
    submitted_at: datetime | None = None
    #: keyed hash of the browser's device cookie (survey.services.privacy), if it sent one
    device_hash: str | None = None
    #: keyed, daily rotating hash of the client address; never the address
    ip_hash: str | None = None
    #: the officer whose personal placard the citizen scanned (survey.services.officers)
    placard_officer_id: int | None = None
    #: the handling officer the dossier's receipt code carries
    receipt_officer_id: int | None = None


#: the same form sent again with different answers
RESENT_DIFFERENTLY = ("Phiếu này đã được gửi trước đó với các câu trả lời khác, nên lần gửi này không được ghi nhận. "
                      "Nếu Ông/Bà muốn góp ý thêm, xin mở một phiếu mới.")  # fmt: skip


def existing_response(key: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.response_key == key))


def check_ballot(ballot: Ballot) -> None:
    """Apply the rules the form and the import share; raise InvalidSubmission on a break."""
    try:
        profile = load_profile(ballot.profile)
    except ValueError as exc:
        raise InvalidSubmission(f"Mẫu phiếu không hợp lệ: {ballot.profile}") from exc
    if ballot.channel not in CHANNELS:
        raise InvalidSubmission(f"Kênh không hợp lệ: {ballot.channel}")
    unknown = set(ballot.answers) - set(profile.question_codes)
    if unknown:
        raise InvalidSubmission(f"Câu hỏi không thuộc mẫu phiếu {profile.code}: {', '.join(sorted(unknown))}")
    for code, value in ballot.answers.items():
        if value is not None and value not in profile.allowed_values(code):
            raise InvalidSubmission(f"Câu {code}: giá trị {value} không hợp lệ")
    for name, value in ballot.respondent.items():
        if name not in RESPONDENT_FIELDS or (value is not None and not 1 <= value <= RESPONDENT_FIELDS[name]):
            raise InvalidSubmission(f"Thông tin người trả lời không hợp lệ: {name}")


def build_response(ballot: Ballot) -> Response:
    """A Response object for a checked ballot (not added to the session)."""
    submitted_at = ballot.submitted_at or utcnow()
    response = Response(
        response_key=ballot.key,
        profile=ballot.profile,
        unit_id=ballot.unit_id,
        counter_id=ballot.counter_id,
        service_point_id=ballot.service_point_id,
        field_id=ballot.field_id,
        procedure_id=ballot.procedure_id,
        channel=ballot.channel,
        submitted_at=submitted_at,
        period_month=period_month(submitted_at),
        comment=clean_text(ballot.comment, current_app.config["COMMENT_MAX_LENGTH"]),
        device_hash=ballot.device_hash,
        ip_hash=ballot.ip_hash,
        received_at=utcnow(),
        is_excluded=False,
    )
    response.officer_id, response.officer_source = officers.attribute(
        ballot.counter_id, submitted_at,
        placard_officer_id=ballot.placard_officer_id, receipt_officer_id=ballot.receipt_officer_id,
    )  # fmt: skip
    for code, value in ballot.answers.items():
        setattr(response, answer_column(code), value)
    for name, value in ballot.respondent.items():
        setattr(response, name, value)
    response.answer_digest = trust.answer_digest(response)
    return response


_COLUMN_ATTRS = inspect(Response).column_attrs


@cache
def _insert_statement(dialect: str):
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    stmt = insert(Response).on_conflict_do_nothing(index_elements=["response_key"])
    return stmt.returning(Response.id)


def _insert_once(response: Response) -> int | None:
    """INSERT a built response unless a response with its key is stored: the new id, or None.

    One statement (INSERT … ON CONFLICT (response_key) DO NOTHING RETURNING id) both
    checks and stores; on PostgreSQL a concurrent insert of the same key waits for the
    other transaction, so a ballot is never stored twice and never refused by mistake.
    """
    # NULLs are left out (each nullable column defaults to NULL): the statement names only
    # what was answered, short enough for the driver to keep its parsed form.
    state = inspect(response).dict
    values = {a.columns[0].name: state[a.key] for a in _COLUMN_ATTRS if state.get(a.key) is not None}
    stmt = _insert_statement(db.session.get_bind().dialect.name)
    return db.session.execute(stmt, values).scalar()


def submit_response(counter: Counter, ballot: Ballot, *, via_receipt: bool = False) -> tuple[Response, bool]:
    """Store a ballot given at a counter, once.

    Returns the response and whether it was created now; a ballot whose key is
    already stored (double tap, back and resubmit) returns the stored one. A ballot
    the trust checks doubt is stored all the same, flagged and excluded
    (survey.services.trust); ``via_receipt`` marks the one-time receipt-code channel.
    """
    if ballot.field_id not in {f.id for f in counter.offered}:
        raise InvalidSubmission("Lĩnh vực không thuộc đơn vị này")
    ballot.unit_id, ballot.counter_id = counter.unit_id, counter.id
    ballot.service_point_id = counter.service_point_id
    check_ballot(ballot)
    response = build_response(ballot)
    trust.apply_flags(response, trust.assess(response, via_receipt=via_receipt))
    # decided now, while the unanswered columns read as None: once the row is stored they would be
    # loaded back from the database (one more SELECT a ballot)
    complaint = feedback.raises_feedback(response, ballot.complaint)
    new_id = _insert_once(response)
    if new_id is None:  # sent before (double tap, back and send again, a retry)
        stored = existing_response(ballot.key)
        if (stored.answer_digest, stored.comment) != (response.answer_digest, response.comment):
            # the same form sent again with other answers: say so, never drop them silently
            raise InvalidSubmission(RESENT_DIFFERENTLY)
        return stored, False
    response.id = new_id
    make_transient_to_detached(response)  # the row is stored: the session takes it as loaded
    db.session.add(response)
    if complaint:
        # a flagged ballot's complaint is raised too: a reviewer sees it with the ballot's flags
        feedback.open_item(response, complaint=ballot.complaint, contact=ballot.contact)
    elif ballot.contact is not None:  # the form refuses it first: a contact needs a complaint to answer
        raise InvalidSubmission("Liên hệ chỉ được ghi cùng một phản ánh, kiến nghị.")
    return response, True
