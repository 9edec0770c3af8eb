"""how a unit's reports are signed: signer's title lines and name, recipients, symbol

Revision ID: d3a8f6c21e47
Revises: 4ed9e7377395
Create Date: 2026-11-30 06:10:00

All four may stay empty: the report then prints the usual title lines of the body's head
and leaves the name for the signer, as a draft for signing does (survey/reports/signing.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3a8f6c21e47'
down_revision = '4ed9e7377395'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_signer_titles', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('report_signer_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('report_recipients', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('report_symbol', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('report_symbol')
        batch_op.drop_column('report_recipients')
        batch_op.drop_column('report_signer_name')
        batch_op.drop_column('report_signer_titles')
