"""Calendar feeds: change times on reference data, cancellation time, personal feed tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:30:10.406111

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


REFERENCE_TABLES = ("event_types", "organizations", "series", "speakers", "venues")


def upgrade():
    op.create_table('personal_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_feeds')),
    sa.UniqueConstraint('email', name=op.f('uq_personal_feeds_email')),
    sa.UniqueConstraint('token', name=op.f('uq_personal_feeds_token'))
    )
    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))

    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))

    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))
    # Existing rows got the migration's time; from now on the application sets the value.
    for table in REFERENCE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('updated_at', server_default=None)


def downgrade():
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('event_types', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    op.drop_table('personal_feeds')
