"""How a request's transaction ends when the view did not end it: a transaction that only read
ends with COMMIT (psycopg forgets its prepared statements at each ROLLBACK), and anything a view
changed without committing is still rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.events.models import Venue
from app.extensions import db


@pytest.fixture
def one_connection_app(app):
    """The same database on a pool of one connection, so every request and the test's own
    queries share it; no page cache, so every page is read from the tables."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_pre_ping": True},
            "CACHE_TYPE": "NullCache",
            "CACHE_NO_NULL_WARNING": True,
        }
    )

    @other.get("/prova/aggiunge-un-luogo")
    def adds_a_venue_and_forgets_to_commit():
        db.session.add(Venue(name="Sala mai salvata", comune="Torino"))
        db.session.flush()
        return "ok"

    @other.get("/prova/aggiorna-senza-salvare")
    def updates_with_sql_and_forgets_to_commit():
        db.session.execute(text("UPDATE venues SET name = 'Nome mai salvato'"))
        return "ok"

    @other.get("/prova/aggiorna-in-un-with")
    def updates_inside_a_with_and_forgets_to_commit():
        db.session.execute(
            text("WITH changed AS (UPDATE venues SET name = 'Nome mai salvato' RETURNING id) SELECT * FROM changed")
        )
        return "ok"

    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    "path", ["/prova/aggiunge-un-luogo", "/prova/aggiorna-senza-salvare", "/prova/aggiorna-in-un-with"]
)
def test_what_a_request_changed_without_committing_is_rolled_back(one_connection_app, venue, path):
    if "with" in path and db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's WITH holds no UPDATE")
    name = venue.name  # read now: the object would read the table again afterwards
    assert one_connection_app.test_client().get(path).status_code == 200
    with one_connection_app.app_context():
        names = set(db.session.scalars(select(Venue.name)))
    assert names == {name}


def test_a_request_that_only_read_keeps_the_plans_of_its_queries_on_postgresql(one_connection_app, venue):
    """Its transaction ends with COMMIT: at a ROLLBACK psycopg would forget them."""
    client = one_connection_app.test_client()
    with one_connection_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements are PostgreSQL's")
    for word in ("uno", "due", "tre", "quattro", "cinque", "sei", "sette"):
        assert client.get(f"/eventi?q={word}").status_code == 200
    with one_connection_app.app_context():
        prepared = db.session.scalar(
            select(func.count())
            .select_from(text("pg_prepared_statements"))
            .where(text("statement LIKE '%FROM events%'"))
        )
    assert prepared >= 1
