"""Activities no longer track notification: the outbox does

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 23:30:55.002273

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_activities_unsent')
        batch_op.drop_column('notify')
        batch_op.drop_column('notified_at')


def downgrade():
    with op.batch_alter_table('registration_activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('notify', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.create_index('ix_registration_activities_unsent', ['notify', 'notified_at'], unique=False)

