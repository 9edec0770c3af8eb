"""Sample district for demonstrations: UBND huyện Bình Sơn, tỉnh Quảng Ngãi (sample data)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import numpy as np
from flask import current_app
from sqlalchemy import insert, select

from analysis.profile import load_profile
from survey.extensions import db
from survey.figures.periods import VN, period_month
from survey.models import Counter, FeedbackItem, Field, Procedure, Response, Unit, User
from survey.models.responses import answer_column
from survey.services import feedback
from survey.services.users import create_user

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

COMMUNES = [
    ("MAU-CHAUO", "Thị trấn Châu Ổ", 0.3),
    ("MAU-BTHANH", "Xã Bình Thạnh", 0.1),
    ("MAU-BCHANH", "Xã Bình Chánh", -0.4),
    ("MAU-BDUONG", "Xã Bình Dương", 0.0),
    ("MAU-BTRUNG", "Xã Bình Trung", -0.2),
    ("MAU-BLONG", "Xã Bình Long", 0.5),
    ("MAU-BHIEP", "Xã Bình Hiệp", -0.6),
]
COMMUNE_FIELDS = ["DD", "XD", "HT", "CT", "LD"]
#: how a field shifts satisfaction (land and construction are where people complain most)
FIELD_SHIFT = {"DD": -0.7, "XD": -0.4, "HT": 0.4, "CT": 0.5, "TP": 0.2, "LD": 0.0, "KD": 0.3, "DT": -0.2}
COMMENTS = [
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Thời gian chờ còn lâu, đề nghị bố trí thêm ghế ngồi.",
    "Hồ sơ đất đai trả chậm so với giấy hẹn.",
    "Cảm ơn cán bộ Bộ phận Một cửa đã hỗ trợ nhiệt tình.",
    "Đề nghị niêm yết rõ mức phí, lệ phí.",
    "Máy lấy số thứ tự bị hỏng.",
]

#: the district's one-stop counter: the department it serves, and the field its QR fixes (None: asked)
DISTRICT_COUNTERS = [
    ("MAU-BSN-Q1", "Quầy số 1 — Đất đai", "DD"),
    ("MAU-BSN-Q2", "Quầy số 2 — Xây dựng, Đầu tư", None),
    ("MAU-BSN-Q3", "Quầy số 3 — Hộ tịch, Tư pháp, Chứng thực", None),
    ("MAU-BSN-Q4", "Quầy số 4 — Lao động – TB&XH, Đăng ký kinh doanh", None),
]
DEPARTMENTS = [
    ("MAU-BSN-TNMT", "Phòng Tài nguyên và Môi trường huyện Bình Sơn"),
    ("MAU-BSN-TP", "Phòng Tư pháp huyện Bình Sơn"),
    ("MAU-BSN-LDTBXH", "Phòng Lao động – Thương binh và Xã hội huyện Bình Sơn"),
    ("MAU-BSN-KTHT", "Phòng Kinh tế và Hạ tầng huyện Bình Sơn"),
    ("MAU-BSN-TCKH", "Phòng Tài chính – Kế hoạch huyện Bình Sơn"),
]


#: demo accounts, printed by `make run`; for trying the app only
DEMO_USERS = [
    ("quantri", "quantri-mau-2026", "admin", None),
    ("vanphong", "vanphong-mau-2026", "reviewer", None),
    ("chauo", "chauo-mau-2026", "unit_officer", "MAU-CHAUO"),
    ("binhchanh", "binhchanh-mau-2026", "unit_officer", "MAU-BCHANH"),
]


def is_seeded() -> bool:
    return db.session.scalar(select(Unit.id).where(Unit.is_sample.is_(True)).limit(1)) is not None


def seed_structure() -> dict[str, object]:
    """Units, fields, procedures and counters of the sample district. Flushes."""
    fields: dict[str, Field] = {}
    for order, (code, name, procedures) in enumerate(FIELDS):
        field = Field(code=code, name=name, sort_order=order)
        field.procedures = [Procedure(code=c, name=n) for c, n in procedures]
        fields[code] = field
        db.session.add(field)
    since = date(2020, 1, 1)
    province = Unit(code="MAU-QNG", name="Tỉnh Quảng Ngãi", kind="province", is_sample=True, valid_from=since)
    district = Unit(code="MAU-BSN", name="UBND huyện Bình Sơn", kind="district", parent=province,
                    is_sample=True, valid_from=since, fields=list(fields.values()))  # fmt: skip
    db.session.add_all([province, district])
    for code, name in DEPARTMENTS:
        db.session.add(Unit(code=code, name=name, kind="department", parent=district, is_sample=True, valid_from=since))
    counters = [
        Counter(code=code, name=name, unit=district, field=fields[fixed] if fixed else None)
        for code, name, fixed in DISTRICT_COUNTERS
    ]
    communes = []
    for code, name, _shift in COMMUNES:
        commune = Unit(code=code, name=f"UBND {name[0].lower()}{name[1:]}", kind="commune", parent=district,
                       is_sample=True, valid_from=since, fields=[fields[c] for c in COMMUNE_FIELDS])  # fmt: skip
        communes.append(commune)
        counters.append(Counter(code=f"{code}-Q1", name="Quầy tiếp nhận và trả kết quả", unit=commune))
    db.session.add_all(counters)
    db.session.flush()
    return {"district": district, "communes": communes, "counters": counters, "fields": fields}


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    """The ``count`` months up to and including the current one, oldest first."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def seed_responses(counters: list[Counter], today: date | None = None, months: int = 13, seed: int = 2022) -> int:
    """Synthetic responses for ``months`` months up to today, varying by unit, field and month. Flushes."""
    rng = np.random.default_rng(seed)
    profile = load_profile()
    today = today or datetime.now(VN).date()
    shift = {f"{code}-Q1": s for code, _name, s in COMMUNES}
    rows = []
    calendar = _months_back(today, months)
    for counter in counters:
        fields = [counter.field] if counter.field else counter.unit.fields
        for m_index, (year, month) in enumerate(calendar):
            trend = 0.04 * m_index + (-0.5 if (counter.code == "MAU-BCHANH-Q1" and m_index >= months - 2) else 0)
            size = int(rng.integers(12, 70))
            last_day = (today.day - 1) if (year, month) == (today.year, today.month) else 27
            for _ in range(size):
                field = fields[int(rng.integers(len(fields)))]
                procedure = field.procedures[int(rng.integers(len(field.procedures)))] if rng.random() < 0.6 else None
                latent = 0.9 + shift.get(counter.code, 0.2) + FIELD_SHIFT[field.code] + trend + rng.normal(0, 0.8)
                stamp = datetime(year, month, 1 + int(rng.integers(max(last_day, 1))), 7 + int(rng.integers(10)),
                                 int(rng.integers(60)), tzinfo=VN)  # fmt: skip
                row = {
                    "response_key": secrets.token_urlsafe(18),
                    "profile": profile.code,
                    "unit_id": counter.unit_id,
                    "counter_id": counter.id,
                    "field_id": field.id,
                    "procedure_id": procedure.id if procedure else None,
                    "channel": "qr" if rng.random() < 0.8 else "paper",
                    "submitted_at": stamp.astimezone(UTC),
                    "received_at": stamp.astimezone(UTC) + timedelta(seconds=1),
                    "period_month": period_month(stamp),
                    "comment": COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.12 else None,
                }
                for code in profile.item_codes:
                    if code.startswith(("D", "E")) and rng.random() < (0.15 if code.startswith("D") else 0.45):
                        row[answer_column(code)] = 0  # result not yet received / never complained
                        continue
                    score = latent + rng.normal(0, 0.6) + (0.3 if code.startswith("C") else 0)
                    row[answer_column(code)] = int(np.clip(np.rint(3 + score), 1, 5))
                if rng.random() < 0.5:
                    # "in general" follows the person's own answers on that element, not one mood for all
                    generals = []
                    for element in profile.elements:
                        own = [row[answer_column(i.code)] for i in element.items if row[answer_column(i.code)]]
                        base = float(np.mean(own)) if own else 3.1 + latent
                        value = int(np.clip(np.rint(base + rng.normal(0, 0.55)), 1, 5))
                        row[answer_column(element.general.code)] = value
                        generals.append(value)
                    row["s0"] = int(np.clip(np.rint(np.mean(generals) + rng.normal(0, 0.4)), 1, 5))
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
        db.session.execute(insert(Response), rows[start : start + 2000])
    db.session.flush()
    return len(rows)


