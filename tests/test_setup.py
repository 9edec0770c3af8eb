"""The suite checks it runs where CI says it does, so a missing database never passes silently."""

import os

import pytest

from survey.extensions import db


def test_database_is_the_one_ci_expects(app):
    expected = os.environ.get("SIPAS_EXPECT_DIALECT")
    if not expected:
        pytest.skip("SIPAS_EXPECT_DIALECT is not set (only .ci/run sets it)")
    with app.app_context():
        assert db.engine.dialect.name == expected
