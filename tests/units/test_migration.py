"""The migration of units through time moves each existing successor link into unit_successions, without loss."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey.extensions import db as _db

BEFORE = "5e0c3a7d9b21"  # the revision before units through time


def test_existing_successor_links_become_successions(app, db):
    with app.app_context():
        downgrade(revision=BEFORE)
        units = sa.table("units", sa.column("id"), sa.column("code"), sa.column("name"), sa.column("kind"),
                         sa.column("is_sample"), sa.column("valid_from"), sa.column("valid_to"),
                         sa.column("successor_id"))  # fmt: skip
        with _db.engine.begin() as conn:
            rows = [
                # new units first (the old ones point at them)
                (1, "X-BS", "Xã Bình Sơn", date(2025, 7, 1), None, None),
                (2, "X-LS", "Đặc khu Lý Sơn", None, None, None),
                (3, "X-CHAUO", "Thị trấn Châu Ổ", None, date(2025, 6, 30), 1),
                (4, "X-BCHANH", "Xã Bình Chánh", None, date(2025, 6, 30), 1),
                (
                    5,
                    "H-LS",
                    "Huyện Lý Sơn",
                    None,
                    None,
                    2,
                ),  # a link without valid_to: dated by the successor, else 1/7/2025
                (6, "X-BTRUNG", "Xã Bình Trung", None, None, 1),  # no valid_to: the successor's valid_from
                (7, "H-BS", "Huyện Bình Sơn", None, date(2025, 6, 30), None),  # no successor: nothing to move
            ]
            for uid, code, name, start, end, successor in rows:
                conn.execute(sa.insert(units).values(id=uid, code=code, name=name, kind="commune", is_sample=False,
                                                     valid_from=start, valid_to=end, successor_id=successor))  # fmt: skip
            # what hangs on the units must survive their rebuild (SQLite): fields received, counters, signer
            conn.execute(sa.text("INSERT INTO fields (id, code, name, sort_order) VALUES (1, 'HT', 'Hộ tịch', 0)"))
            conn.execute(sa.text("INSERT INTO unit_fields (unit_id, field_id) VALUES (3, 1)"))
            conn.execute(sa.text("INSERT INTO counters (id, unit_id, code, name, token, is_active, created_at) "
                                 "VALUES (1, 3, 'Q-CHAUO', 'Quầy 1', 'tok-chauo', :t, :c)"),
                         {"t": True, "c": "2025-01-01 00:00:00"})  # fmt: skip
            conn.execute(sa.text("UPDATE units SET report_signer_name = 'Nguyễn Văn A' WHERE id = 3"))
        upgrade()
        with _db.engine.connect() as conn:
            moved = conn.execute(sa.text("SELECT predecessor_id, successor_id, date, kind, share FROM unit_successions "
                                         "ORDER BY predecessor_id")).all()  # fmt: skip
            columns = {c["name"] for c in sa.inspect(conn).get_columns("units")}
        # by hand: 3, 4 and 6 went whole into 1 (three predecessors: a merge), 5 alone into 2 (a rename)
        assert [(p, s, str(d), k, sh) for p, s, d, k, sh in moved] == [
            (3, 1, "2025-07-01", "merge", 1.0),
            (4, 1, "2025-07-01", "merge", 1.0),
            (5, 2, "2025-07-01", "rename", 1.0),
            (6, 1, "2025-07-01", "merge", 1.0),
        ]
        assert "successor_id" not in columns and "unit_type" in columns
        with _db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT unit_id, field_id FROM unit_fields")).all() == [(3, 1)]
            assert conn.execute(sa.text("SELECT unit_id, code FROM counters")).all() == [(3, "Q-CHAUO")]
            assert conn.execute(sa.text("SELECT report_signer_name FROM units WHERE id = 3")).scalar() == "Nguyễn Văn A"

        downgrade(revision=BEFORE)  # and back: each whole succession is a successor link again
        with _db.engine.connect() as conn:
            back = conn.execute(sa.text("SELECT id, successor_id FROM units ORDER BY id")).all()
        assert [tuple(r) for r in back] == [(1, None), (2, None), (3, 1), (4, 1), (5, 2), (6, 1), (7, None)]
        upgrade()
