"""units through time: codes unique per day, official unit types, unit_successions (from units.successor_id)

Revision ID: e5b1c0d7a914
Revises: 5e0c3a7d9b21
Create Date: 2026-11-30 07:05:00

A unit's official code is now unique only among the units in force on a day. The database keeps the
portable part of that rule (one current unit per code: a partial unique index, which SQLite and
PostgreSQL both have; no two units of a code ending the same day); survey/services/units.py keeps the rest.
Each existing successor link becomes a succession: dated the day after the predecessor's valid_to
(else the successor's valid_from, else 1/7/2025, the reform the links were kept for), a merge when the
successor took several units, a rename when only this one, share 1.
On SQLite the units table is rebuilt (its unique code and successor link cannot be dropped in place), with
foreign keys off for the rebuild so that unit_fields, counters and responses keep their rows.
"""
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b1c0d7a914'
down_revision = '5e0c3a7d9b21'
branch_labels = None
depends_on = None

REFORM_DAY = date(2025, 7, 1)

units = sa.table('units', sa.column('id', sa.Integer), sa.column('valid_from', sa.Date),
                 sa.column('valid_to', sa.Date), sa.column('successor_id', sa.Integer))
successions = sa.table('unit_successions', sa.column('predecessor_id', sa.Integer),
                       sa.column('successor_id', sa.Integer), sa.column('date', sa.Date),
                       sa.column('kind', sa.String), sa.column('share', sa.Float))


def _foreign_keys(on: bool) -> None:
    """SQLite rebuilds ``units`` to drop its constraints: with foreign keys on, dropping the old table would
    empty unit_fields (cascade) or fail on counters, so they are off for the rebuild (outside a transaction)."""
    conn = op.get_bind()
    if conn.dialect.name != 'sqlite':
        return
    raw = conn.connection.dbapi_connection
    if raw.in_transaction:  # the PRAGMA is a no-op inside a transaction: end what the earlier steps wrote
        raw.commit()
    conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if conn.exec_driver_sql('PRAGMA foreign_keys').scalar() != int(on):
        raise RuntimeError('could not switch SQLite foreign keys for the rebuild of units')


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.select(units.c.id, units.c.valid_from, units.c.valid_to, units.c.successor_id)).all()
    _foreign_keys(False)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_type', sa.String(length=20), nullable=True))
        batch_op.drop_constraint('uq_units_code', type_='unique')
        batch_op.drop_constraint('fk_units_successor_id_units', type_='foreignkey')
        batch_op.drop_column('successor_id')
        batch_op.create_unique_constraint('uq_units_code_valid_to', ['code', 'valid_to'])
        batch_op.create_index(batch_op.f('ix_units_code'), ['code'], unique=False)
        batch_op.create_index('uq_units_code_current', ['code'], unique=True,
                              sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))
    _foreign_keys(True)

    op.create_table('unit_successions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('share', sa.Float(), nullable=True),
    sa.Column('share_basis', sa.String(length=20), nullable=True),
    sa.Column('legal_basis_number', sa.String(length=60), nullable=True),
    sa.Column('legal_basis_date', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('merge', 'split', 'part', 'rename')", name=op.f('ck_unit_successions_kind')),
    sa.CheckConstraint('predecessor_id <> successor_id', name=op.f('ck_unit_successions_not_self')),
    sa.CheckConstraint('share IS NULL OR (share > 0 AND share <= 1)', name=op.f('ck_unit_successions_share')),
    sa.ForeignKeyConstraint(['predecessor_id'], ['units.id'], name=op.f('fk_unit_successions_predecessor_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['successor_id'], ['units.id'], name=op.f('fk_unit_successions_successor_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_successions')),
    sa.UniqueConstraint('predecessor_id', 'successor_id', name='uq_unit_successions_pair')
    )
    with op.batch_alter_table('unit_successions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_successions_predecessor_id'), ['predecessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_successions_successor_id'), ['successor_id'], unique=False)

    starts = {row.id: row.valid_from for row in rows}
    taken = {}
    for row in rows:
        if row.successor_id is not None:
            taken[row.successor_id] = taken.get(row.successor_id, 0) + 1
    for row in rows:
        if row.successor_id is None:
            continue
        day = row.valid_to + timedelta(days=1) if row.valid_to else (starts.get(row.successor_id) or REFORM_DAY)
        kind = 'merge' if taken[row.successor_id] > 1 else 'rename'
        conn.execute(sa.insert(successions).values(predecessor_id=row.id, successor_id=row.successor_id,
                                                   date=day, kind=kind, share=1.0))


def downgrade():
    """Back to one successor a unit (a split keeps none) and codes unique for all time (fails if a code was reused)."""
    conn = op.get_bind()
    whole = conn.execute(sa.select(successions.c.predecessor_id, successions.c.successor_id)
                         .where(successions.c.kind.in_(['merge', 'rename']))).all()
    with op.batch_alter_table('unit_successions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_successions_successor_id'))
        batch_op.drop_index(batch_op.f('ix_unit_successions_predecessor_id'))
    op.drop_table('unit_successions')
    _foreign_keys(False)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('successor_id', sa.INTEGER(), nullable=True))
        batch_op.create_foreign_key('fk_units_successor_id_units', 'units', ['successor_id'], ['id'])
        batch_op.drop_index('uq_units_code_current', sqlite_where=sa.text('valid_to IS NULL'),
                            postgresql_where=sa.text('valid_to IS NULL'))
        batch_op.drop_index(batch_op.f('ix_units_code'))
        batch_op.drop_constraint('uq_units_code_valid_to', type_='unique')
        batch_op.create_unique_constraint('uq_units_code', ['code'])
        batch_op.drop_column('unit_type')
    _foreign_keys(True)
    for predecessor_id, successor_id in whole:
        conn.execute(sa.update(units).where(units.c.id == predecessor_id).values(successor_id=successor_id))
