"""/healthz: 200 only when the database answers, its schema is the code's and the mail queue moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app import PROJECT_ROOT, create_app
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus
from app.timeutil import utcnow


@pytest.fixture
def migrated(app):
    """The test database marked as migrated to the code's head (the suite builds it with create_all)."""
    heads = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_heads()
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    for head in heads:
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    db.session.commit()
    yield heads
    db.session.rollback()
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()


def queued_message(due_minutes_ago: int, status: OutboxStatus = OutboxStatus.QUEUED) -> OutboxMessage:
    message = OutboxMessage(
        dedupe_key=f"test:{due_minutes_ago}:{status}",
        kind="test",
        recipient="maria.rossi@comune.example.it",
        subject="Conferma",
        text_body="Gentile Maria Rossi",
        html_body="<p>Gentile Maria Rossi</p>",
        status=status,
        next_attempt_at=utcnow() - timedelta(minutes=due_minutes_ago),
    )
    db.session.add(message)
    db.session.commit()
    return message


def test_healthy_when_migrated_and_the_queue_moves(client, migrated):
    queued_message(due_minutes_ago=1)
    queued_message(due_minutes_ago=-60)  # a retry postponed by a failing mail server
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["checks"]["migrations"]["database"] == sorted(migrated)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_database_behind_the_code_fails(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is True
    assert response.json["checks"]["migrations"]["ok"] is False
    assert response.json["checks"]["migrations"]["database"] == []


def test_a_message_long_overdue_fails_without_saying_whose(client, migrated):
    queued_message(due_minutes_ago=16)
    queued_message(due_minutes_ago=60, status=OutboxStatus.FAILED)  # given up: shown to organizers, not stuck
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["outbox"] == {"ok": False, "overdue": 1, "minutes": 15}
    body = response.get_data(as_text=True)
    assert "rossi" not in body.lower() and "Conferma" not in body


def test_an_unreachable_database_fails(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "fail", "checks": {"database": {"ok": False, "error": "unreachable"}}}
