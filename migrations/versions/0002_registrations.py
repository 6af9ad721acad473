"""Registrations, questions, activity; event moderation and confirmed seat counter

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 22:02:13.670202

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('options_text', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind <> 'choice' OR options_text IS NOT NULL", name=op.f('ck_registration_questions_choice_has_options')),
    sa.CheckConstraint("kind IN ('text', 'choice', 'yes_no')", name=op.f('ck_registration_questions_kind_known')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registration_questions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_questions')),
    sa.UniqueConstraint('event_id', 'position', name='uq_registration_questions_event_position')
    )
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organization', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('consent_version', sa.String(length=40), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('waitlisted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("checked_in_at IS NULL OR status = 'confirmed'", name=op.f('ck_registrations_checked_in_confirmed')),
    sa.CheckConstraint("role IN ('sindaco', 'assessore', 'consigliere', 'segretario', 'funzionario', 'altro')", name=op.f('ck_registrations_role_known')),
    sa.CheckConstraint("source IN ('online', 'organizer')", name=op.f('ck_registrations_source_known')),
    sa.CheckConstraint("status <> 'waitlisted' OR waitlisted_at IS NOT NULL", name=op.f('ck_registrations_waitlist_has_time')),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'pending', 'cancelled', 'rejected')", name=op.f('ck_registrations_status_known')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registrations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('token', name=op.f('uq_registrations_token'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_email'), ['email'], unique=False)
        batch_op.create_index('ix_registrations_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index('uq_registrations_event_email_active', ['event_id', 'email'], unique=True, sqlite_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"), postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"))

    op.create_table('registration_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('notify', sa.Boolean(), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("actor IN ('participant', 'organizer', 'system')", name=op.f('ck_registration_activities_actor_known')),
    sa.CheckConstraint("kind IN ('confirmed', 'waitlisted', 'pending', 'approved', 'rejected', 'promoted', 'cancelled', 'updated', 'link_requested', 'checked_in')", name=op.f('ck_registration_activities_kind_known')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_activities_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_registration_activities_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_activities'))
    )
    with op.batch_alter_table('registration_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_activities_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('ix_registration_activities_unsent', ['notify', 'notified_at'], unique=False)

    op.create_table('registration_answers',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['registration_questions.id'], name=op.f('fk_registration_answers_question_id_registration_questions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_answers_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'question_id', name=op.f('pk_registration_answers'))
    )
    with op.batch_alter_table('registration_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_answers_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        # Existing events are unmoderated and have no registrations yet.
        batch_op.add_column(sa.Column('registration_moderated', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('confirmed_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_check_constraint('confirmed_count_non_negative', 'confirmed_count >= 0')
        batch_op.create_check_constraint('not_overbooked', 'capacity IS NULL OR confirmed_count <= capacity')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('registration_moderated', server_default=None)
        batch_op.alter_column('confirmed_count', server_default=None)



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('ck_events_not_overbooked', type_='check')
        batch_op.drop_constraint('ck_events_confirmed_count_non_negative', type_='check')
        batch_op.drop_column('confirmed_count')
        batch_op.drop_column('registration_moderated')

    with op.batch_alter_table('registration_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_answers_question_id'))

    op.drop_table('registration_answers')
    with op.batch_alter_table('registration_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_activities_unsent')
        batch_op.drop_index(batch_op.f('ix_registration_activities_registration_id'))

    op.drop_table('registration_activities')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_registrations_event_email_active', sqlite_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"), postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"))
        batch_op.drop_index('ix_registrations_event_status')
        batch_op.drop_index(batch_op.f('ix_registrations_email'))

    op.drop_table('registrations')
    op.drop_table('registration_questions')
