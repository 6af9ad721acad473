"""Serialising writers the way each database can."""

from __future__ import annotations

from sqlalchemy import delete, false

from app.extensions import db


def is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def take_sqlite_write_lock(model) -> None:
    """On SQLite, take the database's single write lock now, for the rest of the transaction.

    SQLite has no row locks and no SKIP LOCKED; any write statement takes the write lock, even
    one that touches no row. Reads made before ran outside a transaction (pysqlite opens one
    only at the first write), so nothing read afterwards can be stale. No-op elsewhere."""
    if is_sqlite():
        db.session.execute(delete(model).where(false()))
