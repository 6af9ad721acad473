"""Courses: attendance per lesson, each course's certificate rule, certificates; activities say
what they concerned and know the courses' kinds; check-ins become attendances

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_KINDS = ("confirmed", "waitlisted", "pending", "approved", "rejected", "promoted", "cancelled", "updated",
             "link_requested", "checked_in")
NEW_KINDS = OLD_KINDS + ("attendance_removed", "certificate_issued", "certificate_revoked")


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    op.create_table(
        'attendances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('minutes', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('minutes IS NULL OR minutes >= 0', name=op.f('ck_attendances_minutes_non_negative')),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_attendances_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_attendances_session_id_event_sessions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attendances_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendances_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendances_session_id'), ['session_id'], unique=False)
        batch_op.create_index('uq_attendances_registration_session', ['registration_id', 'session_id'], unique=True,
                              sqlite_where=sa.text('session_id IS NOT NULL'), postgresql_where=sa.text('session_id IS NOT NULL'))
        batch_op.create_index('uq_attendances_registration_event', ['registration_id'], unique=True,
                              sqlite_where=sa.text('session_id IS NULL'), postgresql_where=sa.text('session_id IS NULL'))

    op.create_table(
        'certificate_rules',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('basis', sa.String(length=10), nullable=False),
        sa.Column('min_percent', sa.Integer(), nullable=False),
        sa.CheckConstraint("basis IN ('hours', 'lessons')", name=op.f('ck_certificate_rules_basis_known')),
        sa.CheckConstraint('min_percent BETWEEN 1 AND 100', name=op.f('ck_certificate_rules_percent_range')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificate_rules_event_id_events'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_certificate_rules')),
    )
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revocation_reason', sa.Text(), nullable=True),
        sa.CheckConstraint('revoked_at IS NULL OR revocation_reason IS NOT NULL', name=op.f('ck_certificates_revocation_has_reason')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificates_event_id_events'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_certificates_registration_id_registrations'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_certificates_registration_id')),
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('registration_activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.Text(), nullable=True))
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.create_check_constraint('kind_known', _kinds(NEW_KINDS))


def downgrade():
    with op.batch_alter_table('registration_activities', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.create_check_constraint('kind_known', _kinds(OLD_KINDS))
        batch_op.drop_column('detail')
    op.drop_table('certificates')
    op.drop_table('certificate_rules')
    op.drop_table('attendances')
