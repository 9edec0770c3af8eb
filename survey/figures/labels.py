"""The one table of Vietnamese names: channels, rules, flags, elements, questionnaires, feedback figures.

No internal code (rule names, profile ids, flag codes) reaches an office page or a report:
every reader names things through this module.
"""

from __future__ import annotations

from analysis.indices import OVERALL_CODE
from analysis.profile import Profile, load_profile, profile_codes

#: how a ballot reached us (``Response.channel``)
CHANNELS = {"qr": "Quét mã QR", "paper": "Phiếu giấy", "kiosk": "Máy đánh giá tại quầy", "web": "Trang web"}

#: the aggregation rule, in one sentence (reports) and in a few words (dashboard notes)
RULES = {
    "mean_of_items": "chỉ số của mỗi yếu tố là trung bình cộng chỉ số các tiêu chí của yếu tố đó, "
    "và chỉ số SIPAS là trung bình cộng chỉ số của 5 yếu tố",
    "pooled": "chỉ số là tỷ lệ câu trả lời hài lòng trên tổng số câu trả lời hợp lệ, tính gộp mọi tiêu chí",
    "general_question": "chỉ số của mỗi yếu tố lấy theo câu hỏi đánh giá chung về yếu tố đó, và chỉ số SIPAS "
    "theo câu hỏi đánh giá chung về toàn bộ dịch vụ",
}
RULES_SHORT = {
    "mean_of_items": "trung bình cộng các tiêu chí",
    "pooled": "gộp mọi câu trả lời hợp lệ",
    "general_question": "theo câu hỏi đánh giá chung",
}

#: flags of a figure (``sipas_table``'s ``flag`` column)
FLAGS = {
    "small_sample": "Mẫu nhỏ (dưới {min_n} phiếu), không xếp hạng",
    "no_valid_answers": "Không có câu trả lời hợp lệ",
    "not_asked": "Không hỏi",
    #: a row counting shares of a former unit split among several new ones (survey.figures.boundaries)
    "estimated": "Ước tính (đơn vị cũ bị chia tách, phiếu chia theo tỷ lệ)",
}

#: why a ballot was left out of the indices (``Response.flags``); the order reports list them
EXCLUSION_REASONS = {
    "rate": "quá nhiều phiếu tại một quầy trong một phút",
    "device": "nhiều phiếu từ cùng một thiết bị",
    "burst": "nhiều phiếu giống hệt nhau liên tiếp tại một quầy",
    "hours": "gửi ngoài giờ làm việc",
    "review": "loại khi rà soát",
}

#: the feedback (phản ánh, kiến nghị) figures of :class:`survey.figures.derived.FeedbackSummary`
FEEDBACK = {
    "received": "Tiếp nhận",
    "answered": "Đã trả lời",
    "on_time": "Trả lời đúng hạn",
    "late": "Trả lời quá hạn",
    "share_on_time": "Tỷ lệ trả lời đúng hạn",
    "overdue": "Chưa trả lời, đã quá hạn",
    "open_in_time": "Chưa trả lời, còn hạn",
}

SIGNIFICANT = {True: "Có", False: "Không"}
OVERALL_NAME = "Chỉ số hài lòng chung (SIPAS)"


def channel(code: str) -> str:
    return CHANNELS.get(code, code)


def flags(text: object, min_n: int) -> str:
    """``small_sample;not_asked`` → the Vietnamese notes, joined by ``; ``."""
    if not isinstance(text, str) or not text:
        return ""
    return "; ".join(FLAGS.get(f, f).format(min_n=min_n) for f in text.split(";") if f)


def code_name(profile: Profile | str, code: str) -> str:
    """``SIPAS`` → the overall index; an element code → ``A. Tiếp cận dịch vụ``; an item → its wording."""
    profile = load_profile(profile) if isinstance(profile, str) else profile
    if code == OVERALL_CODE:
        return OVERALL_NAME
    for element in profile.elements:
        if element.code == code:
            return f"{element.code}. {element.name}"
    return profile.text_of(code)


def profile_name(code: str) -> str:
    """A questionnaire by its title (the id is an internal code)."""
    return load_profile(code).title


def profiles() -> list[tuple[str, str]]:
    """(id, title) of every shipped questionnaire, for a choice list."""
    return [(code, profile_name(code)) for code in profile_codes()]


