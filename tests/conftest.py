"""Fixtures: one app and database per session, emptied between tests; a live server for
browser tests. The suite runs on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import threading
from datetime import date, time, timedelta

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.auth.models import Role
from app.auth.services import create_user
from app.demo.data import seed_event_types
from app.events import services
from app.events.models import EventType, Venue
from app.extensions import db, limiter
from app.timeutil import rome_datetime, today_rome

ORGANIZER_EMAIL = "staff@anci.example"
ORGANIZER_PASSWORD = "una-password-lunga"


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


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(response) -> str:
    import re

    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def organizer(app):
    return create_user(ORGANIZER_EMAIL, ORGANIZER_PASSWORD, role=Role.ADMIN, name="Staff")


@pytest.fixture
def logged_in(client, organizer):
    page = client.get("/accedi")
    response = client.post(
        "/accedi",
        data={"email": ORGANIZER_EMAIL, "password": ORGANIZER_PASSWORD, "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    return client


@pytest.fixture
def venue(app):
    place = Venue(name="Palazzo Lascaris", address="Via Alfieri 15", comune="Torino", latitude=45.07, longitude=7.68)
    db.session.add(place)
    db.session.commit()
    return place


@pytest.fixture
def make_event(app, venue):
    """Build an event through the service, published unless said otherwise."""

    def make(
        title="Incontro di prova",
        type_slug="incontro",
        day: date | None = None,
        start=time(10),
        end=time(12),
        status="published",
        **fields,
    ):
        day = day or today_rome() + timedelta(days=10)
        event_type = db.session.scalar(db.select(EventType).where(EventType.slug == type_slug))
        fields.setdefault("venue_id", venue.id)
        event = services.create_event(
            services.EventInput(
                title=title,
                type_id=event_type.id,
                starts_at=fields.pop("starts_at", rome_datetime(day, start)),
                ends_at=fields.pop("ends_at", rome_datetime(day, end)),
                **fields,
            )
        )
        if status == "published":
            services.publish_event(event)
        elif status == "cancelled":
            services.publish_event(event)
            services.cancel_event(event, "Maltempo")
        return event

    return make


def add_weekly_lessons(course, count: int, start=time(14), end=time(17)) -> list:
    """Lessons "Lezione 1…n", one a week from the course's first day; the course's period is
    widened to hold them, as an organizer sets a course's dates before its lessons."""
    first = course.first_day
    course.starts_at = min(course.starts_at, rome_datetime(first, start))
    course.ends_at = max(course.ends_at, rome_datetime(first + timedelta(days=7 * (count - 1)), end))
    db.session.commit()
    lessons = []
    for n in range(count):
        day = course.first_day + timedelta(days=7 * n)
        lessons.append(
            services.add_session(
                course,
                services.SessionInput(
                    title=f"Lezione {n + 1}", starts_at=rome_datetime(day, start), ends_at=rome_datetime(day, end)
                ),
            )
        )
    return lessons


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
    from tests.calendar.readers import readers_missing

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
    from tests.calendar.readers import parse_everywhere

    return parse_everywhere
