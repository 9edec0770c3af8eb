"""Hostile input, generated: the form POST and the CSV import never fail with a 500 or a crash,
and never store anything invalid; a refused input changes nothing."""

from __future__ import annotations

import secrets
import unicodedata

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from analysis.profile import load_profile
from survey.extensions import db
from survey.figures.periods import period_month
from survey.models import FeedbackEvent, FeedbackItem, Response
from survey.models.responses import CHANNELS
from tests.conftest import full_answers, hidden_fields

FUZZ = settings(max_examples=80, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip

PROFILE = load_profile("sipas-2024")
NAMES = sorted(full_answers()) + ["q_S0", "q_P1", "q_X3", "r_sex", "r_age_band", "field_code", "procedure_code",
                                  "comment", "key", "csrf_token", "unknown", "q_ZZ", "q_A1[]"]  # fmt: skip

NASTY = ["", " ", "0", "5", "6", "-1", "1e3", "٣", " 4 ", "4\x00", "None", "null", "99999999999999999999",
         "<script>alert(1)</script>", "'; DROP TABLE responses; --", "=HYPERLINK(\"x\")", "\ufeff4",
         "HT", "DD", "ZZ", "x" * 70, "k" * 20 + "\n", "ạ" * 1001, "\x00" * 5, "\r\n", "\ud7ff"]  # fmt: skip
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=900, max_size=1200),
    st.integers().map(str),
)


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


def assert_stored_rows_valid(app) -> None:
    """What the database holds is what the rules allow (its CHECKs hold too, or the insert failed)."""
    with app.app_context():
        for r in db.session.scalars(select(Response)):
            for code in PROFILE.question_codes:
                value = r.answer(code)
                assert value is None or value in PROFILE.allowed_values(code), (code, value)
            assert r.channel in CHANNELS and r.period_month == period_month(r.submitted_at)
            assert len(r.response_key) <= 64 and "\n" not in r.response_key
            if r.comment is not None:
                assert unicodedata.is_normalized("NFC", r.comment) and len(r.comment) <= 1000
                assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in r.comment)


@pytest.fixture
def open_limits(app, monkeypatch):
    for name in ("RATELIMIT_PER_ADDRESS", "RATELIMIT_PER_COUNTER", "RATELIMIT_PER_DEVICE", "RATELIMIT_RECEIPT_MISS"):
        monkeypatch.setitem(app.config, name, "100000/minute")


def test_form_post_survives_hostile_fields(app, client, make_counter, open_limits):
    counter = make_counter()
    hidden = hidden_fields(client.get(f"/s/{counter.token}").get_data(as_text=True))

    @FUZZ
    @given(changes=st.dictionaries(st.sampled_from(NAMES), st.one_of(hostile_text, st.lists(hostile_text, max_size=3)),
                                   max_size=6), drop=st.sets(st.sampled_from(NAMES), max_size=3))  # fmt: skip
    def check(changes, drop):
        data = {**hidden, **full_answers(), "field_code": "HT", "key": secrets.token_urlsafe(18), **changes}
        for name in drop:
            data.pop(name, None)
        before = count(app)
        response = client.post(f"/s/{counter.token}", data=data)
        event(f"status {response.status_code}")
        assert response.status_code in (303, 400, 413, 422), response.status_code
        assert count(app) == before + (response.status_code == 303)

    check()
    assert_stored_rows_valid(app)


