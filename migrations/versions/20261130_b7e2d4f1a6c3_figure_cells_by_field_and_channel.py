"""figure cells by field and by channel (figure_cells.part); an index for the newest comments

Revision ID: b7e2d4f1a6c3
Revises: b7e2c4d9f013
Create Date: 2026-11-30 09:00:00

A cell now belongs to a *part* of a unit's ballots: 0 every ballot (as before), a field's id the
ballots of that field, −1 − k the ballots of channel k (survey.models.responses.CHANNELS), so the
by-field view and a field or channel filter read cells too. The cells folded so far hold part 0
only: they are dropped and every ballot is marked unfolded, so figures are read from rows (exact,
slower) until `flask --app survey figures rebuild` folds them again.

ix_responses_comments serves the comments view: the newest comments of a period without reading
every ballot of the period.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2d4f1a6c3'
down_revision = 'b7e2c4d9f013'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM figure_cells")
    op.execute("UPDATE responses SET folded = false WHERE folded IS true")
    with op.batch_alter_table('figure_cells', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint('pk_figure_cells', type_='primary')
        batch_op.create_primary_key('pk_figure_cells', ['profile', 'unit_id', 'part', 'month', 'span'])
    has_comment = sa.text('comment IS NOT NULL')
    op.create_index('ix_responses_comments', 'responses', ['period_month', 'submitted_at'], unique=False,
                    postgresql_where=has_comment, sqlite_where=has_comment)


def downgrade():
    op.drop_index('ix_responses_comments', table_name='responses')
    op.execute("DELETE FROM figure_cells")
    op.execute("UPDATE responses SET folded = false WHERE folded IS true")
    with op.batch_alter_table('figure_cells', schema=None) as batch_op:
        batch_op.drop_constraint('pk_figure_cells', type_='primary')
        batch_op.create_primary_key('pk_figure_cells', ['profile', 'unit_id', 'month', 'span'])
        batch_op.drop_column('part')
