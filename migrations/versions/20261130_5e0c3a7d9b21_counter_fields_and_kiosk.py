"""counters: a subset of the unit's fields, and a kiosk token

Revision ID: 5e0c3a7d9b21
Revises: 4a00a9ec9a71
Create Date: 2026-11-30 06:10:00

A counter with no rows in counter_fields offers every field of its unit, and one with
field_id set fixes that field, so every existing counter stays as it was. No counter
has a kiosk until an administrator makes one.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0c3a7d9b21'
down_revision = '4a00a9ec9a71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'counter_fields',
        sa.Column('counter_id', sa.Integer(), nullable=False),
        sa.Column('field_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_counter_fields_counter_id_counters'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_counter_fields_field_id_fields'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('counter_id', 'field_id', name=op.f('pk_counter_fields')),
    )
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kiosk_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_counters_kiosk_token'), ['kiosk_token'])


def downgrade():
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_counters_kiosk_token'), type_='unique')
        batch_op.drop_column('kiosk_token')
    op.drop_table('counter_fields')
