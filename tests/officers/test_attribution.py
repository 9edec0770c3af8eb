"""Who served a response: placard, then receipt, then roster; each response records its source."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from survey.extensions import db
from survey.models import OfficerShift, Response
from survey.services import officers
from tests.api.conftest import assert_problem, bearer
from tests.conftest import full_answers, hidden_fields


def _roster(app, counter_id: int, *officer_ids: int, day: date | None = None) -> None:
    with app.app_context():
        for officer_id in officer_ids:
            db.session.add(
                OfficerShift(officer_id=officer_id, counter_id=counter_id, day=day or officers.vietnam_day())
            )
        db.session.commit()


def _answer(client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {**hidden_fields(html), **full_answers(value=5)}
    if 'name="field_code"' in html:
        data["field_code"] = "HT"
    sent = client.post(path, data=data)
    assert sent.status_code == 303, sent.get_data(as_text=True)[:400]


def _stored(app) -> list[tuple[int | None, str | None]]:
    with app.app_context():
        return [(r.officer_id, r.officer_source) for r in db.session.scalars(select(Response).order_by(Response.id))]


def test_placard_beats_the_roster(app, client, communes):
    _roster(app, communes.qa.id, communes.ids["A2"])  # the roster says A2 staffed the counter today
    _answer(client, f"/s/{communes.tokens['A1']}")  # but the citizen scanned A1's placard
    assert _stored(app) == [(communes.ids["A1"], "placard")]
    page = client.get(f"/s/{communes.tokens['A1']}").get_data(as_text=True)
    assert "Nguyễn Thị Lan" not in page and "CB-A1" not in page  # nothing names the officer to the citizen


def test_roster_names_the_only_officer_on_shift(app, client, communes):
    _roster(app, communes.qa.id, communes.ids["A2"])
    _answer(client, f"/s/{communes.qa.token}")
    assert _stored(app) == [(communes.ids["A2"], "roster")]


def test_two_officers_on_one_counter_or_none_leave_it_unattributed(app, client, communes):
    _answer(client, f"/s/{communes.qa.token}")  # nobody on the roster
    _roster(app, communes.qa.id, communes.ids["A1"], communes.ids["A2"])
    _answer(client, f"/s/{communes.qa.token}?moi=1")
    assert [o for o, _ in _stored(app)] == [None, None]
    assert [s for _, s in _stored(app)] == [None, None]


def test_receipt_beats_the_roster(app, client, communes, make_key):
    _roster(app, communes.qa.id, communes.ids["A2"])
    secret = make_key(communes.a)
    minted = client.post("/api/v1/receipts", headers=bearer(secret), json={
        "service_point": "T-A-Q1", "field": "HT", "dossier": "HS-0001", "officer_code": "cb-a1"})  # fmt: skip
    assert minted.status_code == 201, minted.get_json()
    _answer(client, f"/r/{minted.get_json()['code']}")
    assert _stored(app) == [(communes.ids["A1"], "receipt")]


def test_receipt_refuses_an_officer_of_another_unit(app, client, communes, make_key):
    secret = make_key(communes.top)  # a key that may act for both communes
    for code in ("CB-B1", "CB-KHONG-CO", "Nguyễn Thị Lan"):
        response = client.post("/api/v1/receipts", headers=bearer(secret), json={
            "service_point": "T-A-Q1", "field": "HT", "dossier": "HS-0002", "officer_code": code})  # fmt: skip
        body = assert_problem(response, 422)
        assert "officer_code" in body["errors"] or "Mã công chức" in body["detail"]
    with app.app_context():
        assert db.session.scalar(select(Response)) is None


def test_placard_of_an_officer_who_left_opens_nothing(app, client, communes):
    with app.app_context():
        officer = officers.by_code("CB-A1")
        officer.active_to = date(2026, 6, 30)
        db.session.commit()
    assert client.get(f"/s/{communes.tokens['A1']}").status_code == 404
