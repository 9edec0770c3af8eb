"""service points as Nghị định 118/2025 names them: service_points, counters.service_point_id, responses.service_point_id

Revision ID: b7e4c2a9d618
Revises: b7e2d4f1a6c3
Create Date: 2026-11-30 09:10:00

Counters now stand in a service point (a unit's Trung tâm Phục vụ hành chính công, one of its điểm tiếp nhận,
a province centre's chi nhánh, or before 1/7/2025 the unit's Bộ phận Một cửa). Every unit that has counters
gets one service point and all its counters move into it, none lost: a centre, or a Bộ phận Một cửa for a unit
that ended before 1/7/2025. Each stored response keeps the service point of its counter.
On SQLite the counters and responses tables are rebuilt (a NOT NULL column, foreign keys), with foreign keys
off for the rebuild so that counter_fields, feedback items, reviews and the rest keep their rows.
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4c2a9d618'
down_revision = 'b7e2d4f1a6c3'
branch_labels = None
depends_on = None

ND118_DAY = date(2025, 7, 1)
NAMES = {'centre': 'Trung tâm Phục vụ hành chính công', 'one_stop': 'Bộ phận Tiếp nhận và Trả kết quả (Một cửa)'}

units = sa.table('units', sa.column('id', sa.Integer), sa.column('valid_from', sa.Date), sa.column('valid_to', sa.Date))
counters = sa.table('counters', sa.column('id', sa.Integer), sa.column('unit_id', sa.Integer),
                    sa.column('service_point_id', sa.Integer))
points = sa.table('service_points', sa.column('id', sa.Integer), sa.column('unit_id', sa.Integer),
                  sa.column('kind', sa.String), sa.column('name', sa.String), sa.column('valid_from', sa.Date),
                  sa.column('valid_to', sa.Date))


def _foreign_keys(on: bool) -> None:
    """SQLite rebuilds ``counters``: with foreign keys on, dropping the old table would empty counter_fields
    (cascade) or fail on responses, so they are off for the rebuild (outside a transaction)."""
    conn = op.get_bind()
    if conn.dialect.name != 'sqlite':
        return
    raw = conn.connection.dbapi_connection
    if raw.in_transaction:  # the PRAGMA is a no-op inside a transaction: end what the earlier steps wrote
        raw.commit()
    conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if conn.exec_driver_sql('PRAGMA foreign_keys').scalar() != int(on):
        raise RuntimeError('could not switch SQLite foreign keys for the rebuild of counters')


def upgrade():
    op.create_table('service_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('number', sa.SmallInteger(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('centre', 'intake', 'branch', 'one_stop')", name=op.f('ck_service_points_kind')),
    sa.ForeignKeyConstraint(['centre_id'], ['service_points.id'], name=op.f('fk_service_points_centre_id_service_points')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_service_points_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_points'))
    )
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_points_unit_id'), ['unit_id'], unique=False)

    conn = op.get_bind()
    # one service point for every unit that has counters; its counters move into it
    with_counters = conn.execute(
        sa.select(units.c.id, units.c.valid_from, units.c.valid_to)
        .where(units.c.id.in_(sa.select(counters.c.unit_id).distinct())).order_by(units.c.id)
    ).all()
    for unit in with_counters:
        kind = 'one_stop' if unit.valid_to is not None and unit.valid_to < ND118_DAY else 'centre'
        conn.execute(sa.insert(points).values(unit_id=unit.id, kind=kind, name=NAMES[kind],
                                              valid_from=unit.valid_from, valid_to=unit.valid_to))
    point_of = {row.unit_id: row.id for row in conn.execute(sa.select(points.c.id, points.c.unit_id))}

    _foreign_keys(False)
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_point_id', sa.Integer(), nullable=True))
    for unit_id, point_id in point_of.items():
        conn.execute(sa.update(counters).where(counters.c.unit_id == unit_id).values(service_point_id=point_id))
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.alter_column('service_point_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_counters_service_point_id'), ['service_point_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_counters_service_point_id_service_points'), 'service_points',
                                    ['service_point_id'], ['id'])
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_point_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_responses_service_point_id_service_points'), 'service_points',
                                    ['service_point_id'], ['id'])
    _foreign_keys(True)
    conn.execute(sa.text('UPDATE responses SET service_point_id = '
                         '(SELECT c.service_point_id FROM counters c WHERE c.id = responses.counter_id) '
                         'WHERE counter_id IS NOT NULL'))


def downgrade():
    """Counters back to their unit alone (the unit is kept on each counter, so nothing is lost but the points)."""
    _foreign_keys(False)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_responses_service_point_id_service_points'), type_='foreignkey')
        batch_op.drop_column('service_point_id')
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_counters_service_point_id_service_points'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_counters_service_point_id'))
        batch_op.drop_column('service_point_id')
    _foreign_keys(True)
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_points_unit_id'))
    op.drop_table('service_points')
