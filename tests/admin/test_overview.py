"""The leader's overview, the period boxes and the two scopes of a unit (issue 12, items 1 and 3).

Expected numbers are counted by hand from the fixture (tests/admin/conftest.py ``world``: in
10/2026 Châu Ổ has 40 + 12 ballots, Bình Chánh 35; in 09/2026 Bình Chánh has 30) or computed
with ``analysis`` directly, not through the dashboard.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from analysis.indices import sipas_table
from survey import queries
from survey.extensions import db as _db
from survey.figures import fmt, labels
from survey.models import Field
from survey.services.responses import build_response
from tests.admin.conftest import _ballots

#: internal codes that must never reach an office page: rule and flag names, questionnaire ids,
#: ISO months, quarters and dates, shell commands
FORBIDDEN = re.compile(
    r"mean_of_items|general_question|\bpooled\b|small_sample|no_valid_answers|not_asked|sipas-20\d\d"
    r"|\b20\d\d-Q[1-4]\b|\b20\d\d-(0[1-9]|1[0-2])(-\d\d)?\b|flask --app|\.venv/"
)
VIEWS = ("/admin/", "/admin/linh-vuc", "/admin/don-vi", "/admin/xu-huong", "/admin/tieu-chi", "/admin/mong-doi",
         "/admin/y-kien")  # fmt: skip


def visible_text(page: str) -> str:
    """The page's text as people read it: no tags, attributes, scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _sipas(app, unit_ids, month: int) -> float:
    with app.app_context():
        scope = queries.Scope(start_month=month, end_month=month, unit_ids=unit_ids)
        t = sipas_table(queries.counts(scope), moments=queries.moments(scope))
    return float(t[t["level"] == "overall"]["index"].iloc[0])


@pytest.fixture
def district_counter(app, world, make_counter):
    """10 ballots at the district's own counter in 10/2026 (the communes' ballots are under it)."""
    counter = make_counter(unit=world["district"], code="H-BS-Q1")
    with app.app_context():
        ht = _db.session.scalar(select(Field.id).where(Field.code == "HT"))
        for b in _ballots(world["district"].id, counter.id, ht, 10, 5):
            _db.session.add(build_response(b))
        _db.session.commit()
    return counter


def _count(page: str, name: str) -> str:
    return re.search(rf"<dt>{name}</dt><dd[^>]*>([^<]*)", page).group(1).strip()


def test_headline_says_the_change_in_words(app, client, world, login):
    login("vanphong")
    page = client.get("/admin/?unit=X-BCHANH&month=2026-10").get_data(as_text=True)
    october, september = _sipas(app, (world["b"].id,), 202610), _sipas(app, (world["b"].id,), 202609)
    assert f'id="sipas-number">{fmt.percent(october)}</p>' in page
    assert f"giảm {fmt.number(september - october)} điểm" in page  # 30 at level 4 → 35 at level 2
    assert "thay đổi rõ rệt" in page and "So với tháng 09/2026" in page
    assert "So với tháng 10/2025" in page and "chưa có số liệu</span>" in page  # nothing a year before
    assert _count(page, "Phiếu hợp lệ") == "35" and _count(page, "Phiếu bị loại") == "0"
    assert "<summary>Chi tiết cách tính</summary>" in page and "Khoảng tin cậy 95 %: từ" in page


def test_overview_counts_every_unit_below(client, world, login):
    login("vanphong")
    page = client.get("/admin/?month=2026-10").get_data(as_text=True)
    assert _count(page, "Phiếu hợp lệ") == "87"  # 40 + 12 + 35
    assert "Trả lời phản ánh đúng hạn" in page and "Phản ánh quá hạn" in page


def test_a_unit_and_its_own_counters_are_two_named_choices(client, world, district_counter, login):
    login("vanphong")
    page = client.get("/admin/?month=2026-10").get_data(as_text=True)
    assert 'value="H-BS">Toàn huyện Bình Sơn</option>' in page
    assert re.search(r'value="rieng:H-BS">\s*Bộ phận Một cửa của UBND huyện Bình Sơn</option>', page)
    assert 'value="X-CHAUO">\u2003UBND thị trấn Châu Ổ</option>' in page  # nothing under it: one choice

    whole = client.get("/admin/?unit=H-BS&month=2026-10").get_data(as_text=True)
    assert "Mức độ hài lòng — Toàn huyện Bình Sơn, Tháng 10/2026" in whole
    assert _count(whole, "Phiếu hợp lệ") == "97"  # 87 in the communes + 10 at the district's counter
    own = client.get("/admin/?unit=rieng:H-BS&month=2026-10").get_data(as_text=True)
    assert "Mức độ hài lòng — Bộ phận Một cửa của UBND huyện Bình Sơn, Tháng 10/2026" in own
    assert _count(own, "Phiếu hợp lệ") == "10"
    assert 'value="rieng:H-BS" selected' in own


