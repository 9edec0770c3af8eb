"""The one text-cleaning function (issue 16): what the probe slipped through, each case by hand."""

from __future__ import annotations

import pytest

from survey.services.text import clean_text


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
