"""audit log of admin actions; users.must_change_password for temporary passwords

Revision ID: b7d2e4f6a813
Revises: a11f0c3d5e2b
Create Date: 2026-11-30 09:00:00

Every change an admin makes to accounts, counters, units, fields and procedures is kept
as one row (who, when, what in plain Vietnamese) for the admins' "Nhật ký quản trị" page.
A password set by someone else (a new account, an admin's reset) must be changed at the
next login.
"""
import sqlalchemy as sa
from alembic import op

from survey.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a813'
down_revision = 'a11f0c3d5e2b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('summary', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    )
    op.create_index('ix_audit_entries_at', 'audit_entries', ['at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    op.drop_index('ix_audit_entries_at', table_name='audit_entries')
    op.drop_table('audit_entries')
