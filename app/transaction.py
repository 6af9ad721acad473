"""How a change ends: committed, or rolled back with the error rising; and a view run again when the database dropped the connection before any COMMIT."""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, has_request_context
from sqlalchemy import Engine, event
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


_WROTE = "incontri.statement_other_than_select"


@event.listens_for(Engine, "begin")
def _transaction_begins(connection) -> None:
    connection.info[_WROTE] = False


#: A statement that may change data: anything but a SELECT, or a WITH whose parts do.
_WRITES_IN_WITH = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


@event.listens_for(Engine, "before_cursor_execute")
def _note_statement(connection, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    start = statement.lstrip()[:6].upper()
    if start == "SELECT" or (start.startswith("WITH") and not _WRITES_IN_WITH.search(statement)):
        return
    connection.info[_WROTE] = True


def _end_reading() -> None:
    """A transaction that only ran SELECTs ends with COMMIT, not ROLLBACK: the two leave the
    database the same, but psycopg forgets every prepared statement of the connection at each
    ROLLBACK, so a site whose requests all ended so never reused a plan, and PostgreSQL planned
    every query of every page again (about 1.5 ms for the list of events). Anything else (a
    change flushed or waiting, any other statement) is left to the closing ROLLBACK."""
    if not db.session.registry.has():
        return
    session = db.session()
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if not connection.info.get(_WROTE, True):
        # The driver's own COMMIT: nothing was changed, so none of the session's work at a
        # commit applies (flushing, events, expiring every loaded object); the session, closed
        # next, then ends a transaction that is already over, which sends nothing.
        # A connection already gone (a restart) is left to the closing below.
        with contextlib.suppress(connection.dialect.loaded_dbapi.Error):
            connection.connection.dbapi_connection.commit()


def release_session(error=None) -> None:
    """The session closed at the end of every request and command, even when the database ended
    the connection under it (a restart): the closing ROLLBACK then fails, and a request whose
    answer was ready would become a 500. Registered after Flask-SQLAlchemy, so it runs first."""
    try:
        if error is None:
            _end_reading()
        db.session.remove()
    except SQLAlchemyError:
        db.session.registry().invalidate()
        db.session.registry.clear()
