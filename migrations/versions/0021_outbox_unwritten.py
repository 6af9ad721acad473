"""Outbox messages written by the worker: the 'unwritten' status, and what their writer needs
besides the rows their cause names

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-25 20:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

STATUSES = "('unwritten', 'queued', 'sending', 'sent', 'failed')"
BEFORE = "('queued', 'sending', 'sent', 'failed')"


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('writer_context', sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f('ck_outbox_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', f"status IN {STATUSES}")


def downgrade():
    # A message never written cannot be sent, nor retried by the older code (it would go out
    # blank): it goes.
    op.execute("DELETE FROM outbox WHERE status = 'unwritten'")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', f"status IN {BEFORE}")
        batch_op.drop_column('writer_context')
