"""The data version: one row that changes with every published change, for caches and ETags

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-25 18:00:00.000000

"""
import secrets
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('content', sa.BigInteger(), nullable=False),
        sa.Column('seats', sa.BigInteger(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    # The row exists from the start: writers only update it, so two never race to insert it.
    op.bulk_insert(
        table,
        [{'id': 1, 'content': secrets.randbits(62), 'seats': secrets.randbits(62), 'changed_at': datetime.now(UTC)}],
    )


def downgrade():
    op.drop_table('data_version')
