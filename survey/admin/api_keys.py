"""Keys of connected systems (admin only): create one (shown once), see their use, revoke."""

from __future__ import annotations

from flask import make_response, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import InputRequired, Length

from survey.admin import bp
from survey.admin.actions import act, admin_only
from survey.admin.filters import unit_options
from survey.extensions import db
from survey.forms import Form, choices
from survey.models import ApiCall, ApiKey, Unit
from survey.models.api import SCOPE_NAMES, SCOPES
from survey.services import api_keys, audit


class KeyForm(Form):
    name = StringField("Tên hệ thống kết nối", validators=[InputRequired("Xin nhập tên hệ thống."), Length(max=200)])
    units = SelectMultipleField("Đơn vị (cả đơn vị trực thuộc); không chọn: mọi đơn vị")
    # no InputRequired: it would mark every checkbox required in HTML; the service refuses an empty set
    scopes = SelectMultipleField("Quyền", widget=widgets.ListWidget(prefix_label=False),
                                 option_widget=widgets.CheckboxInput())  # fmt: skip


def _form(blank: bool = False) -> KeyForm:
    form = KeyForm(formdata=None) if blank else KeyForm()
    form.units.choices = choices(unit_options(current_user))
    form.scopes.choices = choices((s, SCOPE_NAMES[s]) for s in SCOPES)
    return form


def _page(form: KeyForm, secret: str | None = None, created: ApiKey | None = None):
    keys = db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())).all()
    calls = dict(db.session.execute(select(ApiCall.api_key_id, func.count()).group_by(ApiCall.api_key_id)).all())
    return render_template("admin/api_keys.html", keys=keys, calls=calls, form=form, secret=secret, created=created,
                           scope_names=SCOPE_NAMES)  # fmt: skip


@bp.get("/khoa-api")
@admin_only
def api_keys_page():
    form = _form()
    form.scopes.data = list(SCOPES)
    return _page(form)


@bp.post("/khoa-api")
@admin_only
def api_key_create():
    form = _form()

    def create():
        units = list(db.session.scalars(select(Unit).where(Unit.code.in_(form.units.data or []))))
        key, secret = api_keys.create_key(form.name.data, units, form.scopes.data, created_by=current_user)
        audit.record(current_user, f"Tạo khoá API “{key.name}”")
        # shown in this answer only (never flashed: the session cookie is signed, not secret)
        blank = _form(blank=True)
        blank.scopes.data = list(SCOPES)
        return make_response(_page(blank, secret=secret, created=key))

    return act(create, url_for("admin.api_keys_page"), form=form, again=lambda: (_page(form), 422))


@bp.post("/khoa-api/<int:key_id>/thu-hoi")
@admin_only
def api_key_revoke(key_id: int):
    key = db.get_or_404(ApiKey, key_id)

    def revoke() -> str:
        api_keys.revoke(key)
        audit.record(current_user, f"Thu hồi khoá API “{key.name}”")
        return f"Đã thu hồi khoá “{key.name}”: hệ thống dùng khoá này sẽ bị từ chối từ bây giờ."

    return act(revoke, url_for("admin.api_keys_page"))
