"""POST /api/v1/receipts: one code per dossier, only for the key's units, answered once."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from survey.extensions import db
from survey.models import ApiKey, Response
from survey.services import api_keys
from tests.api.conftest import assert_problem, bearer, calls_logged, receipts_stored
from tests.conftest import full_answers, hidden_fields

DOSSIER = "000.00.21.H55-261125-0001"


def mint(client, secret, **body):
    payload = {"service_point": "21040-Q2", "field": "HT", "dossier": DOSSIER, **body}
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post("/api/v1/receipts", json=payload, headers=bearer(secret))


def test_same_dossier_twice_gets_one_code(app, client, district, make_key):
    secret = make_key(district.a)
    first = mint(client, secret, late=True, outcome="returned")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["created"] is True and len(body["code"]) == 8
    assert body["url"] == f"https://khaosat.example.vn/r/{body['code']}"
    assert body["display"] == f"{body['code'][:4]}-{body['code'][4:]}"
    assert body["qr_svg"].startswith("<svg") or "<svg" in body["qr_svg"][:200]
    assert body["unit"] == {"code": "21040", "name": "UBND thị trấn Châu Ổ"}
    assert body["field"] == {"code": "HT", "name": "Hộ tịch"}
    # sent again, spaced and in lower case as a clerk might type it, by unit instead of counter
    again = mint(client, secret, dossier=" 000.00.21.h55-261125-0001 ", service_point=None, unit="21040")
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["code"] == body["code"] and again.get_json()["created"] is False
    rows = receipts_stored(app)
    assert len(rows) == 1
    assert (rows[0].is_late, rows[0].outcome) == (True, "returned")


def test_dossier_reference_is_never_stored_in_clear(app, client, district, make_key):
    secret = make_key(district.a)
    assert mint(client, secret).status_code == 201
    with app.app_context():
        # every text cell of the receipt table: no trace of the reference, only a 64-hex hash
        rows = db.session.execute(text("SELECT * FROM receipt_codes")).all()
    cells = [str(v) for row in rows for v in row if v is not None]
    assert not any("261125" in c for c in cells)
    assert rows[0]._mapping["dossier_hash"] != DOSSIER and len(rows[0]._mapping["dossier_hash"]) == 64


def test_key_of_commune_a_cannot_mint_for_commune_b(app, client, district, make_key):
    secret = make_key(district.a)
    by_counter = mint(client, secret, service_point="MAU-BCHANH-Q1")
    by_unit = mint(client, secret, service_point=None, unit="MAU-BCHANH")
    for response in (by_counter, by_unit):
        assert_problem(response, 404)
    assert receipts_stored(app) == []
    # the district's key acts for both communes (the units below it)
    district_key = make_key(district.top)
    assert mint(client, district_key, service_point="MAU-BCHANH-Q1").status_code == 201


def test_dossier_of_another_unit_is_a_conflict(app, client, district, make_key):
    assert mint(client, make_key(district.a)).status_code == 201
    response = mint(client, make_key(district.b), service_point="MAU-BCHANH-Q1")
    assert_problem(response, 409)
    assert len(receipts_stored(app)) == 1
    assert receipts_stored(app)[0].counter_id == district.qa.id


def test_revoked_key_gets_401_and_nothing_is_stored(app, client, district, make_key):
    secret = make_key(district.a)
    with app.app_context():
        key = api_keys.authenticate(secret)
        api_keys.revoke(key)
        db.session.commit()
        key_id = key.id
    body = assert_problem(mint(client, secret), 401)
    assert "thu hồi" in body["detail"]
    assert_problem(mint(client, "sipas_khong-phai-khoa"), 401)
    assert_problem(client.post("/api/v1/receipts", json={}), 401)
    assert receipts_stored(app) == []
    assert calls_logged(app) == [(key_id, "mint_receipt", 401), (None, "mint_receipt", 401),
                                 (None, "mint_receipt", 401)]  # fmt: skip


def test_key_without_the_scope_gets_403(app, client, district, make_key):
    assert_problem(mint(client, make_key(district.a, scopes="counts,read")), 403)
    assert receipts_stored(app) == []


def test_a_code_answers_once_without_the_field_question(app, client, district, make_key):
    secret = make_key(district.a)
    code = mint(client, secret, procedure="1.000894").get_json()["code"]
    page = client.get(f"/r/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="field_code"' not in html  # the field is known from the dossier
    sent = client.post(f"/r/{code}", data={**hidden_fields(html), **full_answers(value=5)})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:500]
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert (response.field.code, response.procedure.code, response.unit.code) == ("HT", "1.000894", "21040")
    # a second ballot (a new form key) through the same code is refused
    second = client.post(f"/r/{code}", data={**hidden_fields(html), "key": "x" * 32, **full_answers(value=1)})
    assert second.status_code == 410
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1
    # minting again for the dossier still gives that code, now marked used
    assert mint(client, secret).get_json() | {"qr_svg": ""} == mint(client, secret).get_json() | {"qr_svg": ""}
    assert mint(client, secret).get_json()["used"] is True


@pytest.mark.parametrize(
    "body, status",
    [
        ({"field": "XX"}, 422),  # unknown field
        ({"procedure": "9.999999"}, 422),  # unknown procedure
        ({"procedure": "1.004227"}, 422),  # a procedure of another field (Đất đai)
        ({"service_point": "KHONG-CO"}, 404),  # unknown service point
        ({"service_point": None, "unit": "KHONG-CO"}, 404),  # unknown unit
        ({"outcome": "lost"}, 422),
        ({"dossier": ""}, 422),
        ({"dossier": "x" * 101}, 422),
        ({"late": "có"}, 422),
        ({"returned_at": "2026-11-25T10:00:00"}, 422),  # no time zone
        ({"dossier_reference": "abc"}, 422),  # an unknown property
        ({"field": 12}, 422),
        ({"dossier": "HS\x00-1"}, 422),  # NUL: PostgreSQL would refuse it; a 422, never a 500
        ({"service_point": "MAU\x00-Q1"}, 422),
    ],
)
def test_bad_receipt_requests_store_nothing(app, client, district, make_key, body, status):
    secret = make_key(district.a)
    payload = {"service_point": "21040-Q2", "field": "HT", "dossier": DOSSIER, **body}
    payload = {k: v for k, v in payload.items() if v is not None}
    assert_problem(client.post("/api/v1/receipts", json=payload, headers=bearer(secret)), status)
    assert receipts_stored(app) == []


def test_malformed_and_oversized_bodies(app, client, district, make_key):
    headers = {**bearer(make_key(district.a)), "Content-Type": "application/json"}
    body = assert_problem(client.post("/api/v1/receipts", data='{"field": "HT", ', headers=headers), 400)
    assert "JSON" in body["detail"]
    big = '{"field": "HT", "dossier": "' + "x" * 70_000 + '"}'  # over MAX_CONTENT_LENGTH (64 KB)
    assert_problem(client.post("/api/v1/receipts", data=big, headers=headers), 413)
    assert_problem(client.post("/api/v1/receipts", data="[1, 2]", headers=headers), 422)
    assert receipts_stored(app) == []


def test_qr_png_only_for_the_keys_units(app, client, district, make_key):
    secret = make_key(district.a)
    code = mint(client, secret).get_json()["code"]
    png = client.get(f"/api/v1/receipts/{code}/qr.png", headers=bearer(secret))
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert_problem(client.get(f"/api/v1/receipts/{code}/qr.png", headers=bearer(make_key(district.b))), 404)


def test_every_call_is_logged_with_the_key_and_its_last_use(app, client, district, make_key):
    secret = make_key(district.a)
    mint(client, secret)
    mint(client, secret, field="XX")
    with app.app_context():
        key = db.session.scalar(select(ApiKey))
        assert key.last_used_at is not None
        key_id = key.id
    assert calls_logged(app) == [(key_id, "mint_receipt", 201), (key_id, "mint_receipt", 422)]


def test_exports_carry_nothing_of_the_dossier(app, client, runner, district, make_key, tmp_path):
    secret = make_key(district.a)
    minted = mint(client, secret, late=True, outcome="refused")
    code = minted.get_json()["code"]
    html = client.get(f"/r/{code}").get_data(as_text=True)
    assert client.post(f"/r/{code}", data={**hidden_fields(html), **full_answers(value=4)}).status_code == 303
    with app.app_context():
        digest = receipts_stored(app)[0].dossier_hash
    out = tmp_path / "phieu.csv"
    assert runner.invoke(args=["responses", "export", "--out", str(out)]).exit_code == 0
    exported = out.read_text(encoding="utf-8")
    assert exported.count("\n") == 2  # header and the one response
    for trace in ("261125", DOSSIER, digest, code, "refused"):
        assert trace not in exported
