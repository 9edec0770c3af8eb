"""The one cleaning of text that comes in, whatever the way: the form, the import, office pages, the API.

What is removed and why:

- control characters but tab, line feed and carriage return (NUL is refused by PostgreSQL;
  the others by XML, so by every DOCX and XLSX export);
- surrogates and noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …): not text, and XML-illegal;
- format characters (Unicode category Cf): bidi overrides (``\\u202Egnp.exe`` shows as
  "exe.png"), zero-width spaces and joiners, the BOM, soft hyphens — invisible, so a
  comment of them would look empty and still open a feedback item.

The result is NFC (Vietnamese precomposed), stripped, and None when nothing is left.
"""

from __future__ import annotations

import re
import unicodedata

#: C0 controls (but \t \n \r), DEL and C1 controls, surrogates, and the noncharacters
_ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def _visible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def clean_text(text: str | None, max_length: int | None = None) -> str | None:
    """NFC text without control, XML-illegal or invisible format characters; None when empty.

    ``max_length`` cuts what is left to that many characters (the form refuses longer text
    before this; the cut is the last guard of every other way in).
    """
    if text is None:
        return None
    text = _visible(_ILLEGAL.sub("", unicodedata.normalize("NFC", text))).strip()
    if max_length is not None:
        text = text[:max_length].rstrip()
    return text or None
