"""Migration b7e2c4d9f013: the items every comment used to open become what the new rule says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select, text

from survey.extensions import db
from survey.models import Field, Response
from survey.services.responses import Ballot, build_response

BEFORE = "b7d2e4f6a813"
#: response columns added by later migrations
LATER = {"id", "service_point_id"}


def test_old_comment_items_are_rekinded_kept_or_removed(app, make_unit):
    unit = make_unit()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with app.app_context():
        downgrade(revision=BEFORE)
        try:
            ht = db.session.scalar(select(Field.id).where(Field.code == "HT"))
            cases = {  # key: (lowest answer, comment, status)
                "low-and-comment": (2, "Chờ lâu quá", "new"),
                "praise-new": (5, "Cảm ơn cán bộ nhiệt tình", "new"),
                "praise-assigned": (4, "Rất hài lòng", "assigned"),
                "handled": (4, "Hướng dẫn chưa rõ", "answered"),
                "low-only": (1, None, "new"),
            }
            ids = {}
            table = Response.__table__
            for key, (value, comment, _) in cases.items():
                response = build_response(Ballot(key=f"mig-{key}-xxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id,
                                                 field_id=ht, answers={"A1": value, "B1": 5}, comment=comment,
                                                 submitted_at=now))  # fmt: skip
                # Core, with the columns of that revision (later ones, e.g. service_point_id, do not exist yet)
                row = {c.name: getattr(response, c.key) for c in table.columns
                       if c.name not in LATER and getattr(response, c.key) is not None}  # fmt: skip
                ids[key] = db.session.execute(insert(table).values(**row).returning(table.c.id)).scalar_one()
            for key, (_, comment, status) in cases.items():
                db.session.execute(
                    text("INSERT INTO feedback_items (response_id, unit_id, kind, status, created_at, due_at) "
                         "VALUES (:r, :u, :k, :s, :c, :d)"),
                    {"r": ids[key], "u": unit.id, "k": "comment" if comment else "low_score", "s": status,
                     "c": now.replace(tzinfo=None), "d": (now + timedelta(days=7)).replace(tzinfo=None)},
                )  # fmt: skip
            db.session.commit()
        finally:
            upgrade()
        kinds = dict(db.session.execute(text("SELECT response_id, kind FROM feedback_items")).all())
        assert kinds == {ids["low-and-comment"]: "low_score", ids["handled"]: "converted", ids["low-only"]: "low_score"}
        assert db.session.execute(text("SELECT count(*) FROM responses")).scalar() == 5  # every comment stays
        db.session.remove()
