"""answer digest for the burst check; drop the index counter_submitted makes redundant

Revision ID: c7d2e4a91b3f
Revises: b2a5abed5a14
Create Date: 2026-11-27 06:45:00

The burst check (survey.services.trust) counted identical ballots with an expression over
every answer column, rebuilt and parsed on every submit; it now compares one stored digest.
Responses stored before this revision have none: the check only looks back minutes.

ix_responses_counter_id is a prefix of ix_responses_counter_submitted, so every query it
served is served by the longer one; dropping it saves an index update on every insert.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2e4a91b3f'
down_revision = 'b2a5abed5a14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_digest', sa.String(length=32), nullable=True))
        batch_op.drop_index('ix_responses_counter_id')


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_counter_id', ['counter_id'], unique=False)
        batch_op.drop_column('answer_digest')
