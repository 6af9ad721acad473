"""A second app on the test database, as another server or worker process would run it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from app import create_app, dataversion
from app.extensions import db


@contextmanager
def another_app(app: Flask, **config) -> Iterator[Flask]:
    """An app on `app`'s database with `config` on top, its context pushed for the block; its
    connections and its Redis listener end with the block."""
    other = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **config}
    )
    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()
    dataversion.stop_listening(other)
