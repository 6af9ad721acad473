"""Queries per public page stay bounded and do not grow with the number of events: lists
load what they show in bulk, never one query per row."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import event

from app.extensions import cache, db

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import dataset  # noqa: E402

#: The most any public page may ask the database, whatever the data.
MOST = 12


def pages(slugs: dict) -> list[str]:
    return [
        "/",
        "/eventi",
        "/eventi?q=bilancio",
        "/eventi?type=corso",
        f"/eventi/{slugs['course']}",
        f"/eventi/{slugs['meeting']}",
        "/archivio",
        "/serie/ciclo-1",
        "/calendario.ics",
        "/calendario/corso.ics",
        "/serie/ciclo-1/calendario.ics",
        "/api/v1/events",
        "/api/v1/events?when=all",
        f"/api/v1/events/{slugs['course']}",
    ]


def query_counts(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for url in urls:
            cache.clear()  # rendered, not answered from the cache
            db.session.remove()
            statements.clear()
            assert client.get(url).status_code == 200, url
            counts[url] = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return counts


def empty_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_queries_per_page_are_bounded_and_independent_of_the_number_of_events(client):
    empty_database()
    slugs = dataset.build(events=80, registrations=400)
    small = query_counts(client, pages(slugs))
    empty_database()
    slugs = dataset.build(events=400, registrations=4000)
    large = query_counts(client, pages(slugs))
    assert {url.split("/eventi/")[0]: n for url, n in small.items()} == {
        url.split("/eventi/")[0]: n for url, n in large.items()
    }
    assert max(large.values()) <= MOST, large
