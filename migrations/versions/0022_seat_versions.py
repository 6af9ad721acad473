"""A seat version per event: a registration invalidates its own event's page, not every one

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-25 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'seat_versions',
        sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_seat_versions')),
    )
    with op.batch_alter_table('data_version') as batch_op:
        batch_op.drop_column('seats')


def downgrade():
    with op.batch_alter_table('data_version') as batch_op:
        batch_op.add_column(sa.Column('seats', sa.BigInteger(), nullable=False, server_default='0'))
    op.drop_table('seat_versions')
