"""Fixtures: one app and database per session, emptied between tests; a live server for
browser tests. The suite runs on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import functools
import os
import threading
import uuid

import pytest
from flask import g, request_started
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from app import create_app
from app.demo.data import seed_event_types
from app.extensions import db, limiter
from tests import factories
from tests.support.smtp import SmtpServer, free_port, mail_sent_to


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return f"database: {'PostgreSQL ' + url.split('@')[-1] if url else 'SQLite (set TEST_DATABASE_URL for PostgreSQL)'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incontri")
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BASE_URL": "http://incontri.test",
            "UPLOAD_FOLDER": str(tmp / "uploads"),
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Each test starts from the seeded event types and nothing else, with fresh rate limits."""
    limiter.reset()
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        seed_event_types()
        yield
        db.session.rollback()
        db.session.remove()


def _forget_previous_user(sender, **extra):
    g.pop("_login_user", None)
    g.pop("csrf_token", None)  # Flask-WTF keeps the token of the session it last saw
    g.pop("_flask_babel", None)  # Flask-Babel keeps the locale of the request it last saw


@pytest.fixture(autouse=True)
def each_request_loads_its_own_user(app):
    """Tests play several browsers against one app context (the test's): each request must
    find its own user, CSRF token and language from its own cookies and address, not those the
    previous request left in `g` — as in production, where each request has its own context."""
    request_started.connect(_forget_previous_user, app)
    yield
    request_started.disconnect(_forget_previous_user, app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def organizer(app):
    return factories.create_organizer()


@pytest.fixture
def logged_in(client, organizer):
    response = factories.log_in(client)
    assert response.status_code == 303
    return client


@pytest.fixture
def venue(app):
    return factories.create_venue()


@pytest.fixture
def make_event(app, venue):
    """make_event(title=…, type_slug=…, day=…, status=…, **fields): an event built through the
    service, published unless said otherwise, at the venue unless fields name another."""
    return functools.partial(factories.make_event, venue=venue)


@pytest.fixture
def smtp(app):
    """A running SMTP server, with the app pointed at it for the test."""
    server = SmtpServer()
    server.start()
    with mail_sent_to(app, server.port):
        yield server
        server.stop()


@pytest.fixture
def smtp_down(app):
    """The app pointed at a port where nothing listens."""
    port = free_port()
    with mail_sent_to(app, port):
        yield port


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app):
    with LiveServer(app) as server:
        yield server


def pytest_collection_modifyitems(config, items):
    """Tests that read calendars need every reader: skipped, and saying why, where one is
    missing; a usage error in CI (REQUIRE_CALENDAR_READERS), where nothing may be skipped."""
    from tests.support.calendar_readers import readers_missing

    missing = readers_missing()
    if not missing:
        return
    reason = f"calendar readers missing: {', '.join(missing)}"
    if os.environ.get("REQUIRE_LIBICAL") or os.environ.get("REQUIRE_CALENDAR_READERS"):
        raise pytest.UsageError(reason)
    for item in items:
        reads_calendars = "parsed" in getattr(item, "fixturenames", ()) or item.get_closest_marker("calendar_readers")
        if "tests/calendar" in str(item.fspath) or reads_calendars:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def parsed():
    """parsed(body, method=None): the calendar as five independent readers see it."""
    from tests.support.calendar_readers import parse_everywhere

    return parse_everywhere


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database for a migration test: a SQLite file, or a fresh PostgreSQL database
    beside the test one (TEST_DATABASE_URL), dropped afterwards."""
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
