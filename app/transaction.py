"""The one way services end a change: commit, or roll back and let the error rise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
