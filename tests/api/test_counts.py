"""POST /api/v1/dossier-counts and `flask dossiers import`: a resend replaces, a bad cell stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from openpyxl import Workbook

from tests.api.conftest import assert_problem, bearer, calls_logged, counts_stored

#: 09:00 on 24/11/2026 in Vietnam: November 2026 is the current month, December is the future
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("survey.services.dossiers.utcnow", lambda: NOW)


def cell(**values):
    base = {"unit": "21040", "field": "HT", "month": "2026-10", "received": 130, "returned": 120,
            "returned_late": 6}  # fmt: skip
    return {k: v for k, v in {**base, **values}.items() if v is not None}


def send(client, secret, *cells):
    return client.post("/api/v1/dossier-counts", json={"counts": list(cells)}, headers=bearer(secret))


def test_counts_resent_replace(app, client, district, make_key):
    secret = make_key(district.a)
    first = send(client, secret, cell(), cell(procedure="1.001193", received=50, returned=45, returned_late=1))
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"created": 2, "replaced": 0}
    again = send(client, secret, cell(received=140, returned=125, returned_late=7))
    assert again.get_json() == {"created": 0, "replaced": 1}
    # the field as a whole and one of its procedures are two cells; the resend replaced, not added
    assert counts_stored(app) == [("21040", "HT", None, 202610, 140, 125, 7),
                                  ("21040", "HT", "1.001193", 202610, 50, 45, 1)]  # fmt: skip


def test_service_point_counts_for_its_unit_and_the_current_month_is_accepted(app, client, district, make_key):
    secret = make_key(district.a)
    response = send(client, secret, cell(unit=None, service_point="21040-Q2", month="2026-11"))
    assert response.get_json() == {"created": 1, "replaced": 0}
    assert counts_stored(app) == [("21040", "HT", None, 202611, 130, 120, 6)]


def test_key_of_commune_a_cannot_send_for_commune_b(app, client, district, make_key):
    secret = make_key(district.a)
    # a good cell of A first: nothing at all is stored
    assert_problem(send(client, secret, cell(), cell(unit="MAU-BCHANH")), 404)
    assert_problem(send(client, secret, cell(unit=None, service_point="MAU-BCHANH-Q1")), 404)
    assert counts_stored(app) == []
    assert send(client, make_key(district.top), cell(unit="MAU-BCHANH")).status_code == 200


@pytest.mark.parametrize(
    "bad, status",
    [
        ({"received": -1}, 422),
        ({"returned_late": 121}, 422),  # more late than returned
        ({"month": "2026-12"}, 422),  # the future
        ({"month": "2026-13"}, 422),
        ({"month": "10/2026"}, 422),  # the API takes YYYY-MM only
        ({"field": "XX"}, 422),
        ({"procedure": "9.999"}, 422),
        ({"procedure": "1.004227"}, 422),  # Đất đai's procedure under Hộ tịch
        ({"received": "130"}, 422),  # a string is not a number
        ({"received": 1.5}, 422),
        ({"unit": "KHONG-CO"}, 404),
        ({"unit": None}, 404),  # neither unit nor service point
        ({"extra": 1}, 422),
    ],
)
def test_bad_cells_store_nothing(app, client, district, make_key, bad, status):
    body = assert_problem(send(client, make_key(district.a), cell(), cell(**{"month": "2026-09", **bad})), status)
    if status == 422:
        assert "1" in body["errors"]["counts"] if "counts" in body["errors"] else "1" in body["errors"]
    assert counts_stored(app) == []


def test_malformed_empty_and_oversized_bodies(app, client, district, make_key):
    headers = {**bearer(make_key(district.a)), "Content-Type": "application/json"}
    assert_problem(client.post("/api/v1/dossier-counts", data="{counts: []}", headers=headers), 400)
    assert_problem(client.post("/api/v1/dossier-counts", data='{"counts": []}', headers=headers), 422)
    assert_problem(client.post("/api/v1/dossier-counts", data="null", headers=headers), 422)
    many = {"counts": [cell(month=f"20{10 + i // 12}-{1 + i % 12:02d}") for i in range(1001)]}
    assert_problem(client.post("/api/v1/dossier-counts", json=many, headers=headers), 413)  # ~100 KB > 64 KB
    assert counts_stored(app) == []


def test_rate_limited_per_key(app, client, district, make_key):
    first, second = make_key(district.a), make_key(district.a, name="Cổng thông tin tỉnh")
    app.config["RATELIMIT_PER_API_KEY"] = "2/minute"
    try:
        assert send(client, first, cell()).status_code == 200
        assert send(client, first, cell()).status_code == 200
        assert_problem(send(client, first, cell(received=999)), 429)
        assert send(client, second, cell()).status_code == 200  # another key has its own count
    finally:
        app.config["RATELIMIT_PER_API_KEY"] = "300/minute;20000/hour"
    assert counts_stored(app)[0][4] == 130
    assert [status for _key, _action, status in calls_logged(app)] == [200, 200, 429, 200]


# ---- the spreadsheet -------------------------------------------------------------------


def test_import_xlsx_with_vietnamese_headers(app, runner, district, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Mã lĩnh vực", "Mã thủ tục", "Tháng", "Tiếp nhận", "Đã trả kết quả", "Trả quá hạn",
                  "Ghi chú"])  # fmt: skip
    sheet.append(["21040", "HT", None, "10/2026", 130, 120, 6, "bỏ qua cột này"])
    sheet.append(["MAU-BCHANH", "DD", "1.004227", datetime(2026, 10, 1), 12, 10, 0, None])
    sheet.append([None] * 8)
    book.save(tmp_path / "ho-so.xlsx")
    result = runner.invoke(args=["dossiers", "import", str(tmp_path / "ho-so.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 2 ô" in result.output
    assert counts_stored(app) == [("21040", "HT", None, 202610, 130, 120, 6),
                                  ("MAU-BCHANH", "DD", "1.004227", 202610, 12, 10, 0)]  # fmt: skip
    # imported again with a corrected number: replaced, not added
    sheet.cell(row=2, column=5, value=131)
    book.save(tmp_path / "ho-so.xlsx")
    result = runner.invoke(args=["dossiers", "import", str(tmp_path / "ho-so.xlsx")])
    assert "0 ô mới, 2 ô thay số cũ" in result.output
    assert counts_stored(app)[0][4] == 131


def test_import_is_all_or_nothing_with_vietnamese_row_errors(app, runner, district, tmp_path):
    path = tmp_path / "ho-so.csv"
    path.write_text(
        "unit_code,field_code,month,received,returned,returned_late\n"
        "21040,HT,2026-10,130,120,6\n"
        "MAU-KHONGCO,HT,2026-10,1,1,0\n"
        "21040,DD,2027-01,-3,1,2\n"
        "21040,HT,2026-10,1,1,0\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["dossiers", "import", str(path)])
    assert result.exit_code == 1
    assert "Tệp bị từ chối, không dòng nào được nhập" in result.output
    assert "dòng 3, cột unit: không có đơn vị mã 'MAU-KHONGCO'" in result.output
    assert "dòng 4, cột month: tháng chưa tới" in result.output
    assert "dòng 4, cột received: số hồ sơ tiếp nhận không được âm" in result.output
    assert "dòng 4, cột returned_late: " not in result.output  # 2 > 1, but the row has other errors first
    assert "dòng 5: trùng ô với dòng 2" in result.output
    assert counts_stored(app) == []


def test_import_refuses_a_file_without_the_columns(app, runner, district, tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("đơn vị,số\n21040,3\n", encoding="utf-8")
    result = runner.invoke(args=["dossiers", "import", str(path)])
    assert result.exit_code == 1
    assert "thiếu cột field (mã lĩnh vực), month" in result.output
    assert counts_stored(app) == []


def test_a_cell_twice_in_one_request_and_control_characters_are_refused(app, client, district, make_key):
    secret = make_key(district.a)
    body = assert_problem(send(client, secret, cell(), cell(received=1, returned=1, returned_late=0)), 422)
    assert body["errors"]["1"]["counts"] == ["Trùng ô với ô 0 (cùng đơn vị, lĩnh vực, thủ tục, tháng)."]
    assert_problem(send(client, secret, cell(field="H\x00T")), 422)  # PostgreSQL refuses NUL: never a 500
    assert_problem(send(client, secret, cell(unit="MAU\x00CHAUO")), 422)
    response = client.get("/api/v1/indices?unit=MAU%00CHAUO", headers=bearer(secret))
    assert response.status_code in (400, 422) and response.mimetype == "application/problem+json"
    assert counts_stored(app) == []
