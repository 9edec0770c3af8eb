"""Method profiles: the questionnaire as data.

The JSON files in ``analysis/profiles/`` are the single definition of every
questionnaire. The survey form and the analysis both read them through this
module, so an item's code, wording and element are defined exactly once.
A profile that has been answered is never edited in place: a new version gets
a new file and a new code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

DEFAULT_PROFILE = "sipas-2024"

#: satisfaction answer that means "not applicable / no opinion"
NOT_APPLICABLE = 0


@dataclass(frozen=True)
class Item:
    code: str
    text: str


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    items: tuple[Item, ...]
    general: Item | None = None

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items)


@dataclass(frozen=True)
class ChoiceItem:
    code: str
    text: str
    options: tuple[tuple[int, str], ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(v for v, _ in self.options)


@dataclass(frozen=True)
class Profile:
    code: str
    title: str
    legal_basis: str
    scale: tuple[tuple[int, str], ...]
    not_applicable_label: str
    satisfied: frozenset[int]
    elements: tuple[Element, ...]
    overall_general: Item | None
    perception: tuple[ChoiceItem, ...]
    expectation_scale: tuple[tuple[int, str], ...]
    expected: frozenset[int]
    expectations: tuple[Item, ...]

    @cached_property
    def item_codes(self) -> tuple[str, ...]:
        """Satisfaction items that make up the element indices, in order."""
        return tuple(c for e in self.elements for c in e.item_codes)

    @cached_property
    def general_codes(self) -> tuple[str, ...]:
        """Optional "in general" questions (A0…E0, S0) on the satisfaction scale."""
        codes = [e.general.code for e in self.elements if e.general]
        if self.overall_general:
            codes.append(self.overall_general.code)
        return tuple(codes)

    @cached_property
    def satisfaction_codes(self) -> tuple[str, ...]:
        """Every question answered on the 0–5 satisfaction scale."""
        return self.item_codes + self.general_codes

    @cached_property
    def perception_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.perception)

    @cached_property
    def expectation_codes(self) -> tuple[str, ...]:
        return tuple(x.code for x in self.expectations)

    @cached_property
    def question_codes(self) -> tuple[str, ...]:
        """All question columns of the exchange format, in their CSV order."""
        return self.satisfaction_codes + self.perception_codes + self.expectation_codes

    def element_of(self, code: str) -> str:
        for e in self.elements:
            if code in e.item_codes or (e.general and e.general.code == code):
                return e.code
        raise KeyError(code)

    def allowed_values(self, code: str) -> tuple[int, ...]:
        """The integer answers a question accepts (blank is always allowed)."""
        if code in self.satisfaction_codes:
            return (NOT_APPLICABLE, *(v for v, _ in self.scale))
        for p in self.perception:
            if p.code == code:
                return p.values
        if code in self.expectation_codes:
            return tuple(v for v, _ in self.expectation_scale)
        raise KeyError(code)

    def text_of(self, code: str) -> str:
        for e in self.elements:
            for i in (*e.items, e.general):
                if i is not None and i.code == code:
                    return i.text
        for i in (self.overall_general, *self.perception, *self.expectations):
            if i is not None and i.code == code:
                return i.text
        raise KeyError(code)


def _options(mapping: dict[str, str]) -> tuple[tuple[int, str], ...]:
    return tuple(sorted((int(k), v) for k, v in mapping.items()))


def _item(data: dict | None) -> Item | None:
    return Item(data["code"], data["text"]) if data else None


def profile_codes() -> tuple[str, ...]:
    """Codes of every profile shipped with the package."""
    files = resources.files("analysis.profiles").iterdir()
    return tuple(sorted(f.name[:-5] for f in files if f.name.startswith("sipas-")))


@cache
def load_profile(code: str = DEFAULT_PROFILE) -> Profile:
    """Read one method profile by its code (e.g. ``"sipas-2024"``).

    Raises
    ------
    ValueError
        If no profile has that code.
    """
    if code not in profile_codes():
        raise ValueError(f"code: unknown profile {code!r}; known: {', '.join(profile_codes())}")
    raw = json.loads(resources.files("analysis.profiles").joinpath(f"{code}.json").read_text("utf-8"))
    expectations = raw.get("expectations") or {}
    return Profile(
        code=raw["code"],
        title=raw["title"],
        legal_basis=raw["legal_basis"],
        scale=_options(raw["scale"]["labels"]),
        not_applicable_label=raw["scale"]["not_applicable"]["label"],
        satisfied=frozenset(raw["scale"]["satisfied"]),
        elements=tuple(
            Element(
                code=e["code"],
                name=e["name"],
                items=tuple(Item(i["code"], i["text"]) for i in e["items"]),
                general=_item(e.get("general")),
            )
            for e in raw["elements"]
        ),
        overall_general=_item(raw.get("overall_general")),
        perception=tuple(
            ChoiceItem(p["code"], p["text"], _options(p["options"]))
            for p in (raw.get("perception") or {}).get("items", [])
        ),
        expectation_scale=_options(expectations.get("scale", {})),
        expected=frozenset(expectations.get("expected", [])),
        expectations=tuple(Item(x["code"], x["text"]) for x in expectations.get("items", [])),
    )


@cache
def respondent_questions() -> tuple[ChoiceItem, ...]:
    """The optional, non-identifying respondent profile (sex, age band, …)."""
    raw = json.loads(resources.files("analysis.profiles").joinpath("respondent.json").read_text("utf-8"))
    return tuple(ChoiceItem(i["code"], i["text"], _options(i["options"])) for i in raw["items"])


def all_question_codes() -> tuple[str, ...]:
    """Union of question codes over every shipped profile, in a stable order."""
    seen: dict[str, None] = {}
    for code in profile_codes():
        for q in load_profile(code).question_codes:
            seen.setdefault(q, None)
    return tuple(seen)


def answer_ranges() -> dict[str, tuple[int, int]]:
    """Lowest and highest allowed answer of every question over every shipped profile.

    What the response table's CHECK constraints are built from (``survey.models.responses``).

    >>> answer_ranges()["A1"], answer_ranges()["P1"], answer_ranges()["X1"]
    ((0, 5), (1, 3), (1, 4))
    """
    ranges: dict[str, tuple[int, int]] = {}
    for code in profile_codes():
        profile = load_profile(code)
        for q in profile.question_codes:
            values = profile.allowed_values(q)
            low, high = ranges.get(q, (min(values), max(values)))
            ranges[q] = (min(low, *values), max(high, *values))
    return ranges
