"""The office fixtures (a small district, its accounts) for the service point pages."""

from tests.admin.conftest import login, world  # noqa: F401
