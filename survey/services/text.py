"""Cleaning text that people type."""

from __future__ import annotations

import re
import unicodedata

#: refuses NUL in text outright
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None) -> str | None:
    """NFC-normalised, stripped text without control characters; None when empty."""
    if text is None:
        return None
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    return text or None
