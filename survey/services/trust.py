"""Keeping the index honest: flag suspicious responses, never delete them, and review them.

Every check is a soft, layered signal; none refuses a ballot. A flagged response is
stored with ``is_excluded=True`` and its reasons in ``flags``, the citizen sees the
usual thank-you page (a stuffer learns nothing), the indices leave it out
(``survey.queries.Scope.include_excluded``), and a reviewer confirms or restores it
with an audit trail (``ResponseReview``).

The reasons:

``rate``
    more than ``TRUST_RATE_PER_MINUTE`` responses at one counter within a minute;
``device``
    a second response from one browser (the device cookie's keyed hash) within
    ``TRUST_DEVICE_WINDOW_MINUTES``, at any counter;
``cookie``
    a QR ballot sent back without the device cookie its form page set (cookies
    blocked, or a script that drops them to look like many phones);
``address``
    more than ``TRUST_ADDRESS_PER_HOUR`` ballots from one client address (an IPv6
    /64) at one counter within an hour (the keyed, daily ``ip_hash``);
``burst``
    the ``TRUST_BURST_SIZE``-th identical answer vector at one counter within
    ``TRUST_BURST_WINDOW_MINUTES`` from the same source (device or address) as
    the earlier ones: an honest citizen who answers like a stuffer is not flagged;
``hours``
    sent before ``TRUST_HOURS_START`` or from ``TRUST_HOURS_END`` on, Vietnam time;
``review``
    excluded by a reviewer although no check had flagged it.

Only the later responses of a run are flagged, never the first ones retroactively:
the first ballot from a phone is as likely honest as any, and flagging is then a
single decision taken while storing one row (no updates of other rows under load).

Receipt codes are the honest channel: each code allows one ballot and is handed out
with the result, so stuffing is bounded by the slips an office prints. Their
responses skip ``rate`` (slips are answered whenever, several at once after a busy
morning) and ``hours`` (answered at home, in the evening), and get ``device`` only
when one browser answers more than ``TRUST_RECEIPT_DEVICE_MAX`` of them in a day (a
family shares a phone; an officer filling a stack of slips does not pass). ``burst``
applies to them as to every channel.

A response without a device cookie is flagged ``cookie`` (QR channel): whoever wipes
cookies between ballots is flagged for it. Everything about the device is decided in
:func:`device_checks`, the one place a channel with shared devices (a kiosk) changes.

A flagged ballot's complaint (a low score or a comment) still opens a feedback item,
so a reviewer sees it.

A kiosk (channel ``kiosk``: a tablet on a stand at the counter, opened by its own
revocable token) serves one citizen after another from one browser, as fast as the
queue moves: :func:`device_checks` judges no device for it, and it skips ``rate`` and
``address`` (and is not counted in the other channels' ``rate``). ``burst`` applies as
everywhere (the tablet's address is the same source), so a run of identical ballots
tapped in by one person is still flagged.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, or_, select

from survey.extensions import db
from survey.figures.periods import VN
from survey.models import Response, ResponseReview, User
from survey.models.responses import ANSWER_CODES
from survey.models.types import UTCDateTime
from survey.queries import Scope, where_clauses
from survey.services import feedback
from survey.services.errors import DomainError
from survey.services.text import clean_text

#: every reason, in the order reports list them
REASONS = ("rate", "device", "cookie", "address", "burst", "hours", "review")
#: what each reason means, for dashboards and reports
REASON_LABELS = {
    "rate": "quá nhiều phiếu tại một quầy trong một phút",
    "device": "nhiều phiếu từ cùng một thiết bị",
    "cookie": "gửi không kèm mã nhận diện thiết bị của trang khảo sát",
    "address": "nhiều phiếu từ cùng một địa chỉ mạng tại một quầy",
    "burst": "nhiều phiếu giống hệt nhau liên tiếp tại một quầy",
    "hours": "gửi ngoài giờ làm việc",
    "review": "loại khi rà soát",
}


def _outside_hours(response: Response) -> bool:
    start, end = current_app.config["TRUST_HOURS_START"], current_app.config["TRUST_HOURS_END"]
    if start is None or end is None:
        return False
    hour = response.submitted_at.astimezone(VN).hour
    return not start <= hour < end


def digest_of(answer_of: Callable[[str], int | None]) -> str:
    """A digest of the answers, ``answer_of(code)`` for each question (blank ones too): equal digests, equal ballots."""
    vector = "".join("-" if v is None else str(v) for v in map(answer_of, ANSWER_CODES))
    return hashlib.blake2b(vector.encode(), digest_size=16).hexdigest()


def answer_digest(response: Response) -> str:
    """The digest stored with a response (``answer_digest``): the burst check compares one short column."""
    return digest_of(response.answer)


@cache
def _assess_statement(checks: tuple[str, ...]):
    """One short statement per combination of checks, built once; values are bound parameters."""
    at_counter = Response.counter_id == bindparam("counter_id")
    conditions = {
        "rate": and_(at_counter, Response.submitted_at > bindparam("rate_since", type_=UTCDateTime),
                     Response.channel != "kiosk"),
        "burst": and_(at_counter, Response.submitted_at > bindparam("burst_since", type_=UTCDateTime),
                      Response.answer_digest == bindparam("digest"),
                      or_(Response.ip_hash == bindparam("ip_hash"), Response.device_hash == bindparam("device_hash"))),
        "address": and_(at_counter, Response.ip_hash == bindparam("ip_hash"),
                        Response.submitted_at > bindparam("address_since", type_=UTCDateTime)),
        "device": and_(Response.device_hash == bindparam("device_hash"),
                       Response.submitted_at > bindparam("device_since", type_=UTCDateTime)),
    }  # fmt: skip
    wanted = [conditions[name] for name in checks]
    return select(*(func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in wanted)).where(
        Response.submitted_at <= bindparam("now", type_=UTCDateTime), or_(*wanted)
    )


def device_checks(
    response: Response, *, via_receipt: bool, limits: dict[str, int], params: dict[str, object]
) -> set[str]:
    """What the device says: adds the ``device`` count to the query, returns ``cookie`` when there is none.

    The one place that decides how a device is judged, so that a channel whose device
    serves many citizens (a kiosk tablet) changes only this.
    """
    config = current_app.config
    if response.channel == "kiosk":
        return set()  # one tablet, a queue of citizens: the device says nothing
    if response.device_hash is None:
        return set() if via_receipt else {"cookie"}
    window = 24 * 60 if via_receipt else config["TRUST_DEVICE_WINDOW_MINUTES"]
    limits["device"] = config["TRUST_RECEIPT_DEVICE_MAX"] if via_receipt else 1
    params.update(device_since=response.submitted_at - timedelta(minutes=window))
    return set()


def assess(response: Response, *, via_receipt: bool = False) -> list[str]:
    """The reasons to doubt ``response``, a built but not yet stored Response (empty: clean).

    One query counts the earlier responses each check looks at. Reads only; call it
    before adding the response to the session.
    """
    config = current_app.config
    now = response.submitted_at
    #: reason → how many earlier responses make this one doubtful
    limits: dict[str, int] = {}
    params: dict[str, object] = {"now": now, "ip_hash": response.ip_hash, "device_hash": response.device_hash}
    flags = device_checks(response, via_receipt=via_receipt, limits=limits, params=params)
    if response.counter_id is not None:
        params["counter_id"] = response.counter_id
        if not via_receipt and response.channel != "kiosk":
            limits["rate"] = config["TRUST_RATE_PER_MINUTE"]
            params["rate_since"] = now - timedelta(minutes=1)
            if response.ip_hash is not None:
                limits["address"] = config["TRUST_ADDRESS_PER_HOUR"]
                params["address_since"] = now - timedelta(hours=1)
        limits["burst"] = config["TRUST_BURST_SIZE"] - 1
        params["burst_since"] = now - timedelta(minutes=config["TRUST_BURST_WINDOW_MINUTES"])
        params["digest"] = response.answer_digest or answer_digest(response)
    if limits:
        wanted = tuple(name for name in REASONS if name in limits)
        counts = db.session.execute(_assess_statement(wanted), params).one()
        flags |= {name for name, n in zip(wanted, counts, strict=True) if n >= limits[name]}
    if not via_receipt and _outside_hours(response):
        flags.add("hours")
    return [reason for reason in REASONS if reason in flags]


def apply_flags(response: Response, flags: list[str]) -> None:
    """Mark a response as doubtful: kept, but left out of the indices until reviewed."""
    if flags:
        response.flags = ",".join(flags)
        response.is_excluded = True


# ---- review -----------------------------------------------------------------------------


def _note(text: str | None) -> str | None:
    return clean_text(text, 1000)


def _check_reviewer(actor: User) -> None:
    # A unit's own officers never judge their own counters' ballots.
    if not actor.sees_all_units:
        raise DomainError("Chỉ Văn phòng (rà soát) hoặc quản trị mới được xác nhận hay khôi phục phiếu.")


def confirm_exclusion(response: Response, actor: User, note: str | None = None) -> ResponseReview:
    """Keep ``response`` out of the indices (a flagged one, or any a reviewer doubts). Flushes."""
    _check_reviewer(actor)
    response.is_excluded = True
    if not response.flags:
        response.flags = "review"
    review = ResponseReview(response_id=response.id, actor_id=actor.id, action="confirmed", note=_note(note))
    db.session.add(review)
    db.session.flush()
    return review


def restore(response: Response, actor: User, note: str | None = None) -> ResponseReview:
    """Count ``response`` again; its flags stay as the record of why it was doubted. Flushes."""
    _check_reviewer(actor)
    if not response.is_excluded:
        raise DomainError("Phiếu này đang được tính, không cần khôi phục.")
    response.is_excluded = False
    review = ResponseReview(response_id=response.id, actor_id=actor.id, action="restored", note=_note(note))
    db.session.add(review)
    db.session.flush()
    if feedback.raises_feedback(response):
        feedback.collect([response.id])
    return review


# ---- summary for dashboards and reports ----------------------------------------------------


@dataclass(frozen=True)
class ExcludedSummary:
    """How many responses of a scope are left out, and why (one response can have several reasons)."""

    total: int
    #: reason → responses carrying it; every reason of REASONS is present
    by_reason: dict[str, int]

    def text(self) -> str:
        """E.g. ``3 phiếu bị loại (nhiều phiếu từ cùng một thiết bị: 2; gửi ngoài giờ làm việc: 1)``."""
        if self.total == 0:
            return "Không có phiếu nào bị loại"
        reasons = "; ".join(f"{REASON_LABELS[r]}: {n}" for r, n in self.by_reason.items() if n)
        return f"{self.total} phiếu bị loại ({reasons})" if reasons else f"{self.total} phiếu bị loại"


def _has_reason(reason: str):
    # flags is a comma-separated list; the commas around it make "rate" not match "xrate"
    return case((("," + func.coalesce(Response.flags, "") + ",").like(f"%,{reason},%"), 1), else_=0)


def excluded_summary(scope: Scope) -> ExcludedSummary:
    """Excluded responses of ``scope`` (its other filters apply), counted per reason in one query."""
    conditions = where_clauses(dataclasses.replace(scope, include_excluded=True))
    stmt = select(func.count(Response.id), *(func.coalesce(func.sum(_has_reason(r)), 0) for r in REASONS)).where(
        and_(*conditions, Response.is_excluded.is_(True))
    )
    total, *counts = db.session.execute(stmt).one()
    return ExcludedSummary(total=int(total), by_reason={r: int(n) for r, n in zip(REASONS, counts, strict=True)})
