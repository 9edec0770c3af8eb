"""figure cells: ballots folded per (profile, unit, month, quarter and year); responses.folded and two partial indexes

Revision ID: a11f0c3d5e2b
Revises: e5b1c0d7a914
Create Date: 2026-11-30 06:10:00

The read model (survey.figures.cells) keeps, per questionnaire, unit and month, the answer
counts and moment sums of the counted ballots folded in so far; the ballots not yet folded
are read from their rows (ix_responses_unfolded), so no figure is ever stale. Existing
ballots start unfolded: `flask --app survey figures rebuild` folds them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a11f0c3d5e2b'
down_revision = 'e5b1c0d7a914'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'figure_cells',
        sa.Column('profile', sa.String(length=32), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('span', sa.SmallInteger(), nullable=False),
        sa.Column('n_responses', sa.Integer(), nullable=False),
        sa.Column('counts', sa.LargeBinary(), nullable=False),
        sa.Column('moments', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_figure_cells_unit_id_units')),
        sa.PrimaryKeyConstraint('profile', 'unit_id', 'month', 'span', name=op.f('pk_figure_cells')),
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('folded', sa.Boolean(), server_default=sa.false(), nullable=False))
    unfolded = sa.text('folded IS false AND is_excluded IS false')
    op.create_index('ix_responses_unfolded', 'responses', ['period_month', 'unit_id'], unique=False,
                    postgresql_where=unfolded, sqlite_where=unfolded)
    op.create_index('ix_responses_excluded', 'responses', ['period_month', 'unit_id'], unique=False,
                    postgresql_where=sa.text('is_excluded IS true'), sqlite_where=sa.text('is_excluded IS true'))


def downgrade():
    op.drop_index('ix_responses_excluded', table_name='responses')
    op.drop_index('ix_responses_unfolded', table_name='responses')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('folded')
    op.drop_table('figure_cells')
