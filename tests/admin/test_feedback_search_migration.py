"""Migration c5a9e3f0b217: existing items get their comment as the office sees it, for the inbox search."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from survey.extensions import db
from survey.models import FeedbackEvent
from tests.admin.conftest import add_low_score

BEFORE = "b7e4c2a9d618"
LOW = "Hồ sơ trả chậm, số máy 0914.222.333, thư hung.le (at) yahoo.com"


def test_existing_items_get_the_masked_comment(app, world):
    with app.app_context():
        add_low_score(world["a"].id, world["counter_a"], LOW)
        db.session.commit()
        events = db.session.scalar(select(func.count()).select_from(FeedbackEvent))
        db.session.remove()
        downgrade(revision=BEFORE)  # the column goes, the items stay
        try:
            assert db.session.scalar(text("SELECT count(*) FROM feedback_items")) == 36
            db.session.remove()
        finally:
            upgrade()
        rows = db.session.execute(text("SELECT r.comment, f.comment_masked FROM feedback_items f "
                                       "JOIN responses r ON r.id = f.response_id")).all()  # fmt: skip
        masked = {comment: shown for comment, shown in rows if comment is not None}
        # by hand: the phone number and the e-mail written around a filter are hidden, the rest is as written
        assert masked[LOW] == "Hồ sơ trả chậm, số máy [đã ẩn], thư [đã ẩn]"
        assert masked["Bí mật xã Bình Chánh"] == "Bí mật xã Bình Chánh"
        assert len(masked) == 5 and all(shown is None for comment, shown in rows if comment is None)
        assert db.session.scalar(select(func.count()).select_from(FeedbackEvent)) == events  # nothing cascaded away
        db.session.remove()
