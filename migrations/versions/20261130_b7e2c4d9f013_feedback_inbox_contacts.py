"""feedback inbox: items only for real complaints, contacts kept apart, officers' e-mail

Revision ID: b7e2c4d9f013
Revises: b7d2e4f6a813
Create Date: 2026-11-30 09:10:00

Until now every comment opened a due-dated feedback item, so praise ("Cảm ơn cán bộ…
nhiệt tình") waited for an answer and counted as overdue. From now on an item is opened by
a low score, by a comment the citizen marks as a complaint, or by an officer turning a
comment into one (kinds ``low_score``, ``complaint``, ``converted``). Existing ``comment``
items become:

- ``low_score`` when their ballot also has a satisfaction answer at 1 or 2 (the default
  ``FEEDBACK_SCORE_LEVEL``, frozen here): the low score would have opened the item anyway;
- ``converted`` when the office already worked on them (answered or closed): an officer
  treated the comment as a complaint, and its result and history are kept;
- deleted otherwise (new or only assigned, nothing recorded): the comment stays, unchanged,
  in the comments view, where an officer can turn it into a complaint again. Keeping them
  open would leave the inbox full of praise that can never be "answered"; closing them would
  count them as handled complaints that never were.

Downgrade turns ``complaint`` and ``converted`` items back into ``comment`` (deleted items
are not brought back: ``flask feedback collect`` of the old code would recreate them).

Also: ``feedback_contacts`` (a citizen's phone or e-mail, given with consent, one per item,
deleted with it) and ``users.email`` (where the daily digest goes).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4d9f013'
down_revision = 'b7d2e4f6a813'
branch_labels = None
depends_on = None

#: the satisfaction answers of both questionnaires (sipas-2017 and sipas-2024), frozen here
SATISFACTION_COLUMNS = ('a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4', 'b5', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6',
                        'd1', 'd2', 'd3', 'e1', 'e2', 'e3', 'e4', 'a0', 'b0', 'c0', 'd0', 'e0', 's0')
LEVEL = 2


def upgrade():
    low = ' OR '.join(f'(r.{c} BETWEEN 1 AND {LEVEL})' for c in SATISFACTION_COLUMNS)
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
    op.execute(f"UPDATE feedback_items SET kind = 'low_score' WHERE kind = 'comment' AND response_id IN "
               f"(SELECT r.id FROM responses r WHERE {low})")
    op.execute("UPDATE feedback_items SET kind = 'converted' WHERE kind = 'comment' AND status IN ('answered', 'closed')")
    op.execute("DELETE FROM feedback_events WHERE item_id IN (SELECT id FROM feedback_items WHERE kind = 'comment')")
    op.execute("DELETE FROM feedback_items WHERE kind = 'comment'")
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.create_check_constraint('kind_known', "kind IN ('low_score', 'complaint', 'converted')")

    op.create_table(
        'feedback_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('phone IS NOT NULL OR email IS NOT NULL', name=op.f('ck_feedback_contacts_has_contact')),
        sa.ForeignKeyConstraint(['item_id'], ['feedback_items.id'], name=op.f('fk_feedback_contacts_item_id_feedback_items'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_contacts')),
        sa.UniqueConstraint('item_id', name=op.f('uq_feedback_contacts_item_id')),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
    op.drop_table('feedback_contacts')
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
    op.execute("UPDATE feedback_items SET kind = 'comment' WHERE kind IN ('complaint', 'converted')")
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.create_check_constraint('kind_known', "kind IN ('comment', 'low_score')")
