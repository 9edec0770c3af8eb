"""The password rule: long enough and hard to guess, judged by zxcvbn, explained in Vietnamese.

zxcvbn estimates how many guesses a password takes from the patterns it is made of
(dictionary words, repeats, sequences, keyboard runs, dates). Its own advice is English,
so only its score and the pattern kinds are read here; the message is ours.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 10
#: zxcvbn's score 0–4; 3 is "safely unguessable: moderate protection from offline slow-hash attacks"
MIN_SCORE = 3
#: zxcvbn looks at 72 characters at most by default; a longer one is not weaker for it
MAX_CHECKED_LENGTH = 72
#: words any guesser tries first on a Vietnamese office's system
LOCAL_WORDS = ("matkhau", "mat-khau", "mat khau", "sipas", "khaosat", "khao-sat", "motcua", "mot-cua", "ubnd",
               "quantri", "admin", "vanphong", "canbo", "hailong")  # fmt: skip

#: zxcvbn pattern kind → what to avoid, in plain Vietnamese
_HINTS = {
    "repeat": "tránh lặp lại ký tự hay cụm ký tự (như 1111 hoặc abcabc)",
    "sequence": "tránh dãy liên tiếp (như 123456 hoặc abcdef)",
    "spatial": "tránh dãy phím liền nhau trên bàn phím (như qwerty)",
    "date": "tránh ngày tháng năm",
    "dictionary": "tránh từ thông dụng, tên người, tên đăng nhập hay tên cơ quan",
}


def password_problem(password: str, *, related: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` is refused, in Vietnamese; None when it is good enough.

    ``related`` are words of the account itself (username, display name): a password made of
    them is as weak as a dictionary word.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    result = zxcvbn(password[:MAX_CHECKED_LENGTH], user_inputs=[*LOCAL_WORDS, *(w for w in related if w)])
    if result["score"] >= MIN_SCORE:
        return None
    kinds = [m["pattern"] for m in result["sequence"] if m["pattern"] in _HINTS]
    hints = "; ".join(dict.fromkeys(_HINTS[k] for k in kinds)) or "dùng một câu ngắn dễ nhớ gồm nhiều từ"
    return f"Mật khẩu quá dễ đoán ({hints}). Xin chọn mật khẩu dài hơn, gồm vài từ ít gặp ghép với số hoặc ký hiệu."
