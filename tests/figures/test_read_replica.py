"""DATABASE_READ_URL: the figures are read from the replica when one is set, from the primary otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from survey import create_app, queries
from survey.extensions import db as _db
from survey.models import Field, Unit
from survey.services.responses import Ballot, build_response


@pytest.fixture
def replica_url(database_url, tmp_path):
    """A second, migrated database standing in for a hot standby (its own file, or its own PG database)."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "replica.sqlite")
        return
    url = make_url(database_url)
    name = f"{url.database}_replica"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _app(primary: str, tmp_path, read: str | None = None):
    config = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": primary}
    if read:
        config["DATABASE_READ_URL"] = read
    app = create_app(config)
    app.instance_path = str(tmp_path)
    return app


def test_figures_come_from_the_replica_when_one_is_set(app, db, database_url, replica_url, tmp_path):
    standby = _app(replica_url, tmp_path)
    with standby.app_context():
        upgrade()
        unit = Unit(code="X-R", name="UBND xã Dự Phòng", kind="commune")
        field = Field(code="HT", name="Hộ tịch")
        _db.session.add_all([unit, field])
        _db.session.flush()
        for i in range(3):
            _db.session.add(build_response(Ballot(
                key=f"replica-{i}-xxxxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id, field_id=field.id,
                answers={"A1": 5}, submitted_at=datetime(2026, 10, 5, 3, tzinfo=UTC))))  # fmt: skip
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    scope = queries.Scope(start_month=202610, end_month=202610)
    reading = _app(database_url, tmp_path, read=replica_url)
    with reading.app_context():
        # three ballots in the replica, none in the primary: what is read is the replica's
        assert queries.responses_per_group(scope)["n_responses"].tolist() == [3]
        assert queries.frames(scope).n_responses["n_responses"].tolist() == [3]
        _db.session.remove()
        reading.extensions["sipas.read_engine"].dispose()
        _db.engine.dispose()
    primary_only = _app(database_url, tmp_path)
    with primary_only.app_context():
        assert queries.responses_per_group(scope)["n_responses"].tolist() == [0]
        _db.session.remove()
        _db.engine.dispose()
