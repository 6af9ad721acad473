"""The Alembic migrations build exactly the schema the models describe."""

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect, select, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            seeded = set(conn.execute(select(text("slug")).select_from(text("event_types"))).scalars())
        db.engine.dispose()
    assert diff == []
    assert seeded == {"consulta", "incontro", "mostra", "corso"}


def test_upgrade_creates_every_check_constraint(empty_database_url):
    """Alembic's comparison ignores CHECK constraints, so compare their names directly."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        found = {
            (table, check["name"])
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)
        }
        db.engine.dispose()
    expected = {
        (table.name, constraint.name)
        for table in db.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert expected - found == set()
    assert ("events", "ck_events_not_overbooked") in found


def test_upgrade_keeps_existing_rows_that_others_reference(empty_database_url):
    """Batch migrations rebuild SQLite tables: rows referenced by foreign keys must survive."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO venues (id, name) VALUES (1, 'Palazzo Lascaris')"))
            conn.execute(
                text(
                    "INSERT INTO events (id, slug, title, type_id, description_html, starts_at, ends_at, all_day,"
                    " attendance_mode, venue_id, status, registration_required, registration_moderated,"
                    " confirmed_count, sequence, created_at, updated_at)"
                    " SELECT 1, 'incontro', 'Incontro', id, '', '2026-12-03 09:00:00+00', '2026-12-03 11:00:00+00',"
                    " false, 'in_person', 1, 'published', true, false, 0, 0,"
                    " '2026-11-01 00:00:00+00', '2026-11-01 00:00:00+00' FROM event_types WHERE slug = 'incontro'"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT e.title, v.name FROM events e JOIN venues v ON v.id = e.venue_id")).all()
        db.engine.dispose()
    assert [tuple(row) for row in kept] == [("Incontro", "Palazzo Lascaris")]


def test_upgrade_gives_lessons_to_the_existing_course_type_only(empty_database_url):
    """Before 0008 the slug 'corso' made a type's sessions lessons; the column takes over from it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO event_types (slug, label, color, requires_registration, position, reminder_offsets,"
                    " updated_at) VALUES ('seminario', 'Seminario', '#123456', true, 9, '1g', '2026-11-01 00:00:00+00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            flags = dict(conn.execute(text("SELECT slug, has_lessons FROM event_types")).tuples().all())
        db.engine.dispose()
    assert {slug: bool(flag) for slug, flag in flags.items()} == {
        "consulta": False,
        "incontro": False,
        "mostra": False,
        "corso": True,
        "seminario": False,
    }


def test_downgrade_from_0008_drops_has_lessons(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0008")
        upgraded = {column["name"] for column in inspect(db.engine).get_columns("event_types")}
        downgrade(revision="0007")
        downgraded = {column["name"] for column in inspect(db.engine).get_columns("event_types")}
        db.engine.dispose()
    assert upgraded - downgraded == {"has_lessons"}


def test_upgrade_makes_the_existing_exhibition_type_whole_days_by_default(empty_database_url):
    """Before 0009 the slug 'mostra' made a new event start as lasting whole days."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO event_types (slug, label, color, requires_registration, position, reminder_offsets,"
                    " has_lessons, updated_at) VALUES ('fiera', 'Fiera', '#123456', false, 9, '', false,"
                    " '2026-11-01 00:00:00+00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            flags = dict(conn.execute(text("SELECT slug, all_day_by_default FROM event_types")).tuples().all())
        db.engine.dispose()
    assert {slug: bool(flag) for slug, flag in flags.items()} == {
        "consulta": False,
        "incontro": False,
        "mostra": True,
        "corso": False,
        "fiera": False,
    }


def test_downgrade_from_0009_drops_all_day_by_default(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0009")
        upgraded = {column["name"] for column in inspect(db.engine).get_columns("event_types")}
        downgrade(revision="0008")
        downgraded = {column["name"] for column in inspect(db.engine).get_columns("event_types")}
        db.engine.dispose()
    assert upgraded - downgraded == {"all_day_by_default"}


def test_check_ins_become_attendances_of_the_event_or_of_the_lesson_that_day(empty_database_url):
    """0012 turns registrations.checked_in_at into attendances, then drops the column."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as conn:
            types = dict(conn.execute(text("SELECT slug, id FROM event_types")).tuples().all())
            for event_id, type_slug in ((1, "incontro"), (2, "corso")):
                conn.execute(
                    text(
                        "INSERT INTO events (id, slug, title, type_id, status, description_html, starts_at, ends_at,"
                        " all_day, attendance_mode, online_url, registration_required, registration_moderated,"
                        " sequence, confirmed_count, online_url_public, created_at, updated_at) VALUES (:id, :slug,"
                        " 'E', :type_id, 'published', '', :starts, :ends, false, 'online', 'https://x.it', true,"
                        " false, 0, 1, false, :now, :now)"
                    ),
                    {
                        "id": event_id,
                        "slug": f"e{event_id}",
                        "type_id": types[type_slug],
                        "starts": datetime(2026, 11, 13, 9, tzinfo=UTC),
                        "ends": datetime(2026, 11, 27, 17, tzinfo=UTC),
                        "now": now,
                    },
                )
            for session_id, day in ((10, 13), (11, 20)):
                conn.execute(
                    text(
                        "INSERT INTO event_sessions (id, event_id, position, title, starts_at, sequence, updated_at)"
                        " VALUES (:id, 2, :id, 'L', :starts, 0, :now)"
                    ),
                    {"id": session_id, "starts": datetime(2026, 11, day, 9, tzinfo=UTC), "now": now},
                )
            for registration_id, event_id in ((100, 1), (101, 2)):
                conn.execute(
                    text(
                        "INSERT INTO registrations (id, event_id, token, status, first_name, last_name, email,"
                        " organization, role, locale, source, consent_version, consent_text, created_at, updated_at,"
                        " confirmed_at, checked_in_at) VALUES (:id, :event_id, :token, 'confirmed', 'A', 'B', :email,"
                        " 'C', 'sindaco', 'it', 'online', 'v', 'c', :now, :now, :now, :now)"
                    ),
                    {
                        "id": registration_id,
                        "event_id": event_id,
                        "token": f"t{registration_id}",
                        "email": f"a{registration_id}@x.it",
                        "now": now,
                    },
                )
        upgrade(revision="0012")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT registration_id, session_id FROM attendances ORDER BY registration_id")).all()
        columns = {column["name"] for column in inspect(db.engine).get_columns("registrations")}
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [(100, None), (101, 11)]
    assert "checked_in_at" not in columns


def test_upgrade_lets_the_outbox_hold_messages_still_to_write(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    insert = text(
        "INSERT INTO outbox (dedupe_key, kind, recipient, subject, text_body, html_body, status, attempts,"
        " next_attempt_at, created_at) VALUES (:key, 'confirmed', 'p@comune.example.it', '', '', '', :status, 0,"
        " :now, :now)"
    )
    now = datetime.now(UTC)
    with app.app_context():
        upgrade(revision="0020")
        with db.engine.begin() as conn:
            conn.execute(insert, {"key": "activity:1", "status": "queued", "now": now})
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert, {"key": "activity:2", "status": "unwritten", "now": now})
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"key": "activity:3", "status": "scritto a metà", "now": now})
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT dedupe_key, status FROM outbox ORDER BY id")).all()
        db.engine.dispose()
    assert [tuple(row) for row in kept] == [("activity:1", "queued"), ("activity:2", "unwritten")]
