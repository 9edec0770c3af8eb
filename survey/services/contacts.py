"""A citizen's optional contact (phone or e-mail), left with consent to be answered about a complaint.

Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 (in force 1/1/2026): the contact is given for one
purpose, with an explicit consent, kept apart from the answers (``feedback_contacts``), shown only
to those who handle the item, and deleted ``CONTACT_RETENTION_DAYS`` after the item is closed
(:func:`survey.services.privacy.purge`). It is never exported, never in the exchange format nor
the API. Checking it is pure (no query), so the citizen's form costs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from survey.models import FeedbackItem, User
from survey.services.errors import InvalidSubmission
from survey.services.text import clean_text
from survey.services.users import can_see_unit

NO_CONSENT = ("Để cơ quan liên hệ trả lời, xin đánh dấu ô đồng ý cho sử dụng số điện thoại hoặc địa chỉ thư. "
              "Nếu không muốn, xin để trống hai ô liên hệ.")  # fmt: skip
BAD_PHONE = "Số điện thoại chưa đúng: xin ghi số di động hoặc cố định Việt Nam, ví dụ 0905 123 456."
BAD_EMAIL = "Địa chỉ thư điện tử chưa đúng, ví dụ: ten@gmail.com."
NEEDS_COMPLAINT = ("Để được trả lời, xin đánh dấu ô “Đây là phản ánh, kiến nghị” và ghi nội dung vào ô ý kiến.")  # fmt: skip
NEEDS_COMMENT = "Xin ghi nội dung phản ánh, kiến nghị vào ô ý kiến."


@dataclass(frozen=True)
class Contact:
    """A checked contact: the phone in E.164 (``+84905123456``), the e-mail normalised; one at least."""

    phone: str | None = None
    email: str | None = None


def parse_contact(phone: str | None, email: str | None, consent: bool) -> Contact | None:
    """The contact a citizen typed, or None when both boxes are empty; InvalidSubmission when it is wrong.

    >>> parse_contact("0905 123 456", "", True)
    Contact(phone='+84905123456', email=None)
    """
    phone, email = clean_text(phone) or None, clean_text(email) or None
    if phone is None and email is None:
        return None
    if not consent:
        raise InvalidSubmission(NO_CONSENT)
    if phone is not None:
        try:
            number = phonenumbers.parse(phone, "VN")
        except phonenumbers.NumberParseException:
            raise InvalidSubmission(BAD_PHONE) from None
        if not phonenumbers.is_valid_number(number):
            raise InvalidSubmission(BAD_PHONE)
        phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise InvalidSubmission(BAD_EMAIL) from None
    return Contact(phone, email)


def check_request(comment: str | None, complaint: bool, contact: Contact | None) -> None:
    """A complaint needs a comment; a contact needs a complaint (so that there is an item to answer)."""
    if contact is not None and not complaint:
        raise InvalidSubmission(NEEDS_COMPLAINT)
    if complaint and not (clean_text(comment) or ""):
        raise InvalidSubmission(NEEDS_COMMENT)


def may_see_contact(user: User, item: FeedbackItem) -> bool:
    """Those who handle the item: the office (reviewers, admins) and the officer it is assigned to."""
    if not can_see_unit(user, item.unit_id):
        return False
    return user.sees_all_units or item.assignee_id == user.id


def phone_shown(phone: str) -> str:
    """``+84905123456`` as a Vietnamese reads it: ``0905 123 456``."""
    number = phonenumbers.parse(phone, "VN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
