"""Each event type says whether its events' programme items are lessons of their own

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00.000000

Until now the slug 'corso' decided it, so an existing type with that slug keeps its lessons;
every other type keeps treating its sessions as one event's programme.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_lessons', sa.Boolean(), nullable=False, server_default=sa.false()))
    event_types = sa.table('event_types', sa.column('slug', sa.String), sa.column('has_lessons', sa.Boolean))
    op.execute(event_types.update().where(event_types.c.slug == 'corso').values(has_lessons=True))


def downgrade():
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.drop_column('has_lessons')
