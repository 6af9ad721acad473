"""/healthz: whether this server can do its work (database, schema, mail queue), for monitors and load balancers."""

from __future__ import annotations

import functools
from datetime import timedelta

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter
from app.outbox.models import OutboxMessage, OutboxStatus
from app.timeutil import utcnow

bp = Blueprint("health", __name__)


@functools.cache
def _code_heads(directory: str) -> frozenset[str]:
    """The revisions this code expects; read once, since a new release restarts the workers."""
    return frozenset(ScriptDirectory(directory).get_heads())


def _database_revisions(connection) -> frozenset[str]:
    """Empty for a database never migrated (no alembic_version table)."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _overdue_messages(connection, minutes: int) -> int:
    """Messages still queued (or still to be written) this long after they were due: with a
    worker running, a due message is taken within WORKER_INTERVAL; a failing server only
    postpones next_attempt_at."""
    cutoff = utcnow() - timedelta(minutes=minutes)
    query = select(func.count()).where(
        OutboxMessage.status.in_((OutboxStatus.UNWRITTEN, OutboxStatus.QUEUED)), OutboxMessage.next_attempt_at < cutoff
    )
    return connection.scalar(query)


def checks() -> dict[str, dict]:
    """Each check and its outcome. On a connection of its own, closed at the end: a probe never
    leaves anything open in the request's session, whatever the database answered."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            expected = _code_heads(current_app.extensions["migrate"].directory)
            found = _database_revisions(connection)
            minutes = current_app.config["HEALTH_OUTBOX_MINUTES"]
            overdue = _overdue_messages(connection, minutes)
    except SQLAlchemyError:
        return {"database": {"ok": False, "error": "unreachable"}}
    return {
        "database": {"ok": True},
        "migrations": {"ok": found == expected, "expected": sorted(expected), "database": sorted(found)},
        "outbox": {"ok": overdue == 0, "overdue": overdue, "minutes": minutes},
    }


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 when every check passes, 503 otherwise; counts and revisions only, never personal data."""
    results = checks()
    healthy = all(check["ok"] for check in results.values())
    response = jsonify({"status": "ok" if healthy else "fail", "checks": results})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
