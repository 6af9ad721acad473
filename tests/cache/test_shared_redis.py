"""Two processes sharing Redis, as two app servers would: a change committed by one is seen
by the other at once, and what one rendered the other serves."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.events import services as events
from tests import factories
from tests.factories import input_of
from tests.support.apps import another_app

REDIS_URL = os.environ.get("TEST_REDIS_URL")

SERVER = textwrap.dedent(
    """
    import sys
    from werkzeug.serving import make_server
    from app import create_app, dataversion

    app = create_app({
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": sys.argv[1],
        "BASE_URL": "http://incontri.test",
        "CACHE_REDIS_URL": sys.argv[2],
        "CACHE_KEY_PREFIX": sys.argv[3],
        "CACHE_PAGE_SECONDS": 86400,
    })
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()
    """
)

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (set TEST_REDIS_URL, as .ci/run does)")


def get(url: str, etag: str | None = None) -> tuple[int, dict, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers={"If-None-Match": etag} if etag else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def prefix() -> str:
    return f"incontri-test-{uuid.uuid4().hex}:"


@pytest.fixture
def other_server(app, prefix):
    """The second process: the same database and Redis, its own memory."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL, prefix],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        yield f"http://127.0.0.1:{process.stdout.readline().strip()}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def this_process(app, prefix):
    """This process as the first server: writes go through it, so its commits reach Redis."""
    with another_app(
        app,
        BASE_URL="http://incontri.test",
        CACHE_REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        CACHE_PAGE_SECONDS=86400,
    ) as first:
        yield first


def eventually(check, seconds: float = 2.0):
    """The other process hears a new version on Redis's channel within milliseconds, not at the
    instant this one commits: ask again until it has (or give up and show the last answer)."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result[0] or time.monotonic() > deadline:
            return result[1]
        time.sleep(0.02)


def test_a_change_in_one_process_invalidates_the_other_at_once(this_process, other_server):
    meeting = factories.make_event(title="Assemblea dei sindaci", venue=factories.create_venue(), capacity=10)
    other = factories.make_event(title="Incontro sulla cooperazione", venue=factories.create_venue(), capacity=30)
    page = f"{other_server}/eventi/{meeting.slug}"
    other_page = f"{other_server}/eventi/{other.slug}"
    feed = f"{other_server}/calendario.ics"
    status, headers, body = get(page)
    assert status == 200 and headers["X-Cache"] == "miss" and "<strong>10</strong>" in body
    feed_tag = get(feed)[1]["ETag"]
    other_tag = get(other_page)[1]["ETag"]
    assert get(page)[1]["X-Cache"] == "hit"

    # What the other process rendered, this one serves from Redis.
    here = this_process.test_client().get(f"/eventi/{meeting.slug}")
    assert here.headers["X-Cache"] == "hit" and here.get_data(as_text=True) == body

    factories.register(meeting)  # a seat taken, committed here
    status, headers, body = eventually(lambda: (lambda r: ("<strong>9</strong>" in r[2], r))(get(page)))
    assert headers["X-Cache"] == "miss" and "<strong>9</strong>" in body
    assert get(feed, feed_tag)[0] == 304  # feeds show no seats
    assert get(other_page, other_tag)[0] == 304  # nor does another event's page

    events.cancel_event(meeting, "Sala non disponibile")
    status, headers, body = eventually(lambda: (lambda r: ("Sala non disponibile" in r[2], r))(get(page)))
    assert headers["X-Cache"] == "miss" and "Sala non disponibile" in body
    assert get(feed, feed_tag)[0] == 200


def _publish_a_draft(world):
    events.publish_event(world["draft"])


def _retitle(world):
    meeting = world["meeting"]
    events.update_event(meeting, input_of(meeting, title="Assemblea dei sindaci (aggiornata)"))


def _rename_the_venue(world):
    events.save_reference(world["venue"], {"name": "Palazzo Lascaris, Sala Viglione"})


def _add_a_lesson(world):
    course = world["course"]
    events.add_session(
        course,
        events.SessionInput(title="Seconda lezione", starts_at=course.starts_at, ends_at=course.ends_at),
    )


def _add_a_material(world):
    events.add_material_link(world["meeting"], "Presentazione", "https://example.org/slide.pdf")


@pytest.mark.parametrize(
    "change", [_publish_a_draft, _retitle, _rename_the_venue, _add_a_lesson, _add_a_material], ids=lambda f: f.__name__
)
def test_each_kind_of_published_change_reaches_the_other_process(this_process, other_server, change):
    """Made here, seen there: the other server's list, feed and pages answer 304 to their old
    ETags no more."""
    venue = factories.create_venue()
    world = {
        "venue": venue,
        "meeting": factories.make_event(title="Assemblea dei sindaci", venue=venue, capacity=10),
        "course": factories.make_event(title="Corso di progettazione", type_slug="corso", venue=venue),
        "draft": factories.make_event(title="Bozza riservata", venue=venue, status="draft"),
    }
    urls = [
        f"{other_server}/eventi",
        f"{other_server}/calendario.ics",
        f"{other_server}/eventi/{world['meeting'].slug}",
        f"{other_server}/eventi/{world['course'].slug}",
    ]
    tags = {url: get(url)[1]["ETag"] for url in urls}
    assert all(get(url, tag)[0] == 304 for url, tag in tags.items())
    change(world)
    still = eventually(
        lambda: (lambda left: (not left, left))([url for url, tag in tags.items() if get(url, tag)[0] == 304])
    )
    assert still == []
