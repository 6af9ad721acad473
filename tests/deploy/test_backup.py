"""`flask backup` then `flask restore` into a fresh database: the same events, registrations,
outbox and uploaded files (pg_dump and pg_restore on PostgreSQL, the backup API on SQLite)."""

from __future__ import annotations

import io
import os
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import FileStorage

from app import create_app
from app.demo.data import load_demo
from app.events import services as events
from app.events.models import Event
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations.models import Registration
from tests import factories
from tests.support.deployment import require_tool


@pytest.fixture
def dump_tools(app):
    """pg_dump and pg_restore, when the suite runs on PostgreSQL."""
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        require_tool("pg_dump")
        require_tool("pg_restore")


@pytest.fixture
def fresh_database_url(app, tmp_path, dump_tools):
    """An empty database beside the suite's own, of the same kind."""
    base = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if base.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"incontri_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def snapshot() -> dict:
    """What must survive, compared row by row."""
    return {
        "events": sorted(db.session.execute(select(Event.id, Event.slug, Event.title, Event.status)).all()),
        "registrations": sorted(
            db.session.execute(
                select(Registration.id, Registration.email, Registration.status, Registration.token)
            ).all()
        ),
        "outbox": sorted(
            db.session.execute(select(OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.status)).all()
        ),
    }


def test_backup_and_restore_into_a_fresh_database(app, runner, fresh_database_url, tmp_path):
    load_demo()
    upcoming = factories.make_event(venue=factories.create_venue())
    factories.register(upcoming, "luca.bianchi@comune.asti.it")  # its confirmation waits in the outbox
    events.add_material_file(
        upcoming,
        "Slide",
        FileStorage(io.BytesIO(b"%PDF-1.4 slide"), filename="slide.pdf"),
        app.config["UPLOAD_FOLDER"],
    )
    before = snapshot()
    assert before["registrations"] and before["outbox"], "the demo data should hold registrations and messages"
    uploads = Path(app.config["UPLOAD_FOLDER"])
    files = {p.relative_to(uploads): p.read_bytes() for p in uploads.rglob("*") if p.is_file()}
    assert files

    archive = tmp_path / "incontri.tar"
    result = runner.invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert os.stat(archive).st_mode & 0o077 == 0, "a backup holds personal data: readable by its owner only"
    with tarfile.open(archive) as tar:
        assert {"manifest.json"} < set(tar.getnames())

    restored_uploads = tmp_path / "restored-uploads"
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": fresh_database_url,
            "UPLOAD_FOLDER": str(restored_uploads),
        }
    )
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        after = snapshot()
        db.session.remove()
        db.engine.dispose()
    assert after == before
    assert {
        p.relative_to(restored_uploads): p.read_bytes() for p in restored_uploads.rglob("*") if p.is_file()
    } == files


def test_restore_refuses_a_database_that_is_not_empty(app, runner, dump_tools, tmp_path):
    archive = tmp_path / "incontri.tar"
    assert runner.invoke(args=["backup", "--output", str(archive)]).exit_code == 0
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "non è vuoto" in result.output
