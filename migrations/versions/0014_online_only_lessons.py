"""A lesson may be held only online, whatever the event's place

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_only', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint('online_only_has_no_venue', 'NOT online_only OR venue_id IS NULL')


def downgrade():
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.drop_constraint('online_only_has_no_venue', type_='check')
        batch_op.drop_column('online_only')
