"""Every dashboard view and export sends a fixed number of SQL statements: as many with 14 communes and a
year of answers as with 2 communes and two months (no statement per unit, per month or per row)."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Field
from survey.services.responses import build_response
from tests.admin.conftest import _ballots
from tests.conftest import sql_statements

VIEWS = {"overview": "/admin/", "fields": "/admin/linh-vuc", "units": "/admin/don-vi", "trend": "/admin/xu-huong",
         "items": "/admin/tieu-chi", "expectations": "/admin/mong-doi", "comments": "/admin/y-kien"}  # fmt: skip
SCOPES = {"year": "period=year&year=2026", "month": "period=month&month=2026-10",
          "district": "period=quarter&quarter=2026-Q4&unit=H-BS"}  # fmt: skip
#: the most any page or file may send (the overview: session, filters, three periods, complaints, rates, notes)
MOST = 30


def _statements(app, client) -> dict[tuple[str, str], int]:
    out = {}
    for scope, query in SCOPES.items():
        targets = [(name, f"{path}?{query}") for name, path in VIEWS.items()]
        targets += [
            (f"{name}.{kind}", f"/admin/xuat/{name}.{kind}?{query}") for name in VIEWS for kind in ("csv", "xlsx")
        ]
        for name, path in targets:
            with sql_statements(app) as statements:
                response = client.get(path)
            assert response.status_code == 200, path
            out[scope, name] = len(statements)
    return out


def test_statements_per_view_do_not_grow_with_units_or_months(app, client, world, login, make_unit, make_counter):
    login("vanphong")
    few = _statements(app, client)
    assert max(few.values()) <= MOST, {k: v for k, v in few.items() if v > MOST}
    with app.app_context():
        ht = _db.session.scalar(select(Field.id).where(Field.code == "HT"))
    for i in range(12):  # twelve more communes under the district, each answering every month of 2026
        commune = make_unit(code=f"X-THEM-{i:02d}", name=f"UBND xã Thêm {i:02d}", parent_id=world["district"].id)
        counter = make_counter(unit=commune, code=f"X-THEM-{i:02d}-Q1")
        with app.app_context():
            for month in range(1, 13):
                for ballot in _ballots(commune.id, counter.id, ht, 2, 3 + month % 3, ["Ý kiến thêm"], month=month):
                    _db.session.add(build_response(ballot))
            _db.session.commit()
    more = _statements(app, client)
    assert more == few


def test_a_page_reads_the_unit_tree_once(app, client, world, login):
    login("vanphong")
    with sql_statements(app) as statements:
        assert client.get("/admin/don-vi?" + SCOPES["district"]).status_code == 200
    # the units view reads the graph of today's boundaries (every unit, every succession) and the unit filter's
    # tree (every unit, by name), each once: one statement names unit_successions, and no other checks them
    assert sum("unit_successions" in s.lower() for s in statements) == 1
