"""The daily e-mail: each officer's new, assigned and overdue feedback items, and low-satisfaction alerts.

``flask --app survey notify daily`` is the one command a deployment schedules (README: cron and a
systemd timer). Each active account with an e-mail address gets one mail in Vietnamese (plain text
and HTML, links built from ``PUBLIC_BASE_URL``) about the units it sees, and none when there is
nothing to say:

- new: items opened in the 24 hours before the run;
- assigned: items waiting with the account as their officer;
- overdue: items past due and still waiting (:func:`survey.figures.derived.overdue`);
- alerts: units whose SIPAS of the previous Vietnam day, computed by ``survey.figures`` from that
  day's counted ballots, is below ``NOTIFY_ALERT_BELOW`` with at least ``NOTIFY_ALERT_MIN_ANSWERS``
  ballots.

Mails go through the standard library (``smtplib``, ``email.message.EmailMessage``) to ``SMTP_HOST``.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlencode

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from survey import queries
from survey.extensions import db
from survey.figures import fmt, settings, tables
from survey.figures.periods import VN, period_month
from survey.models import FeedbackItem, User
from survey.models.types import utcnow
from survey.services import feedback_inbox
from survey.services.errors import DomainError
from survey.services.text import clean_text
from survey.services.units import unit_by_code
from survey.services.users import visible_unit_ids


def set_email(user: User, text: str | None) -> None:
    """Where ``user``'s digest goes (empty: no mail); DomainError in Vietnamese when it is not an address. Flushes."""
    text = clean_text(text) or None
    if text is not None:
        try:
            text = validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError:
            raise DomainError("Địa chỉ thư điện tử chưa đúng, ví dụ: ten@quangngai.gov.vn.") from None
    user.email = text
    db.session.flush()


#: items listed per section of a mail (the rest is one link away)
LISTED = 20


@dataclass(frozen=True)
class Alert:
    unit_id: int
    unit_name: str
    index: float
    ballots: int


@dataclass
class Digest:
    user: User
    day: date
    new: list[FeedbackItem] = field(default_factory=list)
    assigned: list[FeedbackItem] = field(default_factory=list)
    overdue: list[FeedbackItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (any(self.counts.values()) or self.alerts)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), VN)
    return start, start + timedelta(days=1)


def low_days(day: date, unit_ids: Iterable[int] | None = None) -> list[Alert]:
    """Units whose SIPAS of ``day`` (Vietnam) is below the threshold with enough counted ballots."""
    config = current_app.config
    start, end = _day_bounds(day)
    figures = settings.current()
    month = period_month(start)
    scope = queries.Scope(profile=figures.profile, start_month=month, end_month=month,
                          unit_ids=tuple(unit_ids) if unit_ids is not None else None,
                          submitted_between=(start, end))  # fmt: skip
    table = tables.overall(tables.table(scope, ["unit_code"], figures, intervals=False))
    if table.empty:
        return []
    alerts = []
    for row in table.itertuples():
        if row.n_responses >= config["NOTIFY_ALERT_MIN_ANSWERS"] and fmt.defined(row.index) \
                and row.index < config["NOTIFY_ALERT_BELOW"]:  # fmt: skip
            unit = unit_by_code(row.unit_code, day)  # the figures name units by code, as on that day
            if unit is not None:
                alerts.append(Alert(unit.id, unit.name, float(row.index), int(row.n_responses)))
    return sorted(alerts, key=lambda a: a.index)


def digest(user: User, now: datetime, alerts: list[Alert] | None = None) -> Digest:
    """What ``user`` is told about on the run at ``now`` (``alerts``: the day's alerts of every unit)."""
    day = (now.astimezone(VN) - timedelta(days=1)).date()
    out = Digest(user=user, day=day)
    base = feedback_inbox.InboxFilter()
    new = feedback_inbox.query(user, base, now).where(FeedbackItem.created_at >= now - timedelta(days=1))
    mine = feedback_inbox.query(user, replace(base, assignee="me", status="assigned"), now)
    late = feedback_inbox.query(user, replace(base, overdue=True), now)
    for name, stmt in (("new", new), ("assigned", mine), ("overdue", late)):
        out.counts[name] = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        rows = db.session.scalars(
            stmt.options(selectinload(FeedbackItem.response), selectinload(FeedbackItem.unit))
            .order_by(FeedbackItem.due_at, FeedbackItem.id)
            .limit(LISTED)
        ).all()
        setattr(out, name, list(rows))
    if alerts:
        visible = visible_unit_ids(user)
        out.alerts = [a for a in alerts if visible is None or a.unit_id in set(visible)]
    return out


def _link(path: str, **query: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + path + ("?" + urlencode(query) if query else "")


def render(d: Digest) -> EmailMessage:
    """The mail of a digest: a Vietnamese subject, a plain-text body and its HTML alternative."""
    config = current_app.config
    level = config["FEEDBACK_SCORE_LEVEL"]
    context = {
        "d": d, "fmt": fmt, "day": fmt.day(d.day), "level": level,
        "why": lambda item: feedback_inbox.low_reason(item, level) or feedback_inbox.comment_start(item.response.comment),
        "item_link": lambda item: _link(f"/admin/phan-anh/{item.id}"),
        "links": {"new": _link("/admin/phan-anh", trang_thai="new"),
                  "assigned": _link("/admin/phan-anh", nguoi_xu_ly="me", trang_thai="open"),
                  "overdue": _link("/admin/phan-anh", qua_han="y"), "overview": _link("/admin/")},
    }  # fmt: skip
    parts = []
    if d.counts.get("overdue"):
        parts.append(f"{fmt.integer(d.counts['overdue'])} quá hạn")
    if d.counts.get("assigned"):
        parts.append(f"{fmt.integer(d.counts['assigned'])} giao cho Ông/Bà")
    if d.counts.get("new"):
        parts.append(f"{fmt.integer(d.counts['new'])} mới")
    subject = "Khảo sát SIPAS — phản ánh, kiến nghị ngày " + fmt.day(d.day)
    if parts:
        subject += ": " + ", ".join(parts)
    if d.alerts:
        subject += " — cảnh báo mức hài lòng thấp"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = d.user.email
    message["Message-ID"] = make_msgid(domain="sipas")
    message.set_content(render_template("mail/digest.txt", **context))
    message.add_alternative(render_template("mail/digest.html", **context), subtype="html")
    return message


def _smtp() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["SMTP_HOST"], int(config["SMTP_PORT"]), config["SMTP_TIMEOUT"]
    security = config["SMTP_SECURITY"]
    if security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if config["SMTP_USERNAME"]:
        server.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    return server


@dataclass(frozen=True)
class SendResult:
    sent: int
    skipped: int
    alerts: int


def send_daily(now: datetime | None = None) -> SendResult:
    """Send each active account with an e-mail address its digest (none when it has nothing). Reads only."""
    if not current_app.config["SMTP_HOST"]:
        raise RuntimeError("SMTP_HOST is not set: no mail can be sent")
    now = now or utcnow()
    day = (now.astimezone(VN) - timedelta(days=1)).date()
    alerts = low_days(day)
    users = db.session.scalars(
        select(User).where(User.is_active.is_(True), User.email.is_not(None)).order_by(User.id)
    ).all()
    digests = [digest(u, now, alerts) for u in users]
    to_send = [d for d in digests if not d.empty]
    if to_send:
        with _smtp() as server:
            for d in to_send:
                server.send_message(render(d))
    return SendResult(sent=len(to_send), skipped=len(digests) - len(to_send), alerts=len(alerts))
