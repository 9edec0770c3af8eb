"""One definition of a question: the profile files. The form, the template, the columns, the CHECK
ranges and the answer packing of the query layer are derived from them or fail here on any difference."""

from __future__ import annotations

import json
import re
from importlib import resources

from analysis.profile import all_question_codes, load_profile, profile_codes, respondent_questions
from survey import scan
from survey.models import Response
from survey.models.responses import (
    ANSWER_CODES,
    EXPECTATION_CODES,
    PERCEPTION_CODES,
    RESPONDENT_FIELDS,
    SATISFACTION_CODES,
    answer_column,
)
from survey.public.forms import form_class


def _union(attribute: str) -> set[str]:
    return {c for p in profile_codes() for c in getattr(load_profile(p), attribute)}


def test_the_answer_columns_are_the_profiles_questions():
    # ANSWER_CODES keeps its order (the burst digest hashes answers in it); its content is the profiles'
    assert set(ANSWER_CODES) == set(all_question_codes()) and len(ANSWER_CODES) == len(set(ANSWER_CODES))
    assert set(SATISFACTION_CODES) == _union("satisfaction_codes")
    assert set(PERCEPTION_CODES) == _union("perception_codes")
    assert set(EXPECTATION_CODES) == _union("expectation_codes")


def _check_ranges() -> dict[str, tuple[int, int]]:
    found = {}
    for constraint in Response.__table__.constraints:
        match = re.fullmatch(r"(\w+) BETWEEN (\d+) AND (\d+)", str(getattr(constraint, "sqltext", "")))
        if match:
            found[match[1]] = (int(match[2]), int(match[3]))
    return found


def test_check_ranges_hold_every_allowed_answer_and_nothing_more():
    ranges = _check_ranges()
    for code in profile_codes():
        profile = load_profile(code)
        for q in profile.question_codes:
            low, high = ranges[answer_column(q)]
            assert set(profile.allowed_values(q)) <= set(range(low, high + 1)), q
    # hand-read from the JSON files: satisfaction 0 (not applicable) to 5, perception 1–3, expectations 1–4
    assert ranges["a1"] == (0, 5) and ranges["s0"] == (0, 5) and ranges["p2"] == (1, 3) and ranges["x10"] == (1, 4)


def test_respondent_columns_follow_respondent_json():
    raw = json.loads(resources.files("analysis.profiles").joinpath("respondent.json").read_text("utf-8"))
    from_file = {item["code"]: sorted(int(k) for k in item["options"]) for item in raw["items"]}
    assert {code: list(range(1, high + 1)) for code, high in RESPONDENT_FIELDS.items()} == from_file
    ranges = _check_ranges()
    assert all(ranges[code] == (1, high) for code, high in RESPONDENT_FIELDS.items())
    assert RESPONDENT_FIELDS["occupation"] == 7 and RESPONDENT_FIELDS["ethnicity"] == 2  # as printed in the file


def test_form_offers_exactly_the_allowed_answers(app):
    for code in profile_codes():
        profile = load_profile(code)
        with app.test_request_context():
            form = form_class(code)(meta={"csrf": False})
            for q in profile.question_codes:
                offered = {int(choice.value) for choice in form[f"q_{q}"].choices}
                assert offered == set(profile.allowed_values(q)), q
            for item in respondent_questions():
                assert {int(choice.value) for choice in form[f"r_{item.code}"].choices} == set(item.values)


def test_the_blank_page_shows_every_allowed_answer(app):
    from survey.public.rendering import blank_questions

    profile = load_profile("sipas-2024")
    with app.test_request_context():
        html = str(blank_questions(profile))
    for q in profile.question_codes:
        for value in profile.allowed_values(q):
            assert f'name="q_{q}" type="radio" value="{value}"' in html or re.search(
                rf'name="q_{q}"[^>]*value="{value}"', html
            ), (q, value)


def test_every_allowed_answer_fits_the_query_packing():
    # an answer and "blank" must both fit BITS bits, distinct; a word of PER_WORD answers fits a signed 64-bit integer
    for code in profile_codes():
        profile = load_profile(code)
        for q in profile.question_codes:
            assert all(0 <= v < scan.BLANK for v in profile.allowed_values(q)), q
    assert scan.BLANK == 2**scan.BITS - 1
    assert scan.BITS * scan.PER_WORD <= 63
