"""figure cells: an index by period (profile, span, month, part, unit_id)

Revision ID: d9f3b1c7a2e5
Revises: c5a9e3f0b217
Create Date: 2026-11-30 14:15:00

Reading a month's cells of every unit (no unit filter: the province's ranking, the reviewer's overview)
walked the primary key (profile, unit_id, …) over every unit's whole history: 21–29 ms a read at 5 M
responses against 0.4–2.8 ms with this index (EXPLAIN ANALYZE on the bench database).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd9f3b1c7a2e5'
down_revision = 'c5a9e3f0b217'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_figure_cells_period', 'figure_cells', ['profile', 'span', 'month', 'part', 'unit_id'])


def downgrade():
    op.drop_index('ix_figure_cells_period', table_name='figure_cells')
