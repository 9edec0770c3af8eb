"""Sample province for demonstrations: Quảng Ngãi as it is in 2026 (every unit marked *dữ liệu mẫu*).

Built with the code path of ``flask units load`` (the official lists of the ``vietnamadminunits``
package, offline): the five communes made on 1/7/2025 from the former huyện Bình Sơn (Xã Bình Sơn,
Vạn Tường, Bình Minh, Bình Chương, Đông Sơn), a few other communes, a phường and đặc khu Lý Sơn;
with their former units: the 22 communes of huyện Bình Sơn, the district itself and huyện Lý Sơn,
closed on 30/6/2025, with the successions the package gives. Each current unit has its Trung tâm
Phục vụ hành chính công (Nghị định 118/2025), some with điểm tiếp nhận; the province has its centre
and a branch. Each former unit had its Bộ phận Một cửa, whose counters closed on 30/6/2025.

Answers run from 07/2024 (12 months before the merger) to the current month in Vietnam time. The
former units' answers stay on the former units; the other current units' start on 1/7/2025 (their
former units are not in the sample). After the merger, satisfaction dips for a few months at the
new centres (people travel further, staff and systems are new) and then recovers above its old level.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.orm import contains_eager, selectinload

from analysis.profile import load_profile
from survey.extensions import db
from survey.figures.periods import VN, period_month
from survey.models import (
    Counter,
    FeedbackEvent,
    FeedbackItem,
    Field,
    Officer,
    OfficerShift,
    Procedure,
    Response,
    ServicePoint,
    Unit,  # fmt: skip
    User,
)
from survey.models.counters import SERVICE_POINT_KINDS
from survey.models.responses import answer_column
from survey.services import feedback
from survey.services.official_units import LAST_OLD_DAY, REFORM_DAY, Selection, load_province
from survey.services.units import resolve_code
from survey.services.users import create_user

PROVINCE = "Quảng Ngãi"
FIRST_MONTH = (2024, 7)  # twelve months before the merger

FIELDS = [
    ("DD", "Đất đai", [("DD-01", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu"),
                       ("DD-02", "Đăng ký biến động quyền sử dụng đất")]),
    ("XD", "Xây dựng", [("XD-01", "Cấp giấy phép xây dựng nhà ở riêng lẻ")]),
    ("HT", "Hộ tịch", [("HT-01", "Đăng ký khai sinh"), ("HT-02", "Đăng ký kết hôn"),
                       ("HT-03", "Cấp bản sao trích lục hộ tịch")]),
    ("CT", "Chứng thực", [("CT-01", "Chứng thực bản sao từ bản chính"), ("CT-02", "Chứng thực chữ ký")]),
    ("TP", "Tư pháp", [("TP-01", "Hòa giải, trợ giúp pháp lý")]),
    ("LD", "Lao động – Thương binh và Xã hội", [("LD-01", "Trợ cấp xã hội hằng tháng"),
                                                ("LD-02", "Xác nhận hộ nghèo, hộ cận nghèo")]),
    ("KD", "Đăng ký kinh doanh", [("KD-01", "Đăng ký thành lập hộ kinh doanh")]),
    ("DT", "Đầu tư", [("DT-01", "Chấp thuận chủ trương đầu tư")]),
]  # fmt: skip
#: what a commune's centre receives since 1/7/2025 (much of the former district's work came down to it)
CURRENT_FIELDS = ["DD", "XD", "HT", "CT", "TP", "LD", "KD"]
#: what a former commune's one-stop counter received
FORMER_FIELDS = ["DD", "HT", "CT", "LD"]

#: the current units of the sample (official codes) and how satisfied their people are, relative
CURRENT = {
    "21040": 0.3,  # Xã Bình Sơn
    "21061": 0.0,  # Xã Vạn Tường
    "21085": -0.3,  # Xã Bình Minh
    "21100": 0.1,  # Xã Bình Chương
    "21109": -0.2,  # Xã Đông Sơn
    "21025": 0.2,  # Phường Cẩm Thành
    "21235": -0.1,  # Xã Tư Nghĩa
    "21400": 0.0,  # Xã Mộ Đức
    "21548": 0.4,  # Đặc khu Lý Sơn
}
BINH_SON_COMMUNES = ("21040", "21061", "21085", "21100", "21109")
#: former districts whose units the sample keeps: huyện Bình Sơn and huyện Lý Sơn
FORMER_DISTRICTS = frozenset({"524", "536"})
BINH_SON_DISTRICT = "524"

#: a centre's counters: (suffix, name, the field its QR fixes or None)
CENTRE_COUNTERS = {
    "21040": [("Q1", "Quầy số 1 — Đất đai", "DD"), ("Q2", "Quầy số 2 — Hộ tịch, Chứng thực, Tư pháp", None),
              ("Q3", "Quầy số 3 — Lao động, Kinh doanh, Xây dựng", None)],
    "21025": [("Q1", "Quầy số 1", None), ("Q2", "Quầy số 2 — Đất đai", "DD")],
}  # fmt: skip
#: intake points: unit code → (number, where it is) each
INTAKE_POINTS = {
    "21040": [(1, "Trụ sở xã Bình Chánh cũ"), (2, "Trụ sở xã Bình Long cũ")],
    "21061": [(1, "Trụ sở xã Bình Hải cũ")],
    "21109": [(1, "Trụ sở xã Bình Châu cũ")],
    "21025": [(1, "Trụ sở phường Nghĩa Chánh cũ")],
}
#: the former district's own one-stop counters (Bộ phận Một cửa huyện Bình Sơn), closed on 30/6/2025
DISTRICT_COUNTERS = [("Q1", "Quầy số 1 — Đất đai", "DD"), ("Q2", "Quầy số 2 — Các lĩnh vực khác", None)]

#: how a field shifts satisfaction (land and construction are where people complain most)
FIELD_SHIFT = {"DD": -0.7, "XD": -0.4, "HT": 0.4, "CT": 0.5, "TP": 0.2, "LD": 0.0, "KD": 0.3, "DT": -0.2}
COMMENTS = [
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Thời gian chờ còn lâu, đề nghị bố trí thêm ghế ngồi.",
    "Hồ sơ đất đai trả chậm so với giấy hẹn.",
    "Cảm ơn cán bộ Trung tâm đã hỗ trợ nhiệt tình.",
    "Đề nghị niêm yết rõ mức phí, lệ phí.",
    "Máy lấy số thứ tự bị hỏng.",
    "Từ nhà đến trung tâm xã mới xa hơn trước, mong có thêm điểm tiếp nhận.",
]

#: the sample comments a citizen would mark "Đây là phản ánh, kiến nghị" (the others are praise)
COMPLAINTS = tuple(COMMENTS[i] for i in (1, 2, 4, 5, 6))

#: demo accounts, printed by `make run`; for trying the app only
DEMO_USERS = [
    ("quantri", "quantri-mau-2026", "admin", None),
    ("sonoivu", "sonoivu-mau-2026", "reviewer", "51"),
    ("binhson", "binhson-mau-2026", "unit_officer", "21040"),
    ("vantuong", "vantuong-mau-2026", "unit_officer", "21061"),
]
DEMO_USER_NAMES = {
    "quantri": "Quản trị hệ thống (mẫu)",
    "sonoivu": "Sở Nội vụ tỉnh Quảng Ngãi (mẫu)",
    "binhson": "Cán bộ Trung tâm Phục vụ hành chính công xã Bình Sơn (mẫu)",
    "vantuong": "Cán bộ Trung tâm Phục vụ hành chính công xã Vạn Tường (mẫu)",
}
#: demo officers (công chức) at counters of the sample: code, name, unit code, counter suffix
DEMO_OFFICERS = [
    ("CB-BS-01", "Nguyễn Thị Mẫu", "21040", "Q1"),
    ("CB-BS-02", "Trần Văn Thử", "21040", "Q2"),
    ("CB-BS-03", "Lê Thị Minh Họa", "21040", "Q2"),
    ("CB-VT-01", "Phạm Văn Ví Dụ", "21061", "Q1"),
]
#: the counter `flask demo-info` opens: Xã Bình Sơn's Điểm tiếp nhận số 1
DEMO_COUNTER = "21040-D1"
#: how many months back (the current one included) the demo roster covers
ROSTER_MONTHS = 4


@dataclass
class Place:
    """A counter of the sample and what its answers look like."""

    counter: Counter
    #: relative satisfaction of its people
    shift: float
    #: ballots a month (low, high)
    size: tuple[int, int]
    #: a current unit's counter (answers from 1/7/2025), else a former one (answers until 30/6/2025)
    current: bool


def is_seeded() -> bool:
    return db.session.scalar(select(Unit.id).where(Unit.is_sample.is_(True)).limit(1)) is not None


def _seed_fields() -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for order, (code, name, procedures) in enumerate(FIELDS):
        field = Field(code=code, name=name, sort_order=order)
        field.procedures = [Procedure(code=c, name=n) for c, n in procedures]
        fields[code] = field
        db.session.add(field)
    db.session.flush()
    return fields


def _closed_at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=VN).astimezone(UTC)


def seed_structure() -> dict[str, object]:
    """Units (from the official lists), fields, service points and counters of the sample province. Flushes."""
    fields = _seed_fields()
    load_province(PROVINCE, with_former=True,
                  only=Selection(frozenset(CURRENT), FORMER_DISTRICTS, sample=True))  # fmt: skip
    units = list(db.session.scalars(select(Unit).where(Unit.is_sample.is_(True)).order_by(Unit.code, Unit.id)))
    province = next(u for u in units if u.kind == "province")
    current = {u.code: u for u in units if u.kind == "commune" and u.valid_to is None}
    former = [u for u in units if u.valid_to == LAST_OLD_DAY]
    rng = np.random.default_rng(118)
    places: list[Place] = []

    # the province's centre and a branch (dossiers of the province's departments; no counters in the sample)
    centre = ServicePoint(unit=province, kind="centre", name=SERVICE_POINT_KINDS["centre"], valid_from=REFORM_DAY,
                          address="Số 52 Hùng Vương, phường Cẩm Thành")  # fmt: skip
    db.session.add_all([centre, ServicePoint(unit=province, kind="branch", number=1, name="Chi nhánh số 1",
                                             centre=centre, valid_from=REFORM_DAY, address="Xã Bình Sơn")])  # fmt: skip

    for code, shift in CURRENT.items():
        unit = current[code]
        unit.fields = [fields[c] for c in CURRENT_FIELDS]
        centre = ServicePoint(unit=unit, kind="centre", name=SERVICE_POINT_KINDS["centre"], valid_from=REFORM_DAY)
        db.session.add(centre)
        for suffix, name, fixed in CENTRE_COUNTERS.get(code, [("Q1", "Quầy tiếp nhận và trả kết quả", None)]):
            counter = Counter(code=f"{code}-{suffix}", name=name, unit=unit, service_point=centre,
                              field=fields[fixed] if fixed else None, created_at=_closed_at(REFORM_DAY))  # fmt: skip
            db.session.add(counter)
            places.append(Place(counter, shift, (14, 34), current=True))
        for number, address in INTAKE_POINTS.get(code, []):
            point = ServicePoint(unit=unit, kind="intake", number=number, name=f"Điểm tiếp nhận số {number}",
                                 centre=centre, address=address, valid_from=REFORM_DAY)  # fmt: skip
            counter = Counter(code=f"{code}-D{number}", name="Quầy tiếp nhận", unit=unit, service_point=point,
                              created_at=_closed_at(REFORM_DAY))  # fmt: skip
            db.session.add(counter)
            places.append(Place(counter, shift - 0.1, (6, 16), current=True))

    successor_shift = {}
    for code in CURRENT:
        for succession in current[code].successions_in:
            successor_shift[succession.predecessor_id] = CURRENT[code]
    for unit in former:
        if unit.kind == "province":
            continue
        if unit.kind == "district" and unit.code == BINH_SON_DISTRICT:
            unit.fields = list(fields.values())
            specs = [(f"{unit.code}-{s}", n, f, (12, 30)) for s, n, f in DISTRICT_COUNTERS]
        elif unit.kind == "district":  # huyện Lý Sơn: the island district, now đặc khu Lý Sơn
            unit.fields = [fields[c] for c in CURRENT_FIELDS]
            specs = [(f"{unit.code}-Q1", "Quầy tiếp nhận và trả kết quả", None, (10, 24))]
        else:
            unit.fields = [fields[c] for c in FORMER_FIELDS]
            specs = [(f"{unit.code}-Q1", "Quầy tiếp nhận và trả kết quả", None, (3, 12))]
        # the counter's service point is the unit's Bộ phận Một cửa (made with the counter: it closed before ND 118)
        shift = successor_shift.get(unit.id, 0.0) + float(rng.normal(0, 0.25))
        for code, name, fixed, size in specs:
            counter = Counter(code=f"CU-{code}", name=name, unit=unit, field=fields[fixed] if fixed else None,
                              is_active=False, created_at=_closed_at(date(2020, 1, 1)),
                              revoked_at=_closed_at(LAST_OLD_DAY))  # fmt: skip
            places.append(Place(counter, shift, size, current=False))
    db.session.add_all(p.counter for p in places)
    db.session.flush()
    return {"province": province, "current": current, "former": former, "places": places, "fields": fields}


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every month from ``first`` to ``last`` (inclusive), oldest first."""
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _roster(places: list[Place], today: date) -> dict[tuple[int, date], int]:
    """The demo officers and their roster for the last ROSTER_MONTHS months: (counter id, day) → officer id."""
    counters = {p.counter.code: p.counter for p in places if p.current}
    officers: dict[str, list[Officer]] = {}
    start = date(today.year, today.month, 1)
    for _ in range(ROSTER_MONTHS - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    for code, name, unit_code, suffix in DEMO_OFFICERS:
        counter = counters[f"{unit_code}-{suffix}"]
        officer = Officer(code=code, name=name, unit_id=counter.unit_id, counter=counter,
                          active_from=start - timedelta(days=90))  # fmt: skip
        db.session.add(officer)
        officers.setdefault(counter.code, []).append(officer)
    db.session.flush()
    staffed: dict[tuple[int, date], int] = {}
    shifts = []
    day = start
    while day <= today:
        if day.weekday() < 5:
            for code, staff in officers.items():
                officer = staff[day.toordinal() % len(staff)]  # two officers at one counter take turns by day
                staffed[(counters[code].id, day)] = officer.id
                shifts.append({"officer_id": officer.id, "counter_id": counters[code].id, "day": day})
        day += timedelta(days=1)
    db.session.execute(insert(OfficerShift.__table__), shifts)
    return staffed


def _score(value: float) -> int:
    """A latent score as an answer 1–5 (rounded half to even, as numpy's rint)."""
    return min(5, max(1, round(value)))


def seed_responses(places: list[Place], today: date | None = None, seed: int = 2025) -> int:
    """Synthetic responses from 07/2024 to today, varying by unit, field and month. Flushes."""
    rng = np.random.default_rng(seed)
    profile = load_profile()
    today = today or datetime.now(VN).date()
    staffed = _roster(places, today)
    calendar = _months(FIRST_MONTH, (today.year, today.month))
    reform = (REFORM_DAY.year, REFORM_DAY.month)
    rows = []
    for place in places:
        counter = place.counter
        fields = [counter.field] if counter.field else counter.unit.fields
        for year, month in calendar:
            if ((year, month) >= reform) != place.current:
                continue
            since = (year - reform[0]) * 12 + month - reform[1]  # months since the merger (negative before)
            if since < 0:
                trend = 0.015 * (since + 12)
            else:  # the new centres' first months are harder, then better than before
                trend = -0.45 + 0.09 * min(since, 8) if since < 3 else 0.1 + 0.03 * min(since, 12)
            size = int(rng.integers(*place.size))
            last_day = (today.day - 1) if (year, month) == (today.year, today.month) else 27
            for _ in range(size):
                field = fields[int(rng.integers(len(fields)))]
                procedure = field.procedures[int(rng.integers(len(field.procedures)))] if rng.random() < 0.6 else None
                latent = 0.9 + place.shift + FIELD_SHIFT[field.code] + trend + rng.normal(0, 0.8)
                stamp = datetime(year, month, 1 + int(rng.integers(max(last_day, 1))), 7 + int(rng.integers(10)),
                                 int(rng.integers(60)), tzinfo=VN)  # fmt: skip
                row = {
                    "response_key": secrets.token_urlsafe(18),
                    "profile": profile.code,
                    "unit_id": counter.unit_id,
                    "counter_id": counter.id,
                    "service_point_id": counter.service_point_id,
                    "field_id": field.id,
                    "procedure_id": procedure.id if procedure else None,
                    "channel": "qr" if rng.random() < 0.8 else "paper",
                    "submitted_at": stamp.astimezone(UTC),
                    "received_at": stamp.astimezone(UTC) + timedelta(seconds=1),
                    "period_month": period_month(stamp),
                    "comment": COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.12 else None,
                    "officer_id": None,
                    "officer_source": None,
                }
                officer_id = staffed.get((counter.id, stamp.date()))
                if officer_id is not None:  # the roster names who served; a fifth scanned the officer's placard
                    row["officer_id"] = officer_id
                    row["officer_source"] = "placard" if rng.random() < 0.2 else "roster"
                for code in profile.item_codes:
                    if code.startswith(("D", "E")) and rng.random() < (0.15 if code.startswith("D") else 0.45):
                        row[answer_column(code)] = 0  # result not yet received / never complained
                        continue
                    score = latent + rng.normal(0, 0.6) + (0.3 if code.startswith("C") else 0)
                    row[answer_column(code)] = _score(3 + score)
                if rng.random() < 0.7:
                    # "in general" follows the person's own answers on that element, not one mood for all
                    generals = []
                    for element in profile.elements:
                        own = [row[answer_column(i.code)] for i in element.items if row[answer_column(i.code)]]
                        base = sum(own) / len(own) if own else 3.1 + latent
                        value = _score(base + rng.normal(0, 0.55))
                        row[answer_column(element.general.code)] = value
                        generals.append(value)
                    row["s0"] = _score(sum(generals) / len(generals) + rng.normal(0, 0.4))
                if rng.random() < 0.4:
                    row["p1"] = 1 if latent > 0 else int(rng.integers(1, 4))
                    row["p2"] = 1 if rng.random() < 0.9 else 2
                    for i in range(1, 11):
                        row[f"x{i}"] = int(rng.integers(1, 5))
                if rng.random() < 0.5:
                    row["sex"] = int(rng.integers(1, 3))
                    row["age_band"] = int(rng.integers(1, 6))
                rows.append(row)
    # One statement for thousands of rows; every row carries the same keys.
    keys = {k for row in rows for k in row}
    rows = [{k: row.get(k) for k in keys} for row in rows]
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Response.__table__), rows[start : start + 2000])
    db.session.flush()
    return len(rows)


