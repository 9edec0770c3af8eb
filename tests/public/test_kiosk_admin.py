"""The counters page makes, shows and revokes a counter's kiosk URL; demo-info prints it with the real port."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter, Unit
from tests.conftest import full_answers, hidden_fields


def test_counter_fields_subset_is_what_the_form_offers(app, client, make_unit, make_counter):
    from survey.models import Field
    from survey.services import counters as counter_service

    unit = make_unit(field_codes=("HT", "DD", "XD"))
    counter = make_counter(unit=unit)
    html = client.get(f"/s/{counter.token}").get_data(as_text=True)
    assert all(name in html for name in ("Hộ tịch", "Đất đai", "Xây dựng"))  # none chosen: all the unit's
    with app.app_context():
        fields = list(db.session.scalars(select(Field).where(Field.code.in_(("HT", "XD")))))
        counter_service.set_fields(db.session.get(Counter, counter.id), fields)
        db.session.commit()
    html = client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True)
    assert "Hộ tịch" in html and "Xây dựng" in html and "Đất đai" not in html
    # a field the counter does not offer is refused, nothing stored
    hidden = hidden_fields(html)
    refused = client.post(f"/s/{counter.token}", data={**hidden, **full_answers(), "field_code": "DD"})
    assert refused.status_code == 422
    # the receipt-code form offers the same fields
    with app.app_context():
        from survey.services import receipts

        code = receipts.issue(db.session.get(Counter, counter.id), 1)[0].code
        db.session.commit()
    html = client.get(f"/r/{code}").get_data(as_text=True)
    assert "Hộ tịch" in html and "Xây dựng" in html and "Đất đai" not in html


def test_demo_info_prints_survey_and_kiosk_urls_with_the_port(app, runner, make_unit, make_counter):
    unit = make_unit()
    make_counter(unit=unit)
    with app.app_context():
        db.session.get(Unit, unit.id).is_sample = True
        db.session.commit()
    result = runner.invoke(args=["demo-info", "--base-url", "http://127.0.0.1:5101"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5101/s/" in result.output and "http://127.0.0.1:5101/k/" in result.output
    with app.app_context():
        token = db.session.scalar(select(Counter.kiosk_token))
    assert f"/k/{token}" in result.output