def seed_users() -> list[User]:
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.is_sample.is_(True)))}
    names = {"quantri": "Quản trị hệ thống (mẫu)", "vanphong": "Văn phòng HĐND và UBND huyện (mẫu)",
             "chauo": "Cán bộ Một cửa thị trấn Châu Ổ (mẫu)", "binhchanh": "Cán bộ Một cửa xã Bình Chánh (mẫu)"}  # fmt: skip
    return [create_user(username, password, role, names[username], units.get(unit_code) if unit_code else None)
            for username, password, role, unit_code in DEMO_USERS]  # fmt: skip


def seed_feedback(users: list[User]) -> int:
    """Feedback items for the sample comments and low scores; some already handled, some overdue."""
    count = feedback.collect(now=datetime.now(UTC) - timedelta(days=20))
    reviewer = next(u for u in users if u.role == "reviewer")
    officers = {u.unit_id: u for u in users if u.role == "unit_officer"}
    items = db.session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()
    for i, item in enumerate(items):
        if i % 3 == 0:
            continue
        officer = officers.get(item.unit_id)
        if officer is not None:
            feedback.assign(item, officer, reviewer)
        if i % 6 != 5:  # most are answered; the Văn phòng answers for units without an account of their own
            text = "Đơn vị đã tiếp thu, chấn chỉnh và thông tin lại cho người dân."
            feedback.answer(item, text, officer or reviewer)
    _date_as_received(items)
    return count


def _date_as_received(items: list[FeedbackItem]) -> None:
    """Each item dated when its ballot came in, as a live server opens it, so a month's complaints and
    its comments agree; answers take 1 to 10 days, so some are late."""
    due_days = int(current_app.config.get("FEEDBACK_DUE_DAYS") or 7)
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
    count = seed_responses(structure["counters"], today=today)
    seed_feedback(seed_users())
    return {"units": len(structure["communes"]) + 2 + len(DEPARTMENTS), "counters": len(structure["counters"]),
            "responses": count}  # fmt: skip