def seed_users() -> list[User]:
    return [create_user(username, password, role, DEMO_USER_NAMES[username],
                        resolve_code(unit_code) if unit_code else None)
            for username, password, role, unit_code in DEMO_USERS]  # fmt: skip


#: feedback on ballots older than this many days was answered and closed long ago (written in bulk)
FEEDBACK_HANDLED_DAYS = 90
ANSWER = "Đơn vị đã tiếp thu, chấn chỉnh và thông tin lại cho người dân."


def seed_feedback(users: list[User]) -> int:
    """Feedback items for the sample comments and low scores, dated when their ballots came in: those of the last
    three months handled through the service (some answered, some overdue), older ones answered and closed."""
    count = feedback.collect(now=datetime.now(UTC) - timedelta(days=20)) + _open_complaints()
    reviewer = next(u for u in users if u.role == "reviewer")
    officers = {u.unit_id: u for u in users if u.role == "unit_officer"}
    due_days = int(current_app.config.get("FEEDBACK_DUE_DAYS") or 7)
    cutoff = datetime.now(UTC) - timedelta(days=FEEDBACK_HANDLED_DAYS)
    _close_old_items(reviewer, cutoff, due_days)
    items = db.session.scalars(
        select(FeedbackItem)
        .join(FeedbackItem.response)
        .where(Response.submitted_at >= cutoff)
        .options(contains_eager(FeedbackItem.response), selectinload(FeedbackItem.events))
        .order_by(FeedbackItem.id)
    ).all()
    for i, item in enumerate(items):
        if i % 3 == 0:
            continue
        officer = officers.get(item.unit_id)
        if officer is not None:
            feedback.assign(item, officer, reviewer)
        if i % 6 != 5:  # most are answered; the reviewer answers for units without an account of their own
            feedback.answer(item, ANSWER, officer or reviewer)
    _date_as_received(items, due_days)
    return count


