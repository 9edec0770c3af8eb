"""The migration to service points moves every existing counter into a service point of its unit, without loss."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey.extensions import db as _db

BEFORE = "b7e2d4f1a6c3"  # the revision before service points


def _insert_old_data(conn) -> None:
    conn.execute(sa.text(
        "INSERT INTO units (id, code, name, kind, unit_type, is_sample, valid_from, valid_to) VALUES "
        "(1, '21040', 'Xã Bình Sơn', 'commune', 'xa', :f, '2025-07-01', NULL), "
        "(2, '21040', 'Thị trấn Châu Ổ', 'commune', 'thi_tran', :f, NULL, '2025-06-30'), "
        "(3, '21052', 'Xã Bình Chánh', 'commune', 'xa', :f, NULL, '2025-06-30'), "
        "(4, '21548', 'Đặc khu Lý Sơn', 'commune', 'dac_khu', :f, '2025-07-01', NULL)"
    ), {"f": False})  # fmt: skip
    conn.execute(sa.text("INSERT INTO fields (id, code, name, sort_order) VALUES (1, 'HT', 'Hộ tịch', 0), "
                         "(2, 'DD', 'Đất đai', 1)"))  # fmt: skip
    counters = [(1, 1, "Q-BS-1"), (2, 1, "Q-BS-2"), (3, 2, "Q-CHAUO"), (4, 3, "Q-BCHANH")]
    for cid, unit_id, code in counters:
        conn.execute(sa.text("INSERT INTO counters (id, unit_id, code, name, token, is_active, created_at) "
                             "VALUES (:i, :u, :c, 'Quầy số 1', :t, :a, '2025-01-01 00:00:00')"),
                     {"i": cid, "u": unit_id, "c": code, "t": f"tok-{code}", "a": unit_id == 1})  # fmt: skip
    conn.execute(sa.text("INSERT INTO counter_fields (counter_id, field_id) VALUES (2, 1), (2, 2)"))
    for rid, unit_id, counter_id in [(1, 1, 1), (2, 1, 2), (3, 2, 3), (4, 3, 4), (5, 4, None)]:
        conn.execute(sa.text(
            "INSERT INTO responses (id, response_key, profile, unit_id, counter_id, field_id, channel, submitted_at, "
            "period_month, received_at, is_excluded, folded) VALUES (:i, :k, 'sipas-2024', :u, :c, 1, 'qr', "
            "'2025-05-05 03:00:00', 202505, '2025-05-05 03:00:01', :f, :f)"
        ), {"i": rid, "k": f"key-{rid:020d}", "u": unit_id, "c": counter_id, "f": False})  # fmt: skip
    conn.execute(sa.text("INSERT INTO feedback_items (id, response_id, unit_id, kind, status, created_at, due_at) "
                         "VALUES (1, 3, 2, 'low_score', 'new', '2025-05-05 03:00:00', '2025-05-12 03:00:00')"))  # fmt: skip


def test_counters_move_into_a_service_point_of_their_unit(app, db):
    with app.app_context():
        downgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            _insert_old_data(conn)
        upgrade()
        with _db.engine.connect() as conn:
            points = conn.execute(sa.text("SELECT id, unit_id, kind, name, valid_from, valid_to FROM service_points "
                                          "ORDER BY unit_id")).all()  # fmt: skip
            counters = conn.execute(sa.text("SELECT c.id, c.unit_id, p.unit_id, p.kind FROM counters c "
                                            "JOIN service_points p ON p.id = c.service_point_id ORDER BY c.id")).all()  # fmt: skip
            responses = conn.execute(sa.text("SELECT r.id, p.unit_id FROM responses r "
                                             "LEFT JOIN service_points p ON p.id = r.service_point_id ORDER BY r.id")).all()  # fmt: skip
            kept_fields = conn.execute(sa.text("SELECT counter_id, field_id FROM counter_fields ORDER BY 2")).all()
            kept_items = conn.execute(sa.text("SELECT id, response_id FROM feedback_items")).all()
        # by hand: units 1, 2 and 3 have counters (4 has none): three service points; the unit in force since
        # 1/7/2025 gets a centre, the two closed on 30/6/2025 their Bộ phận Một cửa
        assert [(u, k, n) for _i, u, k, n, _f, _t in points] == [
            (1, "centre", "Trung tâm Phục vụ hành chính công"),
            (2, "one_stop", "Bộ phận Tiếp nhận và Trả kết quả (Một cửa)"),
            (3, "one_stop", "Bộ phận Tiếp nhận và Trả kết quả (Một cửa)"),
        ]
        assert str(points[1][5]) == "2025-06-30"  # the Bộ phận Một cửa ends with its unit
        # all four counters, each in its own unit's point
        assert [(c, u, pu, k) for c, u, pu, k in counters] == [
            (1, 1, 1, "centre"), (2, 1, 1, "centre"), (3, 2, 2, "one_stop"), (4, 3, 3, "one_stop"),
        ]  # fmt: skip
        # each response keeps its counter's point; the one without a counter has none
        assert [tuple(r) for r in responses] == [(1, 1), (2, 1), (3, 2), (4, 3), (5, None)]
        assert [tuple(r) for r in kept_fields] == [(2, 1), (2, 2)]  # the rebuild of counters kept them
        assert [tuple(r) for r in kept_items] == [(1, 3)]  # and the rebuild of responses kept the feedback

        downgrade(revision=BEFORE)  # and back: the counters are where they were
        with _db.engine.connect() as conn:
            back = conn.execute(sa.text("SELECT id, unit_id FROM counters ORDER BY id")).all()
            assert conn.execute(sa.text("SELECT count(*) FROM responses")).scalar() == 5
        assert [tuple(r) for r in back] == [(1, 1), (2, 1), (3, 2), (4, 3)]
        upgrade()
