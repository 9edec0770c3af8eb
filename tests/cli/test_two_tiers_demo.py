"""Issue 14's "Done when" on the demo (``seed-demo``): what ``make run`` shows, and the exchange CSV of the
day's boundaries through ``python -m analysis`` printing the dashboard's figure for Xã Bình Sơn in 03/2025.

Expected names are the issue's (Nghị quyết 1677/NQ-UBTVQH15); the figures compared are read from the two
outputs (the dashboard's page and the analysis CLI), never from the code that computes them.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from survey.extensions import db as _db
from survey.figures import fmt

TODAY = date(2026, 11, 15)
NEW_COMMUNES = ("Xã Bình Sơn", "Xã Vạn Tường", "Xã Bình Minh", "Xã Bình Chương", "Xã Đông Sơn")
#: the demo's accounts as README and ``demo-info`` print them
PASSWORDS = {"sonoivu": "sonoivu-mau-2026", "binhson": "binhson-mau-2026"}


@pytest.fixture(scope="module")
def demo(app):
    """The demo, once for the module (the ``runner`` and ``client`` fixtures would empty it after a test)."""
    from survey.services.demo import seed_demo

    with app.app_context():
        seed_demo(today=TODAY)
        _db.session.commit()
    yield
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


def _client(app, username: str):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/admin/login", data={"username": username, "password": PASSWORDS[username],
                                                "csrf_token": token})  # fmt: skip
    assert answer.status_code == 302, username
    return client


def _headline(html: str) -> str:
    return re.search(r'id="sipas-number">([^<]+)<', html).group(1).strip()


def _trend_rows(html: str) -> dict[str, str]:
    """Month (mm/yyyy) → the SIPAS printed in the trend page's table."""
    rows = re.findall(r'data-label="Tháng"[^>]*>(\d\d/\d{4})</td>\s*<td[^>]*>[^<]*</td>\s*'
                      r'<td data-label="Chỉ số hài lòng chung \(SIPAS\)"[^>]*>([^<]+)</td>', html)  # fmt: skip
    return dict(rows)


def test_the_export_on_2026_boundaries_through_the_analysis_cli_prints_the_dashboards_figure(app, demo, tmp_path):
    out = tmp_path / "responses.csv"
    result = app.test_cli_runner().invoke(args=["responses", "export", "--out", str(out), "--boundaries", "2026-01-01"])
    assert result.exit_code == 0, result.output
    cli = subprocess.run([sys.executable, "-m", "analysis", "sipas", str(out), "--by", "unit_code,month"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    table = pd.read_csv(io.StringIO(cli.stdout), dtype={"unit_code": str})
    overall = table[table["level"] == "overall"].set_index(["unit_code", "month"])["index"]
    printed = fmt.percent(overall[("21040", "2025-03")])  # Xã Bình Sơn (code 21040 since 1/7/2025)
    assert _headline(_client(app, "binhson").get("/admin/?month=2025-03").get_data(as_text=True)) == printed
    reviewer = _client(app, "sonoivu").get("/admin/?month=2025-03&unit=21040").get_data(as_text=True)
    assert _headline(reviewer) == printed
    # and after the merger, the same
    after = fmt.percent(overall[("21040", "2026-03")])
    assert _headline(_client(app, "binhson").get("/admin/?month=2026-03").get_data(as_text=True)) == after


@pytest.mark.parametrize("username", ["binhson", "sonoivu"])
def test_the_trend_of_xa_binh_son_runs_across_the_merger_with_the_break_marked(app, demo, username):
    client = _client(app, username)
    html = client.get("/admin/xu-huong?month=2026-03&unit=21040").get_data(as_text=True)
    assert "Xã Bình Sơn" in html
    assert "sáp nhập" in html and 'stroke-dasharray="4 4"' in html  # the break on the chart, named
    assert "theo địa giới hành chính ngày" in html and "01/07/2025" in html
    rows = _trend_rows(html)
    # twelve months to 03/2026: before the merger (its seven predecessors' answers) and after it
    assert {"04/2025", "05/2025", "06/2025", "07/2025", "08/2025", "03/2026"} <= set(rows)
    assert all(re.fullmatch(r"\d{1,3},\d\d %", rows[m]) for m in ("06/2025", "07/2025")), rows


def test_the_demo_shows_the_2026_structure(app, demo):
    reviewer = _client(app, "sonoivu")
    page = reviewer.get("/admin/don-vi?month=2026-03").get_data(as_text=True)
    ranking = page[page.index("<table") : page.index("</table>")]  # the ranking (the unit picker lists history too)
    for name in NEW_COMMUNES:
        assert name in ranking, name
    assert "Đặc khu Lý Sơn" in ranking and "Huyện Bình Sơn" not in ranking  # districts are gone in 2026
    overview = reviewer.get("/admin/?month=2026-03").get_data(as_text=True)
    assert "Tỉnh Quảng Ngãi" in overview
    officer = _client(app, "binhson").get("/admin/?month=2026-03").get_data(as_text=True)
    assert "Xã Bình Sơn" in officer and "Xã Vạn Tường" not in officer  # an officer sees its own commune
    # the form at the demo counter names the commune's centre as ND 118 does
    from survey.models import Counter
    from survey.services import counters as counter_service
    from survey.services.demo import DEMO_COUNTER

    with app.app_context():
        counter = _db.session.query(Counter).filter_by(code=DEMO_COUNTER).one()
        url = counter_service.survey_url(counter, "")
    form = app.test_client().get(url).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", form))
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ BÌNH SƠN ĐIỂM TIẾP NHẬN SỐ 1" in text  # the one-stop identity
