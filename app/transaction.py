"""How a change ends: committed, or rolled back with the error rising; and a view run again when the database dropped the connection before any COMMIT."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db


@contextmanager
def committed() -> Iterator[None]:
    """Run the block, then commit. Any error inside (a domain's refusal, a constraint the
    database enforced) rolls the whole change back before it reaches the caller, so a view never
    has to clean up the session."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


#: A restart of PostgreSQL refuses connections for a moment; wait this long before the one retry.
RETRY_PAUSE_SECONDS = 0.5


@event.listens_for(Session, "before_commit")
def _note_commit(session) -> None:
    """From the first COMMIT a request sends, a lost connection may have lost it after it was
    written: such a request is never run again."""
    if has_request_context():
        g.database_commit_sent = True


def retry_once(view):
    """The view run once more when the database dropped or refused the connection before the
    request sent any COMMIT: the transaction died with the connection, so nothing was written,
    and a second run on a fresh connection (pool_pre_ping tests it) usually gets through a
    restart. A second failure reaches the 503 handler (app/errors.py)."""

    @functools.wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if g.get("database_commit_sent"):
                raise
            try:
                db.session.rollback()
            except SQLAlchemyError:
                db.session.close()
            time.sleep(RETRY_PAUSE_SECONDS)
            return view(*args, **kwargs)

    return run


def release_session(_error=None) -> None:
    """The session closed at the end of every request and command, even when the database ended
    the connection under it (a restart): the closing ROLLBACK then fails, and a request whose
    answer was ready would become a 500. Registered after Flask-SQLAlchemy, so it runs first."""
    try:
        db.session.remove()
    except SQLAlchemyError:
        db.session.registry().invalidate()
        db.session.registry.clear()
