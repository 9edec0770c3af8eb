"""The migrations build the schema the models describe, from an empty database, and back."""

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import Field, Response


def _diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_models(app, db):
    with app.app_context():
        assert _diff(app) == []


def test_downgrade_to_empty_and_upgrade_again(app, db):
    with app.app_context():
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert {"units", "counters", "fields", "procedures", "responses"} <= set(inspect(db.engine).get_table_names())
        assert _diff(app) == []


def test_database_refuses_out_of_range_answers(app, db, make_counter):
    counter = make_counter()
    with app.app_context():
        field_id = db.session.scalar(select(Field.id).limit(1))
        stamp = datetime(2026, 1, 5, tzinfo=UTC)
        base = {"response_key": "k" * 20, "profile": "sipas-2024", "unit_id": counter.unit_id, "field_id": field_id,
                "channel": "qr", "period_month": 202601, "submitted_at": stamp, "received_at": stamp}  # fmt: skip
        for bad in ({"a1": 6}, {"a1": -1}, {"p1": 0}, {"x1": 5}, {"channel": "sms"}, {"sex": 9}):
            with pytest.raises(IntegrityError):
                db.session.execute(insert(Response).values(**{**base, **bad}))
            db.session.rollback()
        db.session.execute(insert(Response).values(**base))
        with pytest.raises(IntegrityError):
            db.session.execute(insert(Response).values(**base))  # the idempotency key is unique
        db.session.rollback()
