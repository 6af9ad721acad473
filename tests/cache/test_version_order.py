"""Versions move forward: each change gets a later sequence, and what reaches Redis or a
process's memory late never replaces a later version; a savepoint released inside a change
announces nothing before its transaction commits."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest

from app import dataversion
from app.events import services as events
from app.events.models import Venue
from app.extensions import db
from tests import factories
from tests.support.apps import another_app

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (set TEST_REDIS_URL, as .ci/run does)")


def test_each_published_change_moves_the_content_version_one_step_on(app, make_event):
    meeting = make_event(title="Riunione della Consulta")
    first = dataversion.current().content
    events.publish_event(make_event(title="Bozza", status="draft"))
    second = dataversion.current().content
    assert dataversion.sequence(second) == dataversion.sequence(first) + 1
    factories.register(meeting)  # seats only: the content stays where it is
    assert dataversion.current().content == second


def test_each_seat_taken_moves_its_events_seat_version_one_step_on(app, make_event):
    meeting = make_event(title="Riunione della Consulta", capacity=10)
    other = make_event(title="Altro incontro", capacity=10)
    factories.register(meeting)
    first = dataversion.seats(meeting.id)
    factories.register(meeting)
    assert dataversion.sequence(dataversion.seats(meeting.id)) == dataversion.sequence(first) + 1
    assert dataversion.seats(other.id) == dataversion.NO_SEATS


@pytest.fixture
def redis_app(app):
    with another_app(app, CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"incontri-test-{uuid.uuid4().hex}:") as shared:
        yield shared


def version(sequence: int) -> int:
    return (sequence << dataversion._RANDOM_BITS) | 12345


@needs_redis
def test_redis_keeps_the_later_version_whatever_the_order_the_writes_arrive_in(redis_app):
    client = dataversion.redis_client()
    key = f"{redis_app.config['CACHE_KEY_PREFIX']}prova"
    later = dataversion.Version(version(8), datetime(2026, 11, 25, 10, tzinfo=UTC))
    earlier = dataversion.Version(version(7), datetime(2026, 11, 25, 9, tzinfo=UTC))
    dataversion._store(client, key, later.serialize(), later.content, 60)
    dataversion._store(client, key, earlier.serialize(), earlier.content, 60)
    assert dataversion.Version.parse(client.get(key)) == later
    newest = dataversion.Version(version(9), datetime(2026, 11, 25, 11, tzinfo=UTC))
    dataversion._store(client, key, newest.serialize(), newest.content, 60)
    assert dataversion.Version.parse(client.get(key)) == newest


@needs_redis
def test_a_process_keeps_the_later_version_it_heard_or_read(redis_app):
    listener = dataversion._listener(dataversion.redis_client())
    stamp = datetime(2026, 11, 25, 10, tzinfo=UTC)
    listener.remember(dataversion.Version(version(8), stamp))
    listener.remember(dataversion.Version(version(7), stamp))
    assert listener.fresh().content == version(8)
    listener.remember_seats(42, version(3))
    listener.remember_seats(42, version(2))
    assert listener.fresh_seats(42) == version(3)
    listener.remember_seats(42, version(4))
    assert listener.fresh_seats(42) == version(4)


@needs_redis
def test_a_savepoint_released_inside_a_change_announces_nothing_before_the_commit(redis_app):
    meeting = factories.make_event(title="Assemblea", venue=factories.create_venue())
    client = dataversion.redis_client()
    key = f"{redis_app.config['CACHE_KEY_PREFIX']}{dataversion.REDIS_KEY}"
    announced = client.get(key)
    meeting.title = "Assemblea dei sindaci"
    db.session.flush()
    with db.session.begin_nested():
        db.session.add(Venue(name="Sala Viglione", address="Via Alfieri 15", comune="Torino"))
    assert client.get(key) == announced
    db.session.commit()
    assert dataversion.Version.parse(client.get(key)).content == dataversion._from_database().content
    assert client.get(key) != announced


def test_a_savepoint_rolled_back_inside_a_change_keeps_the_change_to_announce(app, make_event):
    """SQLAlchemy reports a savepoint's rollback as a rollback: what was noted before it must
    still move the version when the transaction commits."""
    meeting = make_event(title="Assemblea")
    before = dataversion.current().content
    meeting.title = "Assemblea dei sindaci"
    db.session.flush()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        db.session.add(Venue(name="Sala mai aggiunta", comune="Torino"))
        db.session.flush()
        raise RuntimeError("refused")
    db.session.commit()
    assert dataversion.sequence(dataversion.current().content) == dataversion.sequence(before) + 1


@needs_redis
def test_a_version_stored_by_another_release_is_read_again_from_the_database(redis_app):
    """Old layouts under the key ("content|changed_at", a bare number) are not an error."""
    client = dataversion.redis_client()
    prefix = redis_app.config["CACHE_KEY_PREFIX"]
    client.set(f"{prefix}{dataversion.REDIS_KEY}", "123|2026-11-25T10:00:00+00:00", ex=60)
    client.set(f"{prefix}{dataversion.SEATS_KEY}:7", "456", ex=60)
    assert dataversion._from_redis(client) == dataversion._from_database()
    assert dataversion._seats_from_redis(client, 7) == dataversion.NO_SEATS