def test_ranking_compares_siblings_and_shows_the_parent_apart(app, client, world, district_counter, login):
    login("vanphong")
    page = client.get("/admin/don-vi?unit=H-BS&month=2026-10").get_data(as_text=True)
    ranked, apart = page.split("số liệu chung, không xếp hạng")
    ranks = re.findall(r'data-label="Hạng" class="num">(\d+)</td>\s*<td data-label="Đơn vị"[^>]*>([^<]+)<', ranked)
    assert ranks == [("1", "UBND thị trấn Châu Ổ"), ("2", "UBND xã Bình Chánh")]  # level 4 before level 2
    assert "Xếp hạng các đơn vị trực thuộc — Toàn huyện Bình Sơn" in ranked
    assert re.search(r">Toàn huyện Bình Sơn</td>.*?data-label=\"Số phiếu\" class=\"num\">97<", apart, re.S)
    everything = (world["district"].id, world["a"].id, world["b"].id)
    whole = fmt.percent(_sipas(app, everything, 202610))  # from analysis, not through the ranking's sums
    assert re.search(rf">Toàn huyện Bình Sơn</td>\s*<td data-label=\"Tỷ lệ hài lòng\" class=\"num\">{whole}<", apart)
    chau_o = fmt.percent(_sipas(app, (world["a"].id,), 202610))
    assert re.search(rf">UBND thị trấn Châu Ổ</td>\s*<td data-label=\"Tỷ lệ hài lòng\" class=\"num\">{chau_o}<", ranked)
    assert re.search(r">Bộ phận Một cửa của UBND huyện Bình Sơn</td>.*?data-label=\"Số phiếu\" class=\"num\">10<",
                     apart, re.S)  # fmt: skip


def test_a_single_unit_is_never_ranked(client, world, login):
    login("canbo.chauo")
    page = client.get("/admin/don-vi?month=2026-10").get_data(as_text=True)
    assert not re.search(r'data-label="Hạng" class="num">\d', page)
    assert "không có đơn vị trực thuộc để so sánh" in page
    assert 'data-label="Số phiếu" class="num">52<' in page  # 40 + 12


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("period=quarter&quarter_no=3&quarter_year=2026", "Quý III/2026"),
        ("period=month&month_no=9&month_year=2026", "Tháng 09/2026"),
        ("period=year&year=2026", "Năm 2026"),
        ("period=range&from_no=8&from_year=2026&to_no=10&to_year=2026", "Từ tháng 08/2026 đến tháng 10/2026"),
        ("quarter=2026-Q3", "Quý III/2026"),  # a link's key says its kind
        # the kind changed without a script: the month looked at gives the quarter, and nothing is "ignored"
        ("period=quarter&month_no=10&month_year=2026&anchor=2026-10", "Quý IV/2026"),
    ],
)
def test_period_boxes(client, world, login, query, title):
    login("vanphong")
    page = client.get(f"/admin/?{query}").get_data(as_text=True)
    assert f"Mức độ hài lòng — Tất cả đơn vị, {title}</h1>" in page
    assert "bỏ qua" not in page and "không hợp lệ" not in page


def test_only_the_chosen_kinds_boxes_are_sent_and_a_stray_box_is_named(client, world, login):
    login("vanphong")
    page = client.get("/admin/?period=month&month=2026-10").get_data(as_text=True)
    assert '<fieldset class="period-box" data-kind="month">' in page
    for kind in ("quarter", "year", "range"):
        assert f'<fieldset class="period-box" data-kind="{kind}" hidden disabled>' in page
    stray = client.get("/admin/?period=month&month=2026-10&quarter=2026-Q3").get_data(as_text=True)
    assert "Đang xem theo tháng: đã bỏ qua ô Quý" in stray and "Tháng 10/2026</h1>" in stray


@pytest.mark.parametrize("username", ["quantri", "canbo.chauo"])
def test_no_internal_code_on_the_dashboard_or_reports(client, world, login, username):
    login(username)
    for path in (*VIEWS, "/admin/bao-cao"):
        for query in (
            "period=month&month=2026-10",
            "period=quarter&quarter=2026-Q3",
            "period=range&from=2026-01&to=2026-10",
        ):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 200, path
            found = FORBIDDEN.search(visible_text(response.get_data(as_text=True)))
            assert found is None, (path, query, found and found.group(0))


def test_labels_name_scopes_and_changes():
    assert labels.unit_scope_name("UBND huyện Bình Sơn") == "Toàn huyện Bình Sơn"
    assert labels.unit_scope_name("UBND tỉnh Quảng Ngãi") == "Toàn tỉnh Quảng Ngãi"
    assert labels.unit_scope_name("Xã Bình Sơn") == "Toàn xã Bình Sơn"
    assert labels.unit_scope_name("Sở Tư pháp") == "Toàn Sở Tư pháp (gồm các đơn vị trực thuộc)"
    assert labels.unit_scope_name("UBND huyện Bình Sơn", alone=True) == "Bộ phận Một cửa của UBND huyện Bình Sơn"
    assert (labels.unit_scope_name("Trung tâm Phục vụ hành chính công tỉnh", alone=True)
            == "Trung tâm Phục vụ hành chính công tỉnh (chỉ đơn vị này)")  # fmt: skip
    assert labels.unit_scope_name("UBND xã Bình Chánh", has_children=False) == "UBND xã Bình Chánh"
    assert labels.change_words(2.114) == "tăng 2,11 điểm"
    assert labels.change_words(-0.5) == "giảm 0,50 điểm"
    assert labels.change_words(0.004) == "không đổi"
    assert labels.change_words(float("nan")) == "—"
    assert labels.period_label("2026-Q3") == "Quý III/2026" and labels.period_label("2026-10") == "Tháng 10/2026"
