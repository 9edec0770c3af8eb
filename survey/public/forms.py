"""The citizen's form, built from a method profile."""

from __future__ import annotations

from functools import cache

from flask import current_app
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from analysis.profile import Profile, load_profile, respondent_questions
from survey.forms import Form
from survey.services import contacts
from survey.services.errors import InvalidSubmission
from survey.services.text import clean_text

REQUIRED = "Xin vui lòng chọn một mức đánh giá cho câu này (hoặc “Không đánh giá”)."


def _nfc(value: str | None) -> str | None:
    # The same cleaning as storing does, so the length checked is the length stored.
    return (clean_text(value) or "") if isinstance(value, str) else value


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValueError(value)  # int() would also take "٣" (Arabic-Indic three) or " 3 "
    return int(value)


class BaseSurveyForm(Form):
    #: idempotency key issued with the form; one response per key (on a QR form, a signed ballot
    #: token: key.timestamp.signature, survey.services.ballot_tokens)
    key = HiddenField(
        validators=[InputRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}(\.[A-Za-z0-9_-]{4,12}\.[A-Za-z0-9_-]{20,64})?\Z")]
    )
    field_code = RadioField(
        "Ông/Bà vừa thực hiện thủ tục thuộc lĩnh vực nào?",
        validators=[InputRequired("Xin vui lòng chọn lĩnh vực thủ tục Ông/Bà vừa thực hiện.")],
    )
    procedure_code = SelectField("Thủ tục cụ thể (không bắt buộc)", validators=[Optional()])
    comment = TextAreaField(
        "Ý kiến góp ý khác (không bắt buộc)",
        filters=[_nfc],
        validators=[Optional(), Length(max=1000, message="Ý kiến quá dài: tối đa %(max)d ký tự.")],
    )
    # the complaint and contact block (templates/public/_complaint.html; survey.services.contacts)
    complaint = BooleanField("Đây là phản ánh, kiến nghị — tôi muốn được cơ quan xem xét")
    contact_phone = StringField("Số điện thoại", filters=[_nfc], validators=[Optional(), Length(max=30)])
    contact_email = StringField("Thư điện tử", filters=[_nfc], validators=[Optional(), Length(max=254)])
    contact_consent = BooleanField("Tôi đồng ý để cơ quan dùng số điện thoại hoặc thư điện tử này chỉ để trả lời "
                                   "phản ánh, kiến nghị của tôi; thông tin được xoá sau khi xử lý xong.")  # fmt: skip
    #: the checked contact, set by validate() (None: none left)
    contact: contacts.Contact | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # no query: a ballot without the block costs nothing more
        try:
            self.contact = contacts.parse_contact(self.contact_phone.data, self.contact_email.data,
                                                  bool(self.contact_consent.data))  # fmt: skip
            contacts.check_request(self.comment.data, bool(self.complaint.data), self.contact)
        except InvalidSubmission as exc:
            target = {contacts.NO_CONSENT: self.contact_consent, contacts.BAD_PHONE: self.contact_phone,
                      contacts.BAD_EMAIL: self.contact_email}.get(str(exc), self.complaint)  # fmt: skip
            target.errors = [*target.errors, str(exc)]
            self._errors = None  # form.errors is cached: read it again with this one
            self.contact = None
            return False
        return ok


def _satisfaction_field(profile: Profile, code: str, required: bool) -> RadioField:
    choices = [SelectChoice(str(v), label) for v, label in profile.scale]
    choices.append(SelectChoice("0", profile.not_applicable_label))
    validators = [InputRequired(REQUIRED)] if required else [Optional()]
    return RadioField(profile.text_of(code), choices=choices, coerce=_optional_int, validators=validators)


def _choice_field(text: str, options) -> RadioField:
    choices = [SelectChoice(str(v), label) for v, label in options]
    return RadioField(text, choices=choices, coerce=_optional_int, validators=[Optional()])


@cache
def form_class(profile_code: str) -> type[BaseSurveyForm]:
    """A form class with one field per question of the profile (built once per profile)."""
    profile = load_profile(profile_code)
    attrs: dict[str, object] = {}
    for code in profile.item_codes:
        attrs[f"q_{code}"] = _satisfaction_field(profile, code, required=True)
    for code in profile.general_codes:
        attrs[f"q_{code}"] = _satisfaction_field(profile, code, required=False)
    for item in profile.perception:
        attrs[f"q_{item.code}"] = _choice_field(item.text, item.options)
    for item in profile.expectations:
        attrs[f"q_{item.code}"] = _choice_field(item.text, profile.expectation_scale)
    for item in respondent_questions():
        attrs[f"r_{item.code}"] = _choice_field(item.text, item.options)
    return type(f"SurveyForm_{profile_code.replace('-', '_')}", (BaseSurveyForm,), attrs)


def make_form(profile_code: str, field_choices: list[tuple[str, str]] | None, procedures, *,
              with_questions: bool = True, csrf: bool = True) -> BaseSurveyForm:  # fmt: skip
    """The form for one counter: without the field question when the QR fixes the field.

    ``with_questions=False`` gives only the hidden fields, the field, procedure and comment
    (what a blank page renders besides the cached questions). ``csrf=False`` for the kiosk,
    whose token in the URL is its authority and whose queued ballots outlive any session.
    """
    form = (form_class(profile_code) if with_questions else BaseSurveyForm)(meta={"csrf": csrf})
    form.comment.validators[1].max = current_app.config["COMMENT_MAX_LENGTH"]
    if field_choices is None:
        del form.field_code
    else:
        form.field_code.choices = [SelectChoice(code, name) for code, name in field_choices]
    if procedures:
        form.procedure_code.choices = [SelectChoice("", "— Không chọn —")]
        form.procedure_code.choices += [SelectChoice(p.code, p.name) for p in procedures]
    else:
        del form.procedure_code
    return form


def answers_from(form: BaseSurveyForm, profile: Profile) -> dict[str, int | None]:
    return {code: form[f"q_{code}"].data for code in profile.question_codes}


def respondent_from(form: BaseSurveyForm) -> dict[str, int | None]:
    return {item.code: form[f"r_{item.code}"].data for item in respondent_questions()}
