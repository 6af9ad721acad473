"""Each event type says whether its new events start as lasting whole days

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 16:00:00.000000

Until now the slug 'mostra' decided it, so an existing type with that slug keeps doing so.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_day_by_default', sa.Boolean(), nullable=False, server_default=sa.false()))
    event_types = sa.table('event_types', sa.column('slug', sa.String), sa.column('all_day_by_default', sa.Boolean))
    op.execute(event_types.update().where(event_types.c.slug == 'mostra').values(all_day_by_default=True))


def downgrade():
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.drop_column('all_day_by_default')
