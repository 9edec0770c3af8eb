"""A commune officer sees only their commune: by menu, by filter, and by guessing URLs or ids."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import FeedbackItem, Report
from tests.admin.conftest import csrf_from

VIEWS = ("/admin/", "/admin/linh-vuc", "/admin/don-vi", "/admin/xu-huong", "/admin/tieu-chi", "/admin/mong-doi",
         "/admin/y-kien")  # fmt: skip
EXPORTS = [f"/admin/xuat/{v}.{fmt}" for v in ("overview", "fields", "units", "trend", "items", "expectations",
                                              "comments") for fmt in ("csv", "xlsx")]  # fmt: skip


def _text(response) -> str:
    if response.mimetype.endswith("sheet"):
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        return "\n".join(str(c.value) for s in book for row in s.iter_rows() for c in row if c.value is not None)
    return response.get_data(as_text=True)


def test_officer_sees_only_own_commune_in_views_and_exports(client, world, login):
    login("canbo.chauo")
    for path in VIEWS + tuple(EXPORTS):
        response = client.get(path + "?month=2026-10")
        assert response.status_code == 200, path
        text = _text(response)
        assert "Bình Chánh" not in text and "Bí mật" not in text, path
    page = client.get("/admin/y-kien?month=2026-10").get_data(as_text=True)
    assert "tận tình" in page  # "Cán bộ Châu Ổ tận tình", its words after "cán bộ" masked as a possible name


def test_officer_cannot_filter_or_guess_other_units(app, client, world, login):
    login("canbo.chauo")
    for path in VIEWS + tuple(EXPORTS):
        for unit in ("X-BCHANH", "H-BS", "KHONG-CO"):
            assert client.get(f"{path}?unit={unit}").status_code == 404, (path, unit)
    with app.app_context():
        other_item = db.session.scalar(select(FeedbackItem.id).where(FeedbackItem.unit_id == world["b"].id))
        db.session.add(Report(unit_id=world["b"].id, period="2026-10", path="2026-10"))
        db.session.commit()
        report_id = db.session.scalar(select(Report.id))
    assert client.get(f"/admin/phan-anh/{other_item}").status_code == 404
    token = csrf_from(client, "/admin/phan-anh")
    for action in ("giao", "tra-loi", "dong"):
        response = client.post(f"/admin/phan-anh/{other_item}/{action}", data={"csrf_token": token, "text": "x",
                                                                              "assignee": str(world["officer_a"])})  # fmt: skip
        assert response.status_code == 404, action
    for path in (f"/admin/quay/{world['counter_b']}/qr.png", f"/admin/quay/{world['counter_b']}/ap-phich.pdf",
                 f"/admin/bao-cao/{report_id}.pdf", f"/admin/bao-cao/{report_id}.docx"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert "Bình Chánh" not in client.get("/admin/phan-anh").get_data(as_text=True)
    assert "X-BCHANH" not in client.get("/admin/quay").get_data(as_text=True)
    assert "Bình Chánh" not in client.get("/admin/bao-cao").get_data(as_text=True)
    # the unit menu offers only their commune
    assert "Bình Chánh" not in client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(FeedbackItem.status).where(FeedbackItem.id == other_item)) == "new"


@pytest.mark.parametrize("path", ["/admin/nguoi-dung", "/admin/don-vi-quan-ly"])
def test_management_pages_are_for_admins(client, world, login, path):
    login("canbo.chauo")
    assert client.get(path).status_code == 403
    token = csrf_from(client, "/admin/")
    assert client.post(path, data={"csrf_token": token}).status_code == 403
    assert client.post(f"/admin/quay/{world['counter_a']}/thu-hoi", data={"csrf_token": token}).status_code == 403


def test_reviewer_sees_every_unit_and_ranks_them(client, world, login):
    login("vanphong")
    page = client.get("/admin/don-vi?month=2026-10").get_data(as_text=True)
    assert "UBND thị trấn Châu Ổ" in page and "UBND xã Bình Chánh" in page
    assert client.get("/admin/?unit=X-BCHANH&month=2026-10").status_code == 200
