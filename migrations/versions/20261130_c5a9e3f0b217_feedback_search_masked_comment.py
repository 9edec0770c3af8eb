"""feedback inbox search on the masked comment: feedback_items.comment_masked

Revision ID: c5a9e3f0b217
Revises: b7e4c2a9d618
Create Date: 2026-11-30 13:30:00

The inbox's text search ran on the comment as written, while the pages show it masked
(``survey.services.masking.mask_personal``): searching "0905" told an officer that a hidden
phone number exists. Each item now keeps its comment as shown, and the search matches that.
Existing items are filled here with the same function the service uses.
"""
from alembic import op
import sqlalchemy as sa

from survey.services.feedback import shown_comment


# revision identifiers, used by Alembic.
revision = 'c5a9e3f0b217'
down_revision = 'b7e4c2a9d618'
branch_labels = None
depends_on = None

CHUNK = 1000


def upgrade():
    op.add_column('feedback_items', sa.Column('comment_masked', sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text('SELECT f.id, r.comment FROM feedback_items f JOIN responses r ON r.id = f.response_id '
                                'WHERE r.comment IS NOT NULL ORDER BY f.id')).all()
    update = sa.text('UPDATE feedback_items SET comment_masked = :masked WHERE id = :id')
    for start in range(0, len(rows), CHUNK):
        conn.execute(update, [{'id': i, 'masked': shown_comment(c)} for i, c in rows[start:start + CHUNK]])


def downgrade():
    # ALTER TABLE … DROP COLUMN also on SQLite (3.35+): a batch rebuild would drop feedback_items with foreign
    # keys on, and its events and contacts with it (ON DELETE CASCADE)
    op.drop_column('feedback_items', 'comment_masked')
