"""The QR form through the test client: what a citizen's phone sends."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from tests.conftest import full_answers, hidden_fields


def count_responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


def only_response(app) -> dict:
    """The one stored response, as plain values."""
    with app.app_context():
        r = db.session.scalars(select(Response)).one()
        return {"r": r, "field": r.field.code, "procedure": r.procedure.code if r.procedure else None,
                **{c: r.answer(c) for c in ("A1", "A0", "E3", "S0", "P1", "X3")}}  # fmt: skip


def test_form_is_vietnamese_and_asks_field_first(client, make_counter, open_form):
    counter = make_counter()
    html, hidden = open_form(counter)
    assert "Ông/Bà vừa thực hiện thủ tục thuộc lĩnh vực nào?" in html
    assert html.index("lĩnh vực nào") < html.index("Nơi tiếp nhận có biển hiệu")
    assert "Không đánh giá" in html and "Rất hài lòng" in html
    # one plain privacy line with a link; the technical words are on the notice page only
    assert 'href="/bao-mat"' in html and "cookie" not in html.lower() and "mã hoá một chiều" not in html
    assert "hôm nay" not in html and "lần giao dịch này" in html
    assert set(hidden) == {"csrf_token", "key"}
    # light: nothing fetched from another host; the one script is the app's own file (no inline
    # script, no on… attribute: a Content-Security-Policy without 'unsafe-inline' holds)
    assert "http://" not in html.replace("https://khaosat.example.vn", "")
    assert re.findall(r"<script[^>]*>", html) == [re.search(r'<script src="/assets/form\.\w+\.js" defer>', html)[0]]
    assert not re.search(r"\son\w+=", html)


def test_happy_path_stores_one_response(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**hidden, **full_answers(value=5), "field_code": "DD", "q_S0": "4", "q_P1": "1", "q_X3": "4",
            "r_sex": "2", "comment": "Cán bộ rất tận tình"}  # fmt: skip
    data["q_E3"] = "0"
    response = client.post(f"/s/{counter.token}", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/s/{counter.token}/cam-on")
    thanks = client.get(response.headers["Location"])
    assert "Cảm ơn Ông/Bà đã đánh giá" in thanks.get_data(as_text=True)
    found = only_response(app)
    stored = found["r"]
    assert (stored.unit_id, stored.counter_id, found["field"], stored.channel) == (
        counter.unit_id,
        counter.id,
        "DD",
        "qr",
    )
    assert found["A1"] == 5 and found["E3"] == 0 and found["S0"] == 4
    assert found["A0"] is None and found["P1"] == 1 and found["X3"] == 4
    assert stored.sex == 2 and stored.comment == "Cán bộ rất tận tình"
    assert stored.submitted_at.tzinfo is not None
    # the ballot token's random part (24 characters, before its device binding, time and signature)
    assert stored.response_key == hidden["key"][:24] and hidden["key"].count(".") == 2


def test_missing_answer_reshows_form_with_message_and_keeps_answers(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**hidden, **full_answers(value=3), "field_code": "HT", "comment": "Góp ý giữ lại"}
    del data["q_C2"]
    response = client.post(f"/s/{counter.token}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="loi-q_C2"' in html and "Xin vui lòng chọn một mức đánh giá" in html
    assert "Còn 1 câu cần trả lời" in html
    # every answer given is still selected, the missing one is not
    checked = set(re.findall(r'<input checked[^>]*name="(\w+)"[^>]*value="(\w+)"', html))
    assert checked == {(f"q_{c}", "3") for c in [k[2:] for k in full_answers()] if c != "C2"} | {("field_code", "HT")}
    assert "Góp ý giữ lại" in html
    assert hidden_fields(html)["key"] == hidden["key"]
    assert count_responses(app) == 0


def test_missing_field_is_asked(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    response = client.post(f"/s/{counter.token}", data={**hidden, **full_answers()})
    assert response.status_code == 422
    assert "Xin vui lòng chọn lĩnh vực thủ tục" in response.get_data(as_text=True)
    assert count_responses(app) == 0


def test_out_of_range_and_foreign_values_are_refused(app, client, make_counter, make_field, open_form):
    counter = make_counter()
    make_field("XD", "Xây dựng")  # exists, but this unit does not serve it
    _, hidden = open_form(counter)
    for bad in ({"q_A1": "7"}, {"q_A1": "-1"}, {"q_A1": "abc"}, {"field_code": "XD"}, {"q_P1": "4"}, {"q_X1": "5"}):
        data = {**hidden, **full_answers(), "field_code": "HT", **bad}
        response = client.post(f"/s/{counter.token}", data=data)
        assert response.status_code == 422, bad
        assert "không hợp lệ" in response.get_data(as_text=True) or "Xin vui lòng" in response.get_data(as_text=True)
    assert count_responses(app) == 0


def test_comment_too_long_is_refused(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**hidden, **full_answers(), "field_code": "HT", "comment": "ạ" * 1001}
    response = client.post(f"/s/{counter.token}", data=data)
    assert response.status_code == 422
    assert "Ý kiến quá dài: tối đa 1000 ký tự" in response.get_data(as_text=True)
    assert count_responses(app) == 0


def test_double_tap_and_back_resubmit_store_one_response(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**hidden, **full_answers(), "field_code": "HT"}
    first = client.post(f"/s/{counter.token}", data=data)
    second = client.post(f"/s/{counter.token}", data=data)
    assert first.status_code == second.status_code == 303
    assert count_responses(app) == 1
    # another phone is another ballot
    other = app.test_client()
    again = hidden_fields(other.get(f"/s/{counter.token}").get_data(as_text=True))
    assert again["key"] != hidden["key"]
    other.post(f"/s/{counter.token}", data={**again, **full_answers(), "field_code": "HT"})
    assert count_responses(app) == 2


def test_forged_key_is_refused(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**hidden, **full_answers(), "field_code": "HT", "key": "<script>"}
    assert client.post(f"/s/{counter.token}", data=data).status_code == 422
    assert count_responses(app) == 0


def test_unknown_and_revoked_tokens_get_vietnamese_404(app, client, make_counter):
    counter = make_counter(is_active=False)
    for token in (counter.token, "khong-co-ma-nay", "x" * 200):
        response = client.get(f"/s/{token}")
        assert response.status_code == 404
        assert "Mã QR hoặc đường dẫn này không đúng hoặc đã hết hiệu lực" in response.get_data(as_text=True)
        assert client.post(f"/s/{token}", data={}).status_code == 404
    assert count_responses(app) == 0


def test_missing_csrf_token_is_refused_and_answers_kept(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**full_answers(), "field_code": "HT", "key": hidden["key"], "comment": "Vẫn còn đây"}
    response = client.post(f"/s/{counter.token}", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn" in html and "Vẫn còn đây" in html
    assert count_responses(app) == 0
    # a token from another session is refused too
    other = app.test_client()
    foreign = hidden_fields(other.get(f"/s/{counter.token}").get_data(as_text=True))
    assert foreign["csrf_token"] != hidden["csrf_token"]
    data["csrf_token"] = foreign["csrf_token"]
    assert client.post(f"/s/{counter.token}", data=data).status_code == 400
    assert count_responses(app) == 0


def test_counter_with_fixed_field_does_not_ask_it(app, client, make_counter, make_field, open_form):
    make_field("DD", "Đất đai", procedures=(("DD-01", "Cấp giấy chứng nhận quyền sử dụng đất"),))
    counter = make_counter(field_code="DD")
    html, hidden = open_form(counter)
    assert "lĩnh vực nào" not in html and "Lĩnh vực: <strong>Đất đai</strong>" in html
    data = {**hidden, **full_answers(), "procedure_code": "DD-01", "field_code": "HT"}
    assert client.post(f"/s/{counter.token}", data=data).status_code == 303
    found = only_response(app)
    assert found["field"] == "DD" and found["procedure"] == "DD-01"


def test_vietnamese_text_is_stored_nfc_and_escaped(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    decomposed = unicodedata.normalize("NFD", "Thủ tục nhanh, cán bộ nhiệt tình <b>")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    data = {**hidden, **full_answers(), "field_code": "HT", "comment": "  " + decomposed + "  "}
    assert client.post(f"/s/{counter.token}", data=data).status_code == 303
    stored = only_response(app)["r"]
    assert stored.comment == "Thủ tục nhanh, cán bộ nhiệt tình <b>"
    assert unicodedata.is_normalized("NFC", stored.comment)
    # shown back escaped when the form is re-shown with an error
    data = {**hidden, "key": "k" * 20, "field_code": "HT", "comment": '"><img src=x onerror=alert(1)>'}
    html = client.post(f"/s/{counter.token}", data=data).get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_back_after_sending_reuses_the_key_until_a_new_ballot_is_asked_for(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    assert client.post(f"/s/{counter.token}", data={**hidden, **full_answers(), "field_code": "HT"}).status_code == 303
    html, again = open_form(counter)  # the browser went back and loaded the page again
    assert again["key"] == hidden["key"] and "Ông/Bà đã gửi phiếu đánh giá tại quầy này" in html
    client.post(f"/s/{counter.token}", data={**again, **full_answers(), "field_code": "HT"})
    assert count_responses(app) == 1
    fresh = hidden_fields(client.get(f"/s/{counter.token}?moi=1").get_data(as_text=True))
    assert fresh["key"] != hidden["key"]
    client.post(f"/s/{counter.token}", data={**fresh, **full_answers(), "field_code": "HT"})
    assert count_responses(app) == 2


def test_nul_bytes_anywhere_are_a_clean_400(app, client, make_counter, open_form):
    counter = make_counter()
    _, hidden = open_form(counter)
    assert client.get("/s/abc%00def").status_code == 400
    assert client.get("/admin/login?next=%00").status_code == 400
    data = {**hidden, **full_answers(), "field_code": "HT\x00", "comment": "tốt\x00"}
    assert client.post(f"/s/{counter.token}", data=data).status_code == 400
    assert count_responses(app) == 0


def test_the_same_ballot_sent_twice_at_once_is_stored_once(app, client, make_counter, open_form, monkeypatch):
    """Two connections send one ballot together (a double tap that went out twice): both are
    told it is stored, and it is, once. Both requests are held until each has checked the
    earlier responses, so they insert at the same moment."""
    import contextlib
    import threading

    from survey.services import trust

    counter = make_counter()
    _, hidden = open_form(counter)
    data = {**hidden, **full_answers(), "field_code": "HT"}
    together = threading.Barrier(2, timeout=10)
    real_assess = trust.assess

    def assess_then_wait(*args, **kwargs):
        flags = real_assess(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # a retried request comes alone
            together.wait()
        return flags

    monkeypatch.setattr(trust, "assess", assess_then_wait)
    cookies = {c.key: c.value for c in client._cookies.values()}
    statuses = []

    def send() -> None:
        phone = app.test_client()
        for name, value in cookies.items():
            phone.set_cookie(name, value)
        statuses.append(phone.post(f"/s/{counter.token}", data=data).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert statuses == [303, 303]
    assert count_responses(app) == 1
