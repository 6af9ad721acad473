"""A database out of reach: 503 with Retry-After and the typed data kept, never a 500; a view
cut off before any COMMIT runs once more, one cut off after never does."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db
from app.transaction import retry_once
from tests import factories


@pytest.fixture
def app_without_database(tmp_path):
    """The app pointed at a database file that cannot be opened, as a server finds PostgreSQL down."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}",
        }
    )


def test_a_registration_sent_while_the_database_is_away_keeps_what_was_typed(app_without_database):
    form = {**factories.REGISTRATION_FORM, "email": "anna.gallo@comune.bra.cn.it"}
    response = app_without_database.test_client().post("/eventi/corso-bilancio/iscrizione", data=form)
    assert response.status_code == 503
    # The form is rate limited: Flask-Limiter's own Retry-After (its window's end) is not kept.
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Il servizio è momentaneamente non disponibile" in page
    assert 'action="/eventi/corso-bilancio/iscrizione"' in page
    assert '<input type="hidden" name="email" value="anna.gallo@comune.bra.cn.it">' in page
    assert "Inviare di nuovo" in page


def test_the_api_answers_503_in_json(app_without_database):
    response = app_without_database.test_client().get("/api/v1/events")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"]["status"] == 503


def unreachable() -> None:
    """A real OperationalError: a connection that cannot be made."""
    engine = create_engine("sqlite:////nonexistent-folder/db.sqlite3")
    try:
        engine.connect()
    finally:
        engine.dispose()


def test_a_view_cut_off_before_any_commit_runs_once_more(app):
    calls = []

    @retry_once
    def view():
        calls.append(len(calls))
        if len(calls) == 1:
            unreachable()
        return "ok"

    with app.test_request_context("/", method="POST"):
        assert view() == "ok"
    assert calls == [0, 1]


def test_a_view_that_sent_a_commit_never_runs_again(app):
    calls = []

    @retry_once
    def view():
        calls.append(len(calls))
        factories.create_venue()  # commits
        unreachable()

    with app.test_request_context("/", method="POST"), pytest.raises(OperationalError):
        view()
    assert calls == [0]


def test_a_second_failure_is_not_retried_again(app):
    calls = []

    @retry_once
    def view():
        calls.append(len(calls))
        unreachable()

    with app.test_request_context("/", method="POST"), pytest.raises(OperationalError):
        view()
    assert calls == [0, 1]
    db.session.rollback()


def test_an_app_context_closes_quietly_when_the_database_ended_its_connection(app):
    """What a restart does to a request that has its answer ready: the server ends the session's
    connection before the request's end rolls it back."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite has no connection to end")
    admin = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    context = app.app_context()
    context.push()
    try:
        backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    finally:
        context.pop()
        admin.dispose()
    assert db.session.scalar(text("SELECT 1")) == 1
