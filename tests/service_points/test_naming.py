"""Counters stand in service points named as Nghị định 118/2025's one-stop visual identity names them: on the
poster, in the form's header, and on each response (the point where the citizen was served, as of that day)."""

from __future__ import annotations

import io
import re
from datetime import date

import pdfplumber
import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Counter, Response, ServicePoint, Unit
from survey.services.counters import forget_views
from tests.conftest import full_answers, hidden_fields

CENTRE = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"


@pytest.fixture
def binh_son(app, db, make_unit):
    """Xã Bình Sơn (since 1/7/2025) with its centre, its Điểm tiếp nhận số 1 and a counter at each;
    Thị trấn Châu Ổ (until 30/6/2025) with a counter at its Bộ phận Một cửa."""
    unit = make_unit(code="21040", name="Xã Bình Sơn", field_codes=("HT", "DD"))
    old = make_unit(code="21040-CU", name="UBND thị trấn Châu Ổ", field_codes=("HT",))
    with app.app_context():
        unit_row = _db.session.get(Unit, unit.id)
        unit_row.valid_from = date(2025, 7, 1)
        old_row = _db.session.get(Unit, old.id)
        old_row.valid_to = date(2025, 6, 30)
        centre = ServicePoint(unit=unit_row, kind="centre", name="Trung tâm Phục vụ hành chính công")
        point = ServicePoint(unit=unit_row, kind="intake", number=1, name="Điểm tiếp nhận số 1", centre=centre)
        at_centre = Counter(code="BS-Q1", name="Quầy số 1", unit=unit_row, service_point=centre)
        at_point = Counter(code="BS-D1", name="Quầy tiếp nhận", service_point=point)  # its unit comes from the point
        former = Counter(code="CHAUO-Q1", name="Quầy tiếp nhận và trả kết quả", unit=old_row)  # no point named
        _db.session.add_all([at_centre, at_point, former])
        _db.session.commit()
        tokens = {c.code: c.token for c in (at_centre, at_point, former)}
        ids = {c.code: (c.id, c.unit_id, c.service_point_id) for c in (at_centre, at_point, former)}
        kinds = {c.code: c.service_point.kind for c in (at_centre, at_point, former)}
    return {"tokens": tokens, "ids": ids, "kinds": kinds, "unit_id": unit.id, "old_id": old.id}


def test_counters_stand_in_their_units_points(binh_son):
    ids, kinds = binh_son["ids"], binh_son["kinds"]
    assert ids["BS-D1"][1] == binh_son["unit_id"]  # a counter named only by its point gets the point's unit
    # a counter named only by its unit stands in the unit's centre, or its Bộ phận Một cửa if it ended before ND 118
    assert kinds == {"BS-Q1": "centre", "BS-D1": "intake", "CHAUO-Q1": "one_stop"}
    assert ids["CHAUO-Q1"][1] == binh_son["old_id"]


def _posters(runner, tmp_path, code: str) -> dict:
    result = runner.invoke(args=["qr", "posters", "--unit", code, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return {p.stem: p for p in tmp_path.glob("*.pdf")}


def test_poster_names_the_centre_the_commune_and_the_intake_point_with_the_motto(app, runner, binh_son, tmp_path):
    pdfs = _posters(runner, tmp_path, "21040")
    assert sorted(pdfs) == ["BS-D1", "BS-Q1"]
    with pdfplumber.open(io.BytesIO(pdfs["BS-D1"].read_bytes())) as pdf:
        lines = [line.strip() for line in pdf.pages[0].extract_text().splitlines()]
    # the three lines of the visual identity, in order, at the top of the page, then the motto
    assert lines[:4] == [CENTRE, "XÃ BÌNH SƠN", "ĐIỂM TIẾP NHẬN SỐ 1", "Hành chính phục vụ"]
    with pdfplumber.open(io.BytesIO(pdfs["BS-Q1"].read_bytes())) as pdf:
        lines = [line.strip() for line in pdf.pages[0].extract_text().splitlines()]
    assert lines[:3] == [CENTRE, "XÃ BÌNH SƠN", "Hành chính phục vụ"]  # the centre itself: no third line


def test_form_header_names_the_centre_and_the_intake_point(client, binh_son):
    html = client.get(f"/s/{binh_son['tokens']['BS-D1']}").get_data(as_text=True)
    header = re.search(r'<header class="site">(.*?)</header>', html, re.S).group(1)
    text = [re.sub(r"<[^>]+>", "", line).strip() for line in header.splitlines() if line.strip()]
    assert text == [CENTRE, "XÃ BÌNH SƠN", "ĐIỂM TIẾP NHẬN SỐ 1 · Quầy tiếp nhận"]


def test_a_response_keeps_the_point_where_the_citizen_was_served(app, client, binh_son):
    token = binh_son["tokens"]["BS-D1"]
    counter_id, unit_id, point_id = binh_son["ids"]["BS-D1"]
    hidden = hidden_fields(client.get(f"/s/{token}").get_data(as_text=True))
    response = client.post(f"/s/{token}", data={**hidden, **full_answers(), "field_code": "HT"})
    assert response.status_code == 303
    with app.app_context():
        stored = _db.session.scalars(select(Response)).one()
        assert (stored.unit_id, stored.counter_id, stored.service_point_id) == (unit_id, counter_id, point_id)
        # the counter moves to the centre later: the answer stays at the point where it was given
        counter = _db.session.get(Counter, counter_id)
        counter.service_point = _db.session.scalars(select(ServicePoint).where(ServicePoint.kind == "centre")).one()
        _db.session.commit()
        forget_views()
        assert _db.session.get(Response, stored.id).service_point_id == point_id


def test_privacy_notice_cites_the_2025_law_and_its_decree(client, binh_son):
    notice = client.get("/bao-mat").get_data(as_text=True)
    assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15" in notice and "Nghị định 356/2025/NĐ-CP" in notice
    assert "13/2023" not in notice  # the decree it replaced
    form = client.get(f"/s/{binh_son['tokens']['BS-D1']}").get_data(as_text=True)
    line = re.search(r'<p class="privacy">(.*?)</p>', form, re.S).group(1)
    assert "Luật Bảo vệ dữ liệu cá nhân" in line and "13/2023" not in form
    # the citizen's pages speak of the centre and its intake points, not of the Bộ phận Một cửa
    assert "Bộ phận Một cửa" not in client.get("/").get_data(as_text=True)
