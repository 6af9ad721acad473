"""Past events with people from comuni, for the participation tests."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, enrol


@pytest.fixture
def past_meeting(make_event):
    return make_event(title="Assemblea dei soci", day=today_rome() - timedelta(days=20), capacity=50)


@pytest.fixture
def past_course(make_event):
    course = make_event(
        title="Corso per piccoli comuni", type_slug="corso", day=today_rome() - timedelta(days=30), capacity=50
    )
    add_weekly_lessons(course, 2)  # two lessons of three hours, a week apart, both held
    return course


def _from_comune(event, comune: str, first_name="Maria", last_name="Rossi", **fields):
    return enrol(event, first_name=first_name, last_name=last_name, ente_tipo="comune", comune=comune, **fields)


@pytest.fixture
def from_comune():
    """from_comune(event, "Alba (CN)", …): someone the organizers added, from the comune given
    as the form takes it."""
    return _from_comune


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database for a migration: a SQLite file, or a fresh PostgreSQL database beside
    the test one (as tests/test_migrations.py makes them)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"incontri_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
