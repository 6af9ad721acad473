"""Outbox messages written by the worker: the 'unwritten' status

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-25 20:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

STATUSES = "('unwritten', 'queued', 'sending', 'sent', 'failed')"
BEFORE = "('queued', 'sending', 'sent', 'failed')"


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', f"status IN {STATUSES}")


def downgrade():
    # A message never written cannot be sent: it goes as failed.
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'unwritten'")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', f"status IN {BEFORE}")
