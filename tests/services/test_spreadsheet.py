"""Formula neutralising (issue 16): the `;` list separator of a Vietnamese Excel too."""

from __future__ import annotations

import pytest

from survey.services.spreadsheet import neutralise, restore


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ('Phục vụ tốt;=HYPERLINK("http://x","bấm")', 'Phục vụ tốt;\'=HYPERLINK("http://x","bấm")'),
        ("tốt; -1 điểm; @A1", "tốt; '-1 điểm; '@A1"),
        ("-5;+3", "'-5;'+3"),
        ("Thủ tục nhanh; cán bộ tốt", "Thủ tục nhanh; cán bộ tốt"),
        ("", ""),
        (None, None),
    ],
)
def test_neutralise_and_restore(typed, written):
    assert neutralise(typed) == written
    assert restore(written) == typed


def test_no_piece_of_a_neutralised_text_starts_a_formula():
    text = neutralise("a;=1;  +2;@3;-4")
    assert not any(piece.lstrip(" ").startswith(("=", "+", "-", "@")) for piece in text.split(";"))
