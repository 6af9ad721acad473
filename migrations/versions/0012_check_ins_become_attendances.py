"""Check-ins become attendances: a registration's checked_in_at is an attendance of the event
(or, for a course, of the lesson held that day, else its first lesson); the column goes

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    registrations = sa.table(
        'registrations', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer),
        sa.column('checked_in_at', sa.DateTime(timezone=True)),
    )
    events = sa.table('events', sa.column('id', sa.Integer), sa.column('type_id', sa.Integer))
    types = sa.table('event_types', sa.column('id', sa.Integer), sa.column('has_lessons', sa.Boolean))
    sessions = sa.table(
        'event_sessions', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer),
        sa.column('position', sa.Integer), sa.column('starts_at', sa.DateTime(timezone=True)),
    )
    attendances = sa.table(
        'attendances', sa.column('registration_id', sa.Integer), sa.column('session_id', sa.Integer),
        sa.column('recorded_at', sa.DateTime(timezone=True)),
    )
    checked = bind.execute(
        sa.select(registrations.c.id, registrations.c.event_id, registrations.c.checked_in_at, types.c.has_lessons)
        .select_from(registrations.join(events, events.c.id == registrations.c.event_id)
                     .join(types, types.c.id == events.c.type_id))
        .where(registrations.c.checked_in_at.is_not(None))
    ).all()
    rows = []
    for registration_id, event_id, checked_in_at, has_lessons in checked:
        session_id = None
        if has_lessons:
            lessons = bind.execute(
                sa.select(sessions.c.id, sessions.c.starts_at)
                .where(sessions.c.event_id == event_id).order_by(sessions.c.position)
            ).all()
            same_day = [id_ for id_, starts in lessons if str(starts)[:10] == str(checked_in_at)[:10]]
            session_id = same_day[0] if same_day else (lessons[0][0] if lessons else None)
        rows.append({'registration_id': registration_id, 'session_id': session_id, 'recorded_at': checked_in_at})
    if rows:
        op.bulk_insert(attendances, rows)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint('checked_in_confirmed', type_='check')
        batch_op.drop_column('checked_in_at')


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE registrations SET checked_in_at = (SELECT MIN(a.recorded_at) FROM attendances a "
        "WHERE a.registration_id = registrations.id) WHERE status = 'confirmed'"
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_check_constraint('checked_in_confirmed', "checked_in_at IS NULL OR status = 'confirmed'")
