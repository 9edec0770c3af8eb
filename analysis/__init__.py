"""SIPAS satisfaction indices: pure pandas/scipy, no Flask or SQLAlchemy."""

from analysis.profile import DEFAULT_PROFILE, load_profile, profile_codes

__all__ = ["DEFAULT_PROFILE", "load_profile", "profile_codes"]
