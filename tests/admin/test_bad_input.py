"""The probe's 500s (issue 16): every one answers 4xx with a Vietnamese page now, and changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from tests.admin.conftest import PASSWORD
from tests.conftest import full_answers, hidden_fields

VIETNAMESE_PAGE = ("Xin", "không")


def _responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


def _is_clear_refusal(response) -> bool:
    text = response.get_data(as_text=True)
    return 400 <= response.status_code < 500 and '<html lang="vi">' in text


def _form(client, counter) -> dict[str, str]:
    page = client.get(f"/s/{counter.token}").get_data(as_text=True)
    return {**hidden_fields(page), "field_code": "HT", **full_answers()}


@pytest.mark.parametrize(
    "body",
    [[1, 2, 3], "chuỗi", {"q_A1": True, "comment": 5}, {"key": ["a", "b"]}, None, 12, {"csrf_token": {"x": 1}}],
    ids=["array", "string", "non-string values", "list value", "null", "number", "object value"],
)
def test_json_bodies_to_the_form_and_the_login_are_refused(app, client, make_counter, body):
    counter = make_counter()
    hidden = _form(client, counter)
    # a JSON body with the form's own hidden fields cannot pass as a form either
    payload = {**hidden, **body} if isinstance(body, dict) else body
    for path in (f"/s/{counter.token}", "/admin/login"):
        response = client.post(path, data=json.dumps(payload), content_type="application/json")
        assert _is_clear_refusal(response), (path, response.status_code)
    assert _responses(app) == 0


def test_json_true_is_never_stored_as_answer_one(app, client, make_counter):
    counter = make_counter()
    data = _form(client, counter)
    data["q_A1"] = True
    response = client.post(f"/s/{counter.token}", data=json.dumps(data), content_type="application/json")
    assert response.status_code == 400 and _responses(app) == 0


def test_multipart_file_parts_to_the_form_and_the_login(app, client, make_counter):
    counter = make_counter()
    data = _form(client, counter)
    for name in ("q_A1", "key", "csrf_token"):
        with_file = {**data, name: (io.BytesIO(b"\x00\xff tep"), "tep.bin")}
        response = client.post(f"/s/{counter.token}", data=with_file, content_type="multipart/form-data")
        assert _is_clear_refusal(response), (name, response.status_code)
    # a file part where the comment goes is no comment: the ballot is stored without one
    with_file = {**data, "comment": (io.BytesIO(b"=cmd|' /C calc'!A0"), "y-kien.csv")}
    assert client.post(f"/s/{counter.token}", data=with_file, content_type="multipart/form-data").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Response.comment)) is None
    assert _responses(app) == 1
    response = client.post("/admin/login", data={"username": (io.BytesIO(b"x"), "a.txt"), "password": "x"},
                           content_type="multipart/form-data")  # fmt: skip
    assert _is_clear_refusal(response)


def test_a_comment_with_noncharacters_is_stored_clean_and_exports(app, client, world, login, make_counter):
    counter = make_counter(unit=world["a"])
    data = _form(client, counter)
    data["comment"] = "Tốt\uffff lắm\ufffe \u202egnp.exe\u200b"
    assert client.post(f"/s/{counter.token}", data=data).status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(Response.comment).where(Response.comment.is_not(None)).order_by(
            Response.id.desc()).limit(1))  # fmt: skip
    # noncharacters, the right-to-left override and the zero-width space are gone
    assert stored == "Tốt lắm gnp.exe"
    login("vanphong")
    for fmt in ("xlsx", "csv"):
        assert client.get(f"/admin/xuat/comments.{fmt}").status_code == 200


BAD_PERIODS = ["month=0000-01", "month=9999-12", "period=year&year=0000", "period=year&year=9999",
               "period=quarter&quarter=0000-Q1", "period=quarter&quarter=9999-Q4",
               "period=range&from=0000-01&to=9999-12"]  # fmt: skip


@pytest.mark.parametrize("query", BAD_PERIODS)
def test_out_of_range_periods_answer_without_a_500(client, world, login, query):
    login("vanphong")
    for path in ("/admin/", "/admin/y-kien", "/admin/xuat/overview.csv", "/admin/xuat/comments.xlsx"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400, 422), (path, query, response.status_code)


@pytest.mark.parametrize("path", ["/admin/phan-anh?page=9223372036854775807", "/admin/phieu-bi-loai?page=9223372036854775807",
                                  "/admin/phan-anh?page=-9223372036854775809"])  # fmt: skip
def test_huge_page_numbers(client, world, login, path):
    login("vanphong")
    response = client.get(path)
    assert response.status_code in (200, 404), response.status_code


@pytest.mark.parametrize("path", ["/admin/phan-anh/99999999999999999999", "/admin/phan-anh/9223372036854775808",
                                  "/admin/quay/9223372036854775808/qr.png", "/admin/quay/2147483648/ap-phich.pdf",
                                  "/admin/bao-cao/9223372036854775807.pdf", "/admin/don-vi-quan-ly/99999999999"])  # fmt: skip
def test_out_of_range_ids_are_not_found(client, world, login, path):
    login("quantri")
    response = client.get(path)
    assert response.status_code == 404 and '<html lang="vi">' in response.get_data(as_text=True)


def test_error_pages_are_vietnamese(client, world, login):
    assert "Không tìm thấy" in client.get("/khong-co").get_data(as_text=True)
    response = client.put("/admin/login")
    assert response.status_code == 405 and '<html lang="vi">' in response.get_data(as_text=True)
    login("canbo.chauo")
    response = client.get("/admin/nguoi-dung")
    assert response.status_code == 403 and '<html lang="vi">' in response.get_data(as_text=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4), max_leaves=8))  # fmt: skip
def test_fuzzed_json_never_gives_a_500(app, client, body):
    for path in ("/s/khong-co-quay", "/admin/login", "/r"):
        response = client.post(path, data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (path, body)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.dictionaries(st.sampled_from(["username", "password", "csrf_token", "code", "key", "comment"]),
                             st.binary(max_size=40), max_size=4))  # fmt: skip
def test_fuzzed_multipart_never_gives_a_500(app, client, parts):
    for path in ("/admin/login", "/r"):
        data = {name: (io.BytesIO(value), f"{name}.bin") for name, value in parts.items()}
        response = client.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code < 500, (path, parts)


def test_login_with_password_field_as_list_of_values(client, world):
    response = client.post("/admin/login", data={"username": ["vanphong", "x"], "password": [PASSWORD, "y"]})
    assert response.status_code == 400


def test_csv_exports_survive_a_semicolon_list_separator(app, client, world, login, make_counter, tmp_path, runner):
    """Excel in a Vietnamese Windows splits CSV cells at ';': no piece may start a formula."""
    import csv

    counter = make_counter(unit=world["a"])
    data = _form(client, counter)
    data["comment"] = 'Phục vụ tốt;=HYPERLINK("http://x.example","bấm")'
    assert client.post(f"/s/{counter.token}", data=data).status_code == 303
    login("vanphong")
    from datetime import datetime

    from survey.figures.periods import VN

    month = datetime.now(VN).strftime("%Y-%m")  # the ballot was just sent
    text = client.get(f"/admin/xuat/comments.csv?month={month}").get_data(as_text=True)
    out = tmp_path / "all.csv"
    assert runner.invoke(args=["responses", "export", "--out", str(out)]).exit_code == 0
    # the dashboard's CSV (for people: ';') and the machine exchange CSV (',')
    for content, separator in ((text, ";"), (out.read_text(encoding="utf-8"), ",")):
        assert "HYPERLINK" in content
        # read as that Excel would: ';' separates, quotes are honoured
        cells = [c for row in csv.reader(content.splitlines(), delimiter=";") for c in row]
        assert not any(c.lstrip(" \ufeff").startswith(("=", "+", "@")) for c in cells)
        # and with its own separator: the comment is one quoted cell
        rows = csv.reader(content.splitlines(), delimiter=separator)
        assert any(c.startswith("Phục vụ tốt;'=HYPERLINK") for row in rows for c in row)


@pytest.mark.parametrize("value", ["٣", "３", " 3", "3.0", "+3"])
def test_answers_only_in_ascii_digits(app, client, make_counter, value):
    counter = make_counter()
    data = _form(client, counter)
    data["q_A1"] = value  # Arabic-Indic and full-width digits, spaces, signs
    assert client.post(f"/s/{counter.token}", data=data).status_code == 422
    assert _responses(app) == 0
