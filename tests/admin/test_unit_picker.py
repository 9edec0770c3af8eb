"""The dashboard's unit picker names a former unit whose code a unit of today reuses (21040: Thị trấn Châu Ổ until
30/6/2025, Xã Bình Sơn from 1/7/2025), and choosing it opens that former unit, not today's."""

import re

import pytest

from tests.figures.test_boundaries import _login, history  # noqa: F401


def _options(html: str) -> dict[str, str]:
    select = re.search(r'<select[^>]*name="unit".*?</select>', html, re.S).group(0)
    return {
        v: re.sub(r"^[\s\u2003]+", "", n)
        for v, n in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    }


def _selected(html: str) -> str:
    select = re.search(r'<select[^>]*name="unit".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected', select).group(1)


@pytest.mark.usefixtures("history")
def test_a_reused_code_names_each_unit_once_and_opens_the_one_chosen(client):
    _login(client, "sonoivu")
    options = _options(client.get("/admin/?month=2025-03").get_data(as_text=True))
    assert options["21040"] == "Xã Bình Sơn"
    assert options["21040@2025-06-30"] == "Thị trấn Châu Ổ"
    former = client.get("/admin/?month=2025-03&unit=21040@2025-06-30").get_data(as_text=True)
    assert _selected(former) == "21040@2025-06-30"
    assert "Thị trấn Châu Ổ" in re.search(r"<h1.*?</h1>", former, re.S).group(0)
    today = client.get("/admin/?month=2025-03&unit=21040").get_data(as_text=True)
    assert _selected(today) == "21040"
    assert "Xã Bình Sơn" in re.search(r"<h1.*?</h1>", today, re.S).group(0)


@pytest.mark.usefixtures("history")
def test_a_bad_day_or_a_day_the_code_was_not_in_force_is_not_found(client):
    _login(client, "sonoivu")
    assert client.get("/admin/?unit=21040@2025-13-01").status_code == 404
    assert client.get("/admin/?unit=21160@2024-01-01").status_code == 404  # Xã Vạn Tường begins on 1/7/2025
