"""Days on office forms are typed and shown as dd/mm/yyyy, whatever the browser's language.

The browser's own date box shows mm/dd/yyyy in an English browser, where 07/01/2025 reads as 7 January
for a merger on 1 July; the office's forms use a text box that reads day first.
"""

from __future__ import annotations

import re
from datetime import date

from survey.forms import DayField, Form
from tests.admin.conftest import csrf_from


class _DayForm(Form):
    class Meta:
        csrf = False

    day = DayField("Ngày")


def _read(app, text: str) -> tuple[date | None, list[str]]:
    with app.test_request_context(method="POST", data={"day": text}):
        form = _DayForm()
        form.validate()
        return form.day.data, list(form.day.errors)


def test_a_day_is_read_day_first_and_iso_is_accepted(app):
    assert _read(app, "01/07/2025") == (date(2025, 7, 1), [])
    assert _read(app, "07/01/2025") == (date(2025, 1, 7), [])  # 7 January, never 1 July
    assert _read(app, "2025-07-01") == (date(2025, 7, 1), [])
    assert _read(app, "31/02/2026") == (None, ["Ngày không hợp lệ (dd/mm/yyyy)."])
    assert _read(app, "07/13/2025")[1] == ["Ngày không hợp lệ (dd/mm/yyyy)."]  # month first is refused


def test_a_day_is_shown_back_day_first_in_a_text_box(app):
    with app.test_request_context():
        html = str(_DayForm(data={"day": date(2025, 7, 1)}).day())
    assert 'type="text"' in html and 'value="01/07/2025"' in html and 'placeholder="dd/mm/yyyy"' in html


def test_no_office_form_uses_the_browsers_date_box(app, client, world, login):
    login("quantri")
    for path in ("/admin/don-vi/sap-nhap", "/admin/phan-anh"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r'type="date"', page), path
    csrf_from(client, "/admin/don-vi/sap-nhap")  # the merger page renders for the admin