def excluded_text(total: int, by_reason: dict[str, int]) -> str:
    """E.g. ``3 phiếu bị loại (nhiều phiếu từ cùng một thiết bị: 2; gửi ngoài giờ làm việc: 1)``."""
    from survey.figures.fmt import integer

    if total == 0:
        return "Không có phiếu nào bị loại"
    reasons = "; ".join(f"{EXCLUSION_REASONS[r]}: {integer(n)}" for r, n in by_reason.items() if n)
    return f"{integer(total)} phiếu bị loại ({reasons})" if reasons else f"{integer(total)} phiếu bị loại"


# ---- the office's overview: a change in words, its significance, units by scope -------------

#: whether a change is larger than chance: (mark, words, explanation shown on hover or tap)
SIGNIFICANCE = {
    True: ("●", "thay đổi rõ rệt",
           "Mức thay đổi lớn hơn dao động ngẫu nhiên do chỉ hỏi một phần người dân: có thể tin là chất lượng "
           "phục vụ đã thay đổi."),
    False: ("○", "chưa đủ để kết luận",
            "Mức thay đổi nằm trong dao động ngẫu nhiên do chỉ hỏi một phần người dân: chưa thể nói chất lượng "
            "phục vụ đã thay đổi."),
}  # fmt: skip


def change_words(change: object, decimals: int = 2) -> str:
    """A change in percentage points in words: ``2.114`` → ``tăng 2,11 điểm``; ``-0.5`` → ``giảm 0,50 điểm``.

    A change that rounds to zero is ``không đổi``; an undefined one (no figure to compare) is ``—``.
    """
    from survey.figures.fmt import DASH, defined, number, rounded

    if not defined(change):
        return DASH
    shown = rounded(float(change), decimals)  # type: ignore[arg-type]
    if shown == 0:
        return "không đổi"
    return f"{'tăng' if shown > 0 else 'giảm'} {number(abs(shown), decimals)} điểm"


#: the first word of a unit's name that says what kind of place it is ("UBND huyện …", "Xã …")
_PLACE_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "đặc khu")
_COUNCIL_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")
_ONE_STOP_PREFIXES = ("trung tâm", "bộ phận")


def unit_scope_name(name: str, *, alone: bool = False, has_children: bool = True) -> str:
    """The one name of a unit as a scope of figures, for filters, rankings, titles, exports and reports.

    A unit with units under it is two scopes: the unit with everything under it
    (``Toàn huyện Bình Sơn``) and its own counters only (``Bộ phận Một cửa của UBND huyện Bình Sơn``,
    or ``Trung tâm … (chỉ đơn vị này)`` for a unit that is itself a one-stop centre). A unit without
    units under it is one scope, named as it is.

    >>> unit_scope_name("UBND huyện Bình Sơn")
    'Toàn huyện Bình Sơn'
    >>> unit_scope_name("UBND huyện Bình Sơn", alone=True)
    'Bộ phận Một cửa của UBND huyện Bình Sơn'
    >>> unit_scope_name("Trung tâm Phục vụ hành chính công tỉnh", alone=True)
    'Trung tâm Phục vụ hành chính công tỉnh (chỉ đơn vị này)'
    >>> unit_scope_name("UBND xã Bình Chánh", has_children=False)
    'UBND xã Bình Chánh'
    """
    if not has_children:
        return name
    lower = name.casefold()
    if alone:
        if lower.startswith(_ONE_STOP_PREFIXES):
            return f"{name} (chỉ đơn vị này)"
        return f"Bộ phận Một cửa của {name}"
    place = name
    for prefix in _COUNCIL_PREFIXES:
        if lower.startswith(prefix):
            place = name[len(prefix) :]
            break
    if place.casefold().startswith(_PLACE_WORDS):
        word = next(w for w in _PLACE_WORDS if place.casefold().startswith(w))
        return f"Toàn {word}{place[len(word) :]}"
    return f"Toàn {name} (gồm các đơn vị trực thuộc)"


ALL_UNITS = "Tất cả đơn vị"


#: the kinds of period a filter offers (``Period.kind``), and the quarters by name
PERIOD_KINDS = {"month": "Tháng", "quarter": "Quý", "year": "Năm", "range": "Khoảng tháng"}
QUARTERS = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}


def period_label(key: str) -> str:
    """A stored period key (``2026-10``, ``2026-Q3``, ``2026``: ``Report.period``) as people read it:
    ``Tháng 10/2026``, ``Quý III/2026``, ``Năm 2026``; a key that names no period is shown as it is."""
    from survey.figures.periods import Period

    try:
        return Period.parse(key).label
    except ValueError:
        return key


#: the dossier filter (survey.queries.Scope.dossier): ballots answered through a dossier's receipt code
DOSSIER_TIMELINESS = {"on_time": "Đúng hạn", "late": "Trễ hạn"}
