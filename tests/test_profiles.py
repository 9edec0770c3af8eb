"""The questionnaire is data: every shipped profile fits the response table and the method note."""

import pytest

from analysis.profile import all_question_codes, load_profile, profile_codes
from survey.models import Response
from survey.models.responses import ANSWER_CODES, answer_column


def test_every_question_of_every_profile_has_a_checked_column():
    assert set(all_question_codes()) <= set(ANSWER_CODES)
    for code in all_question_codes():
        assert answer_column(code) in Response.__table__.columns


@pytest.mark.parametrize(("code", "elements", "items"), [("sipas-2024", 5, 16), ("sipas-2017", 5, 22)])
def test_profiles_match_the_method(code, elements, items):
    profile = load_profile(code)
    assert len(profile.elements) == elements and len(profile.item_codes) == items
    assert [e.code for e in profile.elements] == ["A", "B", "C", "D", "E"]
    assert profile.satisfied == {4, 5}


def test_sipas_2017_has_the_22_criteria_split_4_5_6_3_4():
    assert [len(e.items) for e in load_profile("sipas-2017").elements] == [4, 5, 6, 3, 4]


def test_unknown_profile_is_refused():
    assert "sipas-2024" in profile_codes()
    with pytest.raises(ValueError, match="unknown profile"):
        load_profile("sipas-1999")


def test_shipped_profiles_are_never_edited_in_place():
    """Responses name the profile they were answered on, so a profile's text is frozen once shipped.

    To change a questionnaire, add a new file with a new code (e.g. sipas-2026.json) and
    record its hash here; never edit an existing one.
    """
    import hashlib
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    pinned = json.loads((root / "tests/data/profile_hashes.json").read_text(encoding="utf-8"))
    for path in sorted((root / "analysis/profiles").glob("*.json")):
        assert path.name in pinned, f"{path.name}: new profile, record its hash in tests/data/profile_hashes.json"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == pinned[path.name], (
            f"{path.name} was edited in place: add a new profile code instead"
        )
