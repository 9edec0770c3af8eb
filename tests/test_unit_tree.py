"""The unit tree read once per unit of work (survey/unit_tree.py): asked again, it sends no statement; changed
in the same app context, CLI command or request (GET or POST), it is read again at the next use."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from survey.admin import filters
from survey.extensions import db as _db
from survey.figures import boundaries
from survey.models import Unit
from survey.services import units as unit_service
from tests.conftest import sql_statements


def codes(graph: boundaries.Graph) -> set[str]:
    return {node.code for node in graph.units.values()}


def test_asked_again_the_tree_sends_no_statement(app, db, make_unit):
    top = make_unit(code="H-01", name="Huyện Một", kind="district")
    child = make_unit(code="X-01", name="Xã Một", parent_id=top.id)
    with app.app_context():
        with sql_statements(app) as statements:
            graph = boundaries.graph()
            for _ in range(5):
                assert boundaries.graph() is graph
                assert [u.code for u in filters.children_of(None)] == ["H-01"]
                assert set(unit_service.subtree_ids(top.id)) == {top.id, child.id}
        # one read of every unit (the tree: the filters' and the subtrees' as well as the graph's) and one of every
        # succession: two statements, however often they are asked for
        assert len(statements) == 2
        assert codes(graph) == {"H-01", "X-01"}


def test_a_change_in_the_same_app_context_is_seen_at_the_next_read(app, db):
    merger = date(2025, 7, 1)
    with app.app_context():
        province = unit_service.add_unit("51", "Tỉnh Quảng Ngãi", unit_type="tinh")
        assert codes(boundaries.graph()) == {"51"}
        old = unit_service.add_unit("21040", "Thị trấn Châu Ổ", unit_type="thi_tran", parent=province)  # flushed
        assert codes(boundaries.graph()) == {"51", "21040"}
        assert [u.name for u in filters.children_of(province)] == ["Thị trấn Châu Ổ"]

        new = Unit(code="21041", name="Xã Bình Sơn", kind="commune", parent=province)
        _db.session.add(new)  # not flushed yet: the next read flushes it
        assert codes(boundaries.graph()) == {"51", "21040", "21041"}
        assert [u.name for u in filters.children_of(province)] == ["Thị trấn Châu Ổ", "Xã Bình Sơn"]

        new.name = "Phường Bình Sơn"  # renamed: first by name now
        assert boundaries.graph().units[new.id].name == "Phường Bình Sơn"
        assert [u.name for u in filters.children_of(province)] == ["Phường Bình Sơn", "Thị trấn Châu Ổ"]

        # a merger: a succession, and the old unit closed by a bulk UPDATE that no flush sees
        succession = unit_service.record_succession(old, new, merger, "merge")
        assert boundaries.graph().targets(old.id, date(2026, 1, 1)) == {old.id: 1.0}  # in force: its answers its own
        _db.session.execute(update(Unit).where(Unit.id == old.id).values(valid_to=date(2025, 6, 30)))
        assert boundaries.graph().targets(old.id, date(2026, 1, 1)) == {new.id: 1.0}

        _db.session.delete(succession)  # recorded by mistake: the closed unit's answers are its own again
        _db.session.flush()
        assert boundaries.graph().targets(old.id, date(2026, 1, 1)) == {old.id: 1.0}

        _db.session.rollback()  # nothing was committed: the tree is empty again
        assert codes(boundaries.graph()) == set()
        assert filters.children_of(None) == []


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_change_in_one_request_is_seen_in_the_same_request(app, db, make_unit, method):
    top = make_unit(code="H-01", name="Huyện Một", kind="district")
    with app.test_request_context("/admin/don-vi", method=method):
        assert [u.code for u in filters.children_of(None)] == ["H-01"]
        assert unit_service.subtree_ids(top.id) == [top.id]
        parent = _db.session.get(Unit, top.id)
        added = unit_service.add_unit("X-09", "Xã Chín", unit_type="xa", parent=parent)
        assert [u.code for u in filters.children_of(parent)] == ["X-09"]
        assert set(unit_service.subtree_ids(top.id)) == {top.id, added.id}
        assert boundaries.graph().units[added.id].parent_id == top.id
