"""The office fixtures (a small district, its accounts) for the pages of units through time."""

from tests.admin.conftest import login, world  # noqa: F401
