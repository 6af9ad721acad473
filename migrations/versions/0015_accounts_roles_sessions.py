"""Accounts: session version, login lockout, invited accounts, organizers limited to event types and series

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('password_set', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.create_check_constraint('counters_not_negative', 'session_version >= 0 AND failed_logins >= 0')

    op.create_table(
        'user_event_types',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('type_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['type_id'], ['event_types.id'], name=op.f('fk_user_event_types_type_id_event_types'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_event_types_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'type_id', name=op.f('pk_user_event_types')),
    )
    op.create_index(op.f('ix_user_event_types_type_id'), 'user_event_types', ['type_id'], unique=False)
    op.create_table(
        'user_series',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_user_series_series_id_series'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_series_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'series_id', name=op.f('pk_user_series')),
    )
    op.create_index(op.f('ix_user_series_series_id'), 'user_series', ['series_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_user_series_series_id'), table_name='user_series')
    op.drop_table('user_series')
    op.drop_index(op.f('ix_user_event_types_type_id'), table_name='user_event_types')
    op.drop_table('user_event_types')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('counters_not_negative', type_='check')
        batch_op.drop_column('password_set')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('session_version')
