"""The small province before and after 1/7/2025 of tests/figures/test_boundaries.py, for the export tests."""

from tests.figures.test_boundaries import history  # noqa: F401
