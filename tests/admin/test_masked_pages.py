"""No listed personal-data pattern on an office page or export (issue 16); officers see the day only."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import FeedbackItem, Field, Response
from survey.services import feedback
from survey.services.responses import Ballot, build_response

#: each the probe found unmasked, with the part that must not be shown
PERSONAL = [
    ("Gọi (0905)123456 giúp", "123456"),
    ("Số 09\u200b05\u200b777\u200b888", "888"),
    ("Cảm ơn Ông NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
    ("anh nguyễn văn bình nhiệt tình", "nguyễn văn bình"),
    ("Trần Thị Cúc ở quầy 1 giỏi", "Trần Thị Cúc"),
    ("Hộ chiếu C1234567", "C1234567"),
    ("thư cho x (at) gmail.com", "gmail"),
]
#: 2026-10-05 09:47 in Vietnam
AT = datetime(2026, 10, 5, 2, 47, tzinfo=UTC)


@pytest.fixture
def personal(app, world):
    with app.app_context():
        ht = db.session.scalar(select(Field.id).where(Field.code == "HT"))
        for i, (comment, _) in enumerate(PERSONAL):
            ballot = Ballot(key=f"ca-nhan-{i:04d}-xxxxxxxxx", profile="sipas-2024", unit_id=world["a"].id, field_id=ht,
                            counter_id=world["counter_a"], answers={"A1": 4}, comment=comment, submitted_at=AT)  # fmt: skip
            response = build_response(ballot)
            db.session.add(response)
            db.session.flush()
            if i % 2 == 0:  # half marked as complaints by the citizen; the others stay plain comments
                feedback.open_item(response, complaint=True)
        db.session.commit()
        items = db.session.scalars(
            select(FeedbackItem)
            .join(FeedbackItem.response)
            .where(FeedbackItem.unit_id == world["a"].id, Response.response_key.like("ca-nhan-%"))
            .order_by(Response.response_key)
        )
        return [i.id for i in items]  # fmt: skip


def _text(response) -> str:
    if response.mimetype.endswith("sheet"):
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        return "\n".join(str(c.value) for s in book for row in s.iter_rows() for c in row if c.value is not None)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["vanphong", "canbo.chauo"])
def test_no_personal_data_on_office_pages_and_exports(client, world, login, personal, username):
    login(username)
    paths = ["/admin/y-kien?month=2026-10", "/admin/xuat/comments.csv?month=2026-10",
             "/admin/xuat/comments.xlsx?month=2026-10", "/admin/phan-anh", "/admin/phan-anh/y-kien",
             "/admin/phan-anh?tim=Cảm",
             *(f"/admin/phan-anh/{i}" for i in personal)]  # fmt: skip
    seen = ""
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = _text(response)
        seen += text
        for _, secret in PERSONAL:
            assert secret not in text, (path, secret)
    assert seen.count("[đã ẩn]") >= len(PERSONAL)


def test_officers_see_the_day_of_a_comment_reviewers_the_minute(client, world, login, personal):
    login("canbo.chauo")
    for path in (
        "/admin/y-kien?month=2026-10",
        "/admin/xuat/comments.csv?month=2026-10",
        f"/admin/phan-anh/{personal[0]}",
    ):
        text = client.get(path).get_data(as_text=True)
        assert "05/10/2026" in text, path
        assert "09:47" not in text, path
    client.post("/admin/logout", data={"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                                                               client.get("/admin/").get_data(as_text=True)).group(1)})  # fmt: skip
    login("vanphong")
    assert "09:47" in client.get("/admin/y-kien?month=2026-10").get_data(as_text=True)