def test_form_post_survives_raw_bytes(app, client, make_counter, open_limits):
    from urllib.parse import urlencode

    counter = make_counter()
    hidden = hidden_fields(client.get(f"/s/{counter.token}").get_data(as_text=True))

    @FUZZ
    @given(noise=st.binary(max_size=2000), at=st.floats(0, 1), content_type=st.sampled_from([
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain", "application/json"]))  # fmt: skip
    def check(noise, at, content_type):
        valid = urlencode({**hidden, **full_answers(), "field_code": "HT", "key": secrets.token_urlsafe(18)}).encode()
        cut = int(len(valid) * at)
        before = count(app)
        response = client.post(f"/s/{counter.token}", data=valid[:cut] + noise + valid[cut:],
                               content_type=content_type)  # fmt: skip
        event(f"status {response.status_code}")
        assert response.status_code in (303, 400, 413, 422), response.status_code
        assert count(app) == before + (response.status_code == 303)

    check()
    assert_stored_rows_valid(app)


def test_oversized_post_is_refused_politely(app, client, make_counter, open_limits):
    counter = make_counter()
    hidden = hidden_fields(client.get(f"/s/{counter.token}").get_data(as_text=True))
    response = client.post(f"/s/{counter.token}", data={**hidden, **full_answers(), "comment": "ạ" * 100_000})
    assert response.status_code == 413 and "Dữ liệu gửi lên quá lớn" in response.get_data(as_text=True)
    assert count(app) == 0


def test_receipt_post_survives_hostile_fields(app, client, make_counter, open_limits):
    from survey.models import Counter
    from survey.services import receipts

    counter = make_counter()
    with app.app_context():
        codes = [r.code for r in receipts.issue(db.session.get(Counter, counter.id), 60)]
        db.session.commit()
    remaining = iter(codes)

    @settings(FUZZ, max_examples=50)
    @given(changes=st.dictionaries(st.sampled_from(NAMES), hostile_text, max_size=5))
    def check(changes):
        code = next(remaining)
        hidden = hidden_fields(client.get(f"/r/{code}").get_data(as_text=True))
        data = {**hidden, **full_answers(), "field_code": "HT", **changes}
        before = count(app)
        response = client.post(f"/r/{code}", data=data)
        event(f"status {response.status_code}")
        assert response.status_code in (303, 400, 413, 422), response.status_code
        assert count(app) == before + (response.status_code == 303)

    check()
    assert_stored_rows_valid(app)


# ---- the CSV import -----------------------------------------------------------------------

HEADER = ["response_id", "submitted_at", "profile", "unit_code", "counter_code", "field_code", "procedure_code",
          "channel", *PROFILE.item_codes, "S0", "sex", "comment"]  # fmt: skip


def good_row(response_id: str) -> list[str]:
    return [response_id, "2026-05-04T09:15:00+07:00", "sipas-2024", "XA-01", "", "HT", "", "paper",
            *["4"] * len(PROFILE.item_codes), "5", "1", "Cán bộ tận tình"]  # fmt: skip


def to_csv(rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value

    return "\n".join(",".join(cell(v) for v in row) for row in rows) + "\n"


NASTY_CELLS = ["2026-13-45T99:00:00+07:00", "2026-05-04T09:15:00", "1677-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00",
               "sipas-2017", "paper", "PAPER", "sms", "4.0", "4.5", "NaN", "inf", "XA-01", "-0", "+3", "0x4", '"',
               '"""', "a,b", "line\nbreak"]  # fmt: skip
cell_values = st.one_of(hostile_text, st.sampled_from(NASTY_CELLS))


@st.composite
def csv_files(draw) -> bytes:
    header = list(HEADER)
    # ids drawn by Hypothesis (not from `secrets`), so a failing example replays exactly
    rows = [good_row(draw(st.uuids()).hex[:20]) for _ in range(draw(st.integers(1, 3)))]
    for _ in range(draw(st.integers(0, 6))):
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(header) - 1))] = draw(cell_values)
    if draw(st.booleans()):  # damage the header: drop, rename or duplicate a column
        i = draw(st.integers(0, len(header) - 1))
        header[i] = draw(st.sampled_from(["", "A1", "response_id", "Á1", "a1", "unknown", header[i]]))
    if draw(st.booleans()):  # a ragged row
        rows.append(draw(st.lists(cell_values, max_size=len(header) + 3)))
    text = to_csv([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # raw damage: cut, or splice in random bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=40)) + data[cut + draw(st.integers(0, 40)) :]
    return data


def test_csv_import_survives_hostile_files(app, runner, tmp_path, make_unit):
    make_unit(code="XA-01")
    path = tmp_path / "phieu.csv"

    @FUZZ
    @given(data=csv_files())
    def check(data):
        path.write_bytes(data)
        before = count(app)
        result = runner.invoke(args=["responses", "import", str(path)])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code in (0, 1), result.output
        event(f"exit {result.exit_code}")
        if result.exit_code == 1:
            assert "Tệp bị từ chối, không dòng nào được nhập" in result.output
            assert count(app) == before
        else:
            assert count(app) > before and "Đã nhập" in result.output
        assert_stored_rows_valid(app)
        # every example starts from the same database, so a failure replays exactly
        with app.app_context():
            db.session.execute(delete(FeedbackEvent))
            db.session.execute(delete(FeedbackItem))
            db.session.execute(delete(Response))
            db.session.commit()

    check()
