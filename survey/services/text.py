"""The one cleaning of text that comes in, whatever the way: the form, the import, office pages, the API.

What is removed and why:

- control characters but tab, line feed and carriage return (NUL is refused by PostgreSQL;
  the others by XML, so by every DOCX and XLSX export);
- surrogates and noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …): not text, and XML-illegal;
- format characters (Unicode category Cf): bidi overrides (``\\u202Egnp.exe`` shows as
  "exe.png"), zero-width spaces and joiners, the BOM, soft hyphens — invisible, so a
  comment of them would look empty and still open a feedback item.

The result is NFC (Vietnamese precomposed), stripped, and None when nothing is left.

Beside it, the one order of names shown to people: :func:`vietnamese_key`. The database orders by
code point or by its server's collation (so "Đ", U+0110, comes after "Z", and SQLite and PostgreSQL
disagree); Python's ``sorted()`` on ``str`` does the same. Lists of names are sorted in Python with
this key instead, on every database alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TypeVar

T = TypeVar("T")

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


# The order of names: a Vietnamese dictionary's. Source: Vũ Xuân Lương (Trung tâm Từ điển học, Vietlex),
# "Quy tắc sắp xếp đơn vị từ vựng trong từ điển tiếng Việt" (the order of the Hoàng Phê dictionary):
#   1. letters a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z;
#   2. tones: none, huyền, hỏi, ngã, sắc, nặng;
#   3. left to right, a shorter block before a longer one it begins ("cha" before "chan"), lower case
#      before upper case;
#   4. letters before tones: within a syllable the letters decide whatever the tones ("ang" before
#      "anh"), the tone only when the letters are the same; a name of several syllables goes syllable
#      by syllable (so every "Ba …" comes before every "Bà …", as in the dictionary).

#: the alphabet in order (f j w z are not Vietnamese letters, but occur in names; they sit where Latin has them)
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
#: each letter of the alphabet → a character that sorts in its place (code points 0x10…0x30, below every letter:
#: a letter outside the alphabet keeps its own code point, so it comes after z)
_COLLATE = str.maketrans({letter: chr(0x10 + rank) for rank, letter in enumerate(_ALPHABET)})
#: the combining tone marks (NFD) in dictionary order; no mark (thanh ngang) is 0
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_TONE = re.compile("[" + "".join(_TONE_RANK) + "]")
#: the combining marks left out of a syllable's letters: all but breve (ă), circumflex (â ê ô) and horn (ơ ư),
#: which make letters of their own (so the tones, read apart, and marks such as ü's, sorted as u)
_NOT_SHAPE = {cp: None for cp in range(0x300, 0x370) if chr(cp) not in "\u0306\u0302\u031b"}
#: a syllable (letters with their combining marks, in NFD) or a number
_TOKEN = re.compile(r"\d+|(?:[^\W\d_][\u0300-\u036f]*)+")


@functools.lru_cache(maxsize=16384)
def vietnamese_key(text: str | None) -> tuple:
    """The sort key of a name in Vietnamese dictionary order, on any database: ``sorted(names, key=vietnamese_key)``.

    Syllable by syllable: its letters in the alphabet's order first, then its tone (none, huyền, hỏi,
    ngã, sắc, nặng); a number counts by its value ("số 2" before "số 10") and comes before words;
    spaces and punctuation only separate. Case decides only between names otherwise alike (lower case
    first), and the text itself last, so the order is total. NFC or NFD input sorts the same. Cached:
    the same unit names are sorted on every office page.

    >>> sorted(["Xã Vạn Tường", "Đặc khu Lý Sơn", "Xã Đông Sơn", "Phường Cẩm Thành", "Xã Bình Sơn"],
    ...        key=vietnamese_key)
    ['Đặc khu Lý Sơn', 'Phường Cẩm Thành', 'Xã Bình Sơn', 'Xã Đông Sơn', 'Xã Vạn Tường']
    >>> sorted(["bá", "ba", "bạ", "bà", "bã", "bả"], key=vietnamese_key)
    ['ba', 'bà', 'bả', 'bã', 'bá', 'bạ']
    >>> sorted(["Tư pháp", "Tuyên truyền", "Tài nguyên"], key=vietnamese_key)
    ['Tài nguyên', 'Tuyên truyền', 'Tư pháp']
    """
    # The first level is one string (compared in C): each syllable's letters (collated), then "\x00" (below
    # every letter: a syllable before a longer one it begins) and its tone (\x01 none … \x06 nặng), so its
    # tone counts before the next syllable; a number is \x07 (before every letter), its length, its digits.
    text = unicodedata.normalize("NFC", text or "")
    parts = []
    for token in _TOKEN.findall(unicodedata.normalize("NFD", text)):
        if token[0].isdigit():
            digits = "".join(str(unicodedata.digit(ch)) for ch in token).lstrip("0")
            parts.append(f"\x07{chr(0x10 + len(digits))}{digits}\x00\x01")
            continue
        tone = max((_TONE_RANK[m] for m in _TONE.findall(token)), default=0)
        letters = unicodedata.normalize("NFC", token.translate(_NOT_SHAPE)).lower().translate(_COLLATE)
        parts.append(f"{letters}\x00{chr(1 + tone)}")
    return "".join(parts), tuple(map(str.isupper, text)), text


def by_name(items: Iterable[T], name: Callable[[T], str | None] = attrgetter("name")) -> list[T]:
    """``items`` in Vietnamese order of their names (``name(item)``, by default ``item.name``): what a list
    shown to people uses instead of the database's ``ORDER BY name``."""
    return sorted(items, key=lambda item: vietnamese_key(name(item)))
