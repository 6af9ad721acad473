"""Each event says whether its online link is public or for confirmed participants only

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 16:00:00.000000

Existing events get the default, "confirmed participants only": a link that was public becomes
private until an organizer opens it again, never the other way round.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_url_public', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('online_url_public')