def _open_complaints() -> int:
    """Items for the sample's complaint-like comments, as if each citizen had ticked the complaint box
    (praise opens none); a ballot with a low score already has its item. Dated by _date_as_received."""
    rows = db.session.execute(
        select(Response.id, Response.unit_id, Response.submitted_at, Response.comment)
        .outerjoin(FeedbackItem, FeedbackItem.response_id == Response.id)
        .where(Response.comment.in_(COMPLAINTS), FeedbackItem.id.is_(None))
    ).all()
    if not rows:
        return 0
    due = timedelta(days=int(current_app.config.get("FEEDBACK_DUE_DAYS") or 7))
    ids = db.session.scalars(
        insert(FeedbackItem.__table__).returning(FeedbackItem.__table__.c.id, sort_by_parameter_order=True),
        [
            {
                "response_id": r.id,
                "unit_id": r.unit_id,
                "kind": "complaint",
                "status": "new",
                "created_at": r.submitted_at,
                "due_at": r.submitted_at + due,
                "comment_masked": feedback.shown_comment(r.comment),
            }
            for r in rows
        ],  # fmt: skip
    ).all()
    db.session.execute(insert(FeedbackEvent.__table__), [{"item_id": i, "actor_id": None, "action": "created",
                                                          "at": r.submitted_at} for i, r in zip(ids, rows, strict=True)])  # fmt: skip
    return len(rows)


