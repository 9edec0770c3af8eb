"""The one masking of personal data in what citizens write, for every page, export, report and the API.

A comment is kept as written in the database (the office may need it to answer); what
is shown or exported goes through :func:`mask_personal`, which hides:

- e-mail addresses, also written around filters: ``x (at) gmail.com``, ``x [at] gmail [dot] com``;
- phone, ID and dossier numbers: any run of 7 or more digits with spaces, dots, dashes or
  brackets inside (``(0905)123456``, ``+84 905 123 456``, the 12 digits of a CCCD), also when
  split by invisible characters, and passport-like codes (``C1234567``);
- names: after a form of address (``chị Nguyễn Thị Lan``, ``Ông NGUYỄN VĂN AN``,
  ``anh nguyễn văn an``) or an introduction (``tôi là …``, ``tên …``), and a bare full name
  with a middle name (``Nguyễn Văn An``).

It errs on the side of hiding: a date written ``12.10.2026`` is hidden too.
"""

from __future__ import annotations

import re

from survey.services.text import clean_text

#: what replaces a detail that could identify a person
HIDDEN = "[đã ẩn]"

_AT = r"(?:@|\s*[(\[{]\s*(?:at|a còng)\s*[)\]}]\s*)"
_DOT = r"(?:\.|\s*[(\[{]\s*(?:dot|chấm)\s*[)\]}]\s*)"
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
#: a run of digits with the separators people type inside phone and ID numbers
_NUMBER = re.compile(r"\+?\(?\d[\d\s().\-]*\d\)?")
_MIN_DIGITS = 7
#: passport (C1234567), and other letters-then-digits identity codes
_CODE = re.compile(r"(?<!\w)[A-Za-z]{1,2}\d{6,}(?!\w)")

#: forms of address and introductions after which a name follows
_ADDRESS = re.compile(
    r"(?<!\w)(?:anh|chị|ông|bà|cô|chú|bác|em|cậu|dì|thím|đồng chí|cán bộ|công chức|"
    r"tôi là|tên tôi là|tôi tên|tên là|họ tên|họ và tên|tên)\s+",
    re.IGNORECASE,
)
#: capitalised words after a form of address that are not names
_NOT_NAMES = ("Bộ phận", "Một cửa", "UBND", "Ủy ban", "Uỷ ban", "Phòng", "Văn phòng", "Trưởng", "Phó", "Chủ tịch")
_WORD = re.compile(r"[ \t]*([^\W\d_]+)")
#: Vietnamese family names, the first word of a full name
SURNAMES = frozenset(("nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi",
    "đỗ", "hồ", "ngô", "dương", "lý", "đinh", "trương", "lâm", "mai", "đoàn", "trịnh", "đào", "cao", "lương",
    "hà", "tạ", "quách", "chu", "tô", "thái", "kiều", "lưu", "châu", "tăng", "hứa", "triệu", "nông", "lò",
    "vương", "la", "phùng", "giang", "đàm", "lại", "thân", "từ", "mạc", "khổng", "tống", "lục", "doãn", "diệp"))  # fmt: skip
#: middle names that make two or three capitalised words a person's full name
MIDDLE_NAMES = frozenset(("văn", "thị", "hữu", "đức", "minh", "ngọc", "thanh", "quốc", "xuân", "công", "đình",
    "kim", "thu", "gia", "bảo", "trọng", "quang", "duy", "mạnh"))  # fmt: skip
#: words that end a lower-case name ("anh nguyễn văn an rất nhiệt tình")
_NOT_NAME_WORDS = frozenset(("rất", "đã", "đang", "sẽ", "làm", "là", "và", "có", "không", "được", "thì", "mà",
    "nhưng", "nhiệt", "hướng", "giải", "tiếp", "hỗ", "giúp", "bị", "cho", "ở", "tại", "khi", "với", "cũng",
    "vẫn", "hay", "nên", "phải", "đến", "đi", "về", "ra", "vào", "trả", "nhận", "hẹn", "chậm", "nhanh", "tốt"))  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+")


def _titled(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower() or word.isupper())


def _name_end(text: str, start: int) -> int | None:
    """Where a name starting at ``start`` ends (up to four words), or None when no name starts there."""
    first = _WORD.match(text, start)
    if first is None:
        return None
    lower = not _titled(first.group(1))
    if lower and first.group(1).lower() not in SURNAMES:
        return None
    end, cursor = first.end(), first.end()
    for _ in range(3):
        word = _WORD.match(text, cursor)
        if word is None:
            break
        w = word.group(1)
        if (lower and (w.lower() in _NOT_NAME_WORDS or not w.islower())) or (not lower and not _titled(w)):
            break
        end = cursor = word.end()
    return end


def _hide_addressed_names(text: str) -> str:
    out, pos = [], 0
    for match in _ADDRESS.finditer(text):
        if match.start() < pos or text.startswith(_NOT_NAMES, match.end()):
            continue
        end = _name_end(text, match.end())
        if end is not None:
            out.append(text[pos : match.end()] + HIDDEN)
            pos = end
    out.append(text[pos:])
    return "".join(out)


def _hide_bare_names(text: str) -> str:
    """Runs of 3–4 capitalised words, separated by one space, that read surname + middle name + name."""
    out, pos = [], 0
    words = list(_TOKEN.finditer(text))
    i = 0
    while i < len(words):
        run = [words[i]]
        while (len(run) < 4 and i + len(run) < len(words) and _titled(run[-1].group(0))
               and text[run[-1].end() : words[i + len(run)].start()] == " "):  # fmt: skip
            run.append(words[i + len(run)])
        while run and not _titled(run[-1].group(0)):
            run.pop()
        names = [w.group(0) for w in run]
        if len(names) >= 3 and names[0].lower() in SURNAMES and names[1].lower() in MIDDLE_NAMES:
            out.append(text[pos : run[0].start()] + HIDDEN)
            pos = run[-1].end()
            i += len(run)
        else:
            i += 1
    out.append(text[pos:])
    return "".join(out)


def _hide_numbers(text: str) -> str:
    def replace(match: re.Match) -> str:
        found = match.group(0)
        return HIDDEN if sum(ch.isdigit() for ch in found) >= _MIN_DIGITS else found

    return _NUMBER.sub(replace, text)


def mask_personal(text: str | None) -> str:
    """``text`` with e-mails, phone and ID numbers and people's names replaced by ``[đã ẩn]``.

    >>> mask_personal("Cảm ơn Ông NGUYỄN VĂN AN, gọi (0905)123456 hoặc an (at) gmail.com")
    'Cảm ơn Ông [đã ẩn], gọi [đã ẩn] hoặc [đã ẩn]'
    """
    out = clean_text(text) or ""  # NFC, and no zero-width character splitting a number or a name
    out = _EMAIL.sub(HIDDEN, out)
    out = _CODE.sub(HIDDEN, out)
    out = _hide_numbers(out)
    out = _hide_addressed_names(out)
    return _hide_bare_names(out)
