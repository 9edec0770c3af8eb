"""Dashboard pages: one URL per view, the filters in the query string."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from survey.admin import bp, filters, views_data
from survey.admin.table_html import data_table
from survey.figures import labels

PATHS = {"overview": "/", "fields": "/linh-vuc", "units": "/don-vi", "trend": "/xu-huong", "items": "/tieu-chi",
         "expectations": "/mong-doi", "comments": "/y-kien"}  # fmt: skip


def render_view(name: str):
    f = filters.parse(request.args, current_user)
    view = views_data.VIEWS[name](f)
    return render_template(
        "admin/dashboard.html",
        view=view,
        f=f,
        views=views_data.TITLES,
        unit_options=filters.unit_options(current_user),
        field_options=filters.field_options(),
        channels=list(labels.CHANNELS.items()),
        dossiers=list(labels.DOSSIER_TIMELINESS.items()),
        profiles=labels.profiles(),
        period_kinds=labels.PERIOD_KINDS,
        period_form=filters.period_form(f.period),
        all_units=labels.ALL_UNITS,
        data_table=data_table,
    )


def _register(name: str, path: str) -> None:
    bp.add_url_rule(path, name, lambda: render_view(name))


for _name, _path in PATHS.items():
    _register(_name, _path)
