"""What every form of the app shares: Vietnamese messages for WTForms' built-in checks.

WTForms ships no Vietnamese catalogue, so the few messages its fields and
validators produce by themselves are translated here.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import DateField
from wtforms.widgets import TextInput

MESSAGES = {
    "Not a valid choice.": "Lựa chọn không hợp lệ, xin vui lòng chọn lại.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ, xin vui lòng chọn lại.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Phải là một số nguyên.",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "This field is required.": "Xin vui lòng điền mục này.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ email không hợp lệ.",
    "The CSRF token is missing.": "Thiếu mã bảo mật của biểu mẫu.",
    "The CSRF token is invalid.": "Mã bảo mật của biểu mẫu không hợp lệ.",
    "The CSRF token has expired.": "Mã bảo mật của biểu mẫu đã hết hạn.",
    "The CSRF session token is missing.": "Phiên làm việc đã hết hạn.",
    "The CSRF tokens do not match.": "Mã bảo mật không khớp.",
}


class VietnameseTranslations:
    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Base form: Flask-WTF (CSRF) with Vietnamese built-in messages."""

    class Meta:
        def get_translations(self, form):
            return VietnameseTranslations()

        def wrap_formdata(self, form, formdata):
            # Only what a browser's form sends: Flask-WTF would also read uploaded file parts and a
            # JSON body (where `true` passes as 1 and an array breaks the form); no form here takes either.
            if formdata is _Auto:
                return (request.form or None) if request.method in ("POST", "PUT", "PATCH", "DELETE") else None
            return formdata


class DayField(DateField):
    """A day typed as dd/mm/yyyy, the way officials write it, whatever the browser's language.

    A text box rather than the browser's date picker, which shows mm/dd/yyyy in an English browser (07/01/2025
    read as 7 January for 1 July). yyyy-mm-dd is accepted too (links, bookmarks); a day is shown back as dd/mm/yyyy.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%d/%m/%Y", "%Y-%m-%d"])
        kwargs["render_kw"] = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                               "maxlength": 10, **(kwargs.get("render_kw") or {})}  # fmt: skip
        super().__init__(label, validators, **kwargs)


def choices(pairs) -> list:
    """(value, label) pairs as WTForms choices."""
    from wtforms import SelectChoice

    return [SelectChoice(str(value), label) for value, label in pairs]
