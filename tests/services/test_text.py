"""The one text-cleaning function (issue 16): what the probe slipped through, each case by hand; and the one
order of names (Vietnamese dictionary order), every expected order written by hand from the alphabet
a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y and the tones none, huyền, hỏi, ngã, sắc, nặng
(Vũ Xuân Lương, Vietlex, "Quy tắc sắp xếp đơn vị từ vựng trong từ điển tiếng Việt")."""

from __future__ import annotations

import pytest

from survey.services.text import by_name, clean_text, vietnamese_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tốt\uffff lắm\ufffe", "Tốt lắm"),  # noncharacters: lxml refused them in the XLSX export
        ("a\U0010ffffb\ufdd0c", "abc"),  # noncharacters of the last plane and the U+FDD0 block
        ("hoadon\u202egnp.exe", "hoadongnp.exe"),  # right-to-left override: showed "exe.png"
        ("\u2066x\u2069\u200e\u200f\u061c", "x"),  # isolates and marks
        ("\u200b\u200c\u200d\u2060\ufeff", None),  # only invisible characters: nothing to keep, no feedback item
        ("09\u200b05\u00ad123", "0905123"),  # a number split by a zero-width space and a soft hyphen
        ("a\x00b\x07c\x1bd\x85e", "abcde"),  # C0 and C1 controls
        ("dòng 1\r\ndòng\t2", "dòng 1\r\ndòng\t2"),  # line breaks and tabs stay
        ("Nguye\u0302\u0303n", "Nguyễn"),  # NFD input → NFC (precomposed)
        ("   ", None),
        (None, None),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_caps_length_after_cleaning():
    assert clean_text("\u200b" * 5 + "á" * 1200, 1000) == "á" * 1000
    assert clean_text("ab  cd", 3) == "ab"


def _shuffled(items: list[str]) -> list[str]:
    """``items`` reversed with the halves swapped: not in order, so a sort that does nothing fails."""
    half = len(items) // 2
    return list(reversed(items[half:])) + list(reversed(items[:half]))


# Each list is written in the expected order.
ORDERS = {
    "the alphabet, upper and lower case alike": [
        "a",
        "Ă",
        "â",
        "B",
        "c",
        "D",
        "đ",
        "E",
        "ê",
        "g",
        "H",
        "i",
        "k",
        "L",
        "m",
        "N",
        "o",
        "Ô",
        "ơ",
        "p",
        "q",
        "r",
        "S",
        "t",
        "u",
        "Ư",
        "v",
        "X",
        "y",
    ],
    "the tones of each vowel: none, huyền, hỏi, ngã, sắc, nặng": [
        "a",
        "à",
        "ả",
        "ã",
        "á",
        "ạ",
        "ă",
        "ằ",
        "ẳ",
        "ẵ",
        "ắ",
        "ặ",
        "â",
        "ầ",
        "ẩ",
        "ẫ",
        "ấ",
        "ậ",
        "o",
        "ò",
        "ỏ",
        "õ",
        "ó",
        "ọ",
        "ô",
        "ồ",
        "ổ",
        "ỗ",
        "ố",
        "ộ",
        "ơ",
        "ờ",
        "ở",
        "ỡ",
        "ớ",
        "ợ",
        "u",
        "ù",
        "ủ",
        "ũ",
        "ú",
        "ụ",
        "ư",
        "ừ",
        "ử",
        "ữ",
        "ứ",
        "ự",
        "y",
        "ỳ",
        "ỷ",
        "ỹ",
        "ý",
        "ỵ",
    ],
    "Đ after D and before E (the database puts it after Z)": [
        "Xã Bình Sơn",
        "Xã Dung Quất",
        "Xã Duy Tân",
        "Xã Đông Sơn",
        "Xã Én",
        "Xã Vạn Tường",
        "Xã Zô",
    ],
    "Đặc khu before Phường before Xã": ["Đặc khu Lý Sơn", "Phường Cẩm Thành", "Xã Bình Sơn", "Xã Mộ Đức"],
    "the letters of a syllable before its tone": ["ác", "ách", "àng", "anh", "áo", "ạt"],
    "syllable by syllable: every Ba … before every Bà …": ["Ba", "Ba Chẽ", "Ba Tơ", "Bà", "Bà Rịa", "Bả Tơ"],
    "a shorter name before a longer one it begins": ["Bình", "Bình Sơn", "Bình Sơn Hạ", "cha", "chan"],
    "u before ư, o before ô before ơ, a before ă before â": [
        "An",
        "Ăn",
        "Ân",
        "Ông",
        "Ơn",
        "Tu",
        "Tuy An",
        "Tư Nghĩa",
        "Tư pháp",
        "Uy",
        "Ưu",
    ],
    "numbers by value, before words": ["Quầy 1", "Quầy 2", "Quầy 10", "Quầy A"],
    "lower case first only between names otherwise alike": ["bình", "Bình", "bình an", "Cà"],
}


@pytest.mark.parametrize("expected", ORDERS.values(), ids=ORDERS.keys())
def test_vietnamese_order(expected):
    assert sorted(_shuffled(expected), key=vietnamese_key) == expected


def test_decomposed_names_sort_as_precomposed():
    # NFD (as some keyboards and imports give): "Bình Sơn" with a combining grave and a combining horn
    decomposed = "Bi\u0300nh So\u031bn"
    assert vietnamese_key(decomposed) == vietnamese_key("Bình Sơn")
    assert sorted(["Bình Định", decomposed, "Bình An"], key=vietnamese_key) == ["Bình An", "Bình Định", decomposed]
    # ậ decomposes as a + dot below + circumflex (the dot first): still â with nặng, after ấ
    assert sorted(["ậ", "a\u0302\u0301", "a"], key=vietnamese_key) == ["a", "a\u0302\u0301", "ậ"]


def test_by_name_keeps_items_and_sorts_by_their_name():
    class Named:
        def __init__(self, name):
            self.name = name

    items = [Named("Xã Vạn Tường"), Named("Xã Đông Sơn"), Named(None), Named("Đặc khu Lý Sơn")]
    assert [i.name for i in by_name(items)] == [None, "Đặc khu Lý Sơn", "Xã Đông Sơn", "Xã Vạn Tường"]
    assert by_name(["Đông", "Dương"], str) == ["Dương", "Đông"]


def test_doctests():
    import doctest

    import survey.services.text

    assert doctest.testmod(survey.services.text).failed == 0