def _close_old_items(reviewer: User, cutoff: datetime, due_days: int) -> None:
    """The items of ballots before ``cutoff``: answered within 1 to 10 days and closed, in a few statements."""
    old = db.session.execute(
        select(FeedbackItem.id, Response.submitted_at)
        .join(Response, FeedbackItem.response_id == Response.id)
        .where(Response.submitted_at < cutoff)
        .order_by(FeedbackItem.id)
    ).all()
    items, events = [], []
    for i, (item_id, submitted) in enumerate(old):
        answered = submitted + timedelta(days=1 + (i * 7) % 10, hours=3)
        closed = answered + timedelta(days=1)
        items.append({"id": item_id, "status": "closed", "created_at": submitted, "due_at": submitted + timedelta(days=due_days),
                      "answer_text": ANSWER, "answered_at": answered, "closed_at": closed})  # fmt: skip
        events += [{"item_id": item_id, "actor_id": reviewer.id, "action": "answered", "note": ANSWER, "at": answered},
                   {"item_id": item_id, "actor_id": reviewer.id, "action": "closed", "note": None, "at": closed}]  # fmt: skip
    if not items:
        return
    db.session.execute(update(FeedbackItem), items)  # by primary key: one executemany
    created = db.session.execute(
        select(FeedbackEvent.id, FeedbackEvent.item_id).where(
            FeedbackEvent.action == "created", FeedbackEvent.item_id.in_([r["id"] for r in items])
        )
    ).all()
    at = {r["id"]: r["created_at"] for r in items}
    db.session.execute(update(FeedbackEvent), [{"id": e, "at": at[item]} for e, item in created])
    db.session.execute(insert(FeedbackEvent.__table__), events)


def _date_as_received(items: list[FeedbackItem], due_days: int) -> None:
    """Each item dated when its ballot came in, as a live server opens it, so a month's complaints and
    its comments agree; answers take 1 to 10 days, so some are late."""
    now = datetime.now(UTC)
    for i, item in enumerate(items):
        item.created_at = item.response.submitted_at
        item.due_at = item.created_at + timedelta(days=due_days)
        if item.answered_at is not None:
            item.answered_at = min(item.created_at + timedelta(days=1 + (i * 7) % 10, hours=3), now)
        for event in item.events:
            event.at = {"created": item.created_at, "answered": item.answered_at}.get(
                event.action, item.created_at + timedelta(hours=2)
            )
    db.session.flush()


def seed_demo(today: date | None = None) -> dict[str, int]:
    structure = seed_structure()
    places = structure["places"]
    count = seed_responses(places, today=today)
    seed_feedback(seed_users())
    return {
        "units": len(structure["current"]) + len(structure["former"]) + 1,
        "current": len(structure["current"]),
        "former": len(structure["former"]),
        "counters": len(places),
        "responses": count,
    }
