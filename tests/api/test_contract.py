"""The documented contract: a valid OpenAPI 3 document that names every route under /api/v1, shown at /api/docs."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from tests.api.conftest import assert_problem


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_document_validates_and_lists_every_route(app, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)  # raises on an invalid document
    assert spec["openapi"].startswith("3.")
    routes = {(_openapi_path(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1") for method in rule.methods - {"HEAD", "OPTIONS"}}  # fmt: skip
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes, "no route under /api/v1"
    assert routes <= documented
    assert {"/api/v1/receipts", "/api/v1/dossier-counts", "/api/v1/indices"} <= set(spec["paths"])
    # errors are documented as problem documents, and every operation needs the key
    receipts = spec["paths"]["/api/v1/receipts"]["post"]
    assert {"201", "200", "401", "404", "422"} <= set(receipts["responses"])
    assert spec["security"] == [{"khoa": []}]
    assert spec["components"]["securitySchemes"]["khoa"]["scheme"] == "bearer"


def test_docs_page_is_plain_html_without_a_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path in ("/api/v1/receipts", "/api/v1/dossier-counts", "/api/v1/indices"):
        assert path in html
    assert "Cấp mã đánh giá cho một hồ sơ" in html  # the docstring, in Vietnamese
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html)  # nothing loaded from elsewhere


def test_unknown_api_paths_are_problems_and_other_pages_keep_their_html(client):
    assert_problem(client.get("/api/v2/receipts"), 404)
    assert_problem(client.get("/api/v1/khong-co"), 404)
    page = client.get("/khong-co")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_api_takes_no_cookie_and_needs_no_csrf_token(client, district, make_key):
    from tests.api.conftest import bearer

    response = client.post("/api/v1/receipts", json={"service_point": "21040-Q2", "field": "HT",
                                                     "dossier": "HS-1"}, headers=bearer(make_key(district.a)))  # fmt: skip
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
