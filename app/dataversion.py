"""The version of what the public sees: changed in the same transaction as any published change,
so caches key on it and answer 304 without reading the tables.

Each domain says, next to its models, which changes of its rows are published (`watch`); a
session listener notes them at every flush and, when the transaction commits, replaces the
version in the one row of `data_version` inside that same transaction. There are two kinds:
the `content` version (events, lessons, places, people, types, series, materials), one for
everything, and a seat version per event (`seat_versions`: its seat and waiting-list counts,
which only that event's own page and its API answer show), so that a registration neither
makes every calendar feed look changed nor renders every other event's page again.

A version is a sequence number in its high bits, one more at each change (the row's lock
orders the changes), and 32 random low bits, so that a database emptied and filled again, or
restored, gives again a version a cache still holds for other data once in four billion
times at most.

A reader takes the version first and the data after: a cache entry under a version can then
hold data newer than that version, never older. With `CACHE_REDIS_URL` the version is also
kept in Redis (several servers share it, a 304 touches no database); each process writes it
there after its commit and announces it on a channel of the same name, which a thread of each
process listens to, so a request reads the version from memory, a few milliseconds behind a
commit elsewhere at most; an event's seat version goes the same way, under its own key and on
a second channel. Two commits' writes may reach Redis in either order: Redis and each process
keep a version only over an older one (by sequence), so the later change always wins. A
reader that finds nothing reads the row and stores it on the same terms. The Redis copy and
each process's heard copy are trusted `CACHE_VERSION_SECONDS`, so a process that died between
its commit and that write, or a message lost while the listener reconnected, leaves a stale
version for seconds, not for ever; so does a restore while the site is served, whose lower
sequence Redis and the processes refuse until their copies expire (twice that at most).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from flask import current_app, has_app_context, has_request_context, request
from redis.exceptions import RedisError
from sqlalchemy import BigInteger, Integer, event, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

CONTENT = "content"


@dataclass(frozen=True)
class Seats:
    """The seat and waiting-list counts of one event changed."""

    event_id: int


#: `classify(obj, state)` with state "new", "dirty" or "deleted": CONTENT, Seats(event id) or None.
Classifier = Callable[[object, str], "str | Seats | None"]

_watched: dict[type, Classifier] = {}

logger = logging.getLogger(__name__)

_PENDING = "data_version_pending"
_BUMPED = "data_version_bumped"
_REQUEST_KEY = "incontri.data_version"
_REQUEST_SEATS = "incontri.seat_versions"
#: Also the channels' names. Versions of this layout only: not the "content|seats|…" of old.
REDIS_KEY = "data-version:3"
SEATS_KEY = "seat-version:3"
_ROW_ID = 1
#: Low bits of a version that are random; the sequence is above them.
_RANDOM_BITS = 32
_RANDOM_MASK = (1 << _RANDOM_BITS) - 1


def sequence(version: int) -> int:
    """The order of a version among those of its row: higher is later."""
    return version >> _RANDOM_BITS


def _first() -> int:
    return (1 << _RANDOM_BITS) | secrets.randbits(_RANDOM_BITS)


def _after(column, random_bits):
    """The SQL of the version after `column`'s: the next sequence, new random bits."""
    shift = literal(_RANDOM_BITS, Integer)  # PostgreSQL shifts a bigint by an integer only
    return (((column.op(">>")(shift)) + 1).op("<<")(shift)).op("|")(random_bits)


class DataVersion(db.Model):
    """One row: random numbers replaced, never incremented, so that a database emptied and
    filled again (tests, a restore) never repeats a version a cache still holds."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[int] = mapped_column(BigInteger)
    #: The last published change: Last-Modified of the feeds.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SeatVersion(db.Model):
    """An event's seat version, random as the content's: a row from its first registration on.
    No foreign key: written at the commit of a change that may also remove the event, and a
    row left behind names nothing (every key also holds the content version, which moved)."""

    __tablename__ = "seat_versions"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


@dataclass(frozen=True)
class Version:
    content: int
    changed_at: datetime

    def serialize(self) -> str:
        """For Redis: the sequence first, which the store compares (_SET_IF_NEWER)."""
        return f"{sequence(self.content)}|{self.content}|{self.changed_at.isoformat()}"

    @classmethod
    def parse(cls, raw: bytes | str) -> Version:
        text = raw.decode() if isinstance(raw, bytes) else raw
        _sequence, content, changed_at = text.split("|")
        return cls(int(content), datetime.fromisoformat(changed_at))


#: Before anything was ever published (an empty database).
NOTHING = Version(0, datetime(2000, 1, 1, tzinfo=UTC))
#: An event nobody has registered for yet.
NO_SEATS = 0


def watch(model: type, classify: Classifier) -> None:
    """Called by each domain for the models the public sees (events/published.py…)."""
    _watched[model] = classify


# -- writing: in the transaction of the change ----------------------------------------------


@event.listens_for(Session, "before_flush")
def _note_published_changes(session: Session, _context, _instances) -> None:
    kinds: set[str | Seats] = session.info.setdefault(_PENDING, set())
    with session.no_autoflush:
        for state, objects in (
            ("new", list(session.new)),
            ("dirty", list(session.dirty)),
            ("deleted", list(session.deleted)),
        ):
            for obj in objects:
                classify = _watched.get(type(obj))
                if classify is None or (state == "dirty" and not session.is_modified(obj)):
                    continue
                kind = classify(obj, state)
                if kind is not None:
                    kinds.add(kind)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    """As late as possible: the row lock the update takes is held only until the commit, and
    no other lock is taken after it (no deadlock with the event row locks). Not when a
    savepoint is released (SQLAlchemy calls this then too): the change is not committed yet."""
    if session.in_nested_transaction():
        return
    session.flush()
    kinds = session.info.pop(_PENDING, None)
    if kinds:
        session.info[_BUMPED] = _bump(session, kinds)


@dataclass(frozen=True)
class _Bumped:
    content: Version | None
    seats: dict[int, int]


def _bump(session: Session, kinds: set[str | Seats]) -> _Bumped:
    """The content row first, then the events' seat rows in the order of their ids: every
    writer takes these locks in the same order."""
    content = _bump_content(session) if CONTENT in kinds else None
    events = sorted(kind.event_id for kind in kinds if isinstance(kind, Seats))
    seats: dict[int, int] = {}
    if events:
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
        statement = insert(SeatVersion).values([{"event_id": event_id, "version": _first()} for event_id in events])
        statement = statement.on_conflict_do_update(
            index_elements=[SeatVersion.event_id],
            set_={"version": _after(SeatVersion.version, statement.excluded.version.op("&")(_RANDOM_MASK))},
        )
        rows = session.execute(
            statement.returning(SeatVersion.event_id, SeatVersion.version).execution_options(synchronize_session=False)
        )
        seats = {event_id: version for event_id, version in rows}
    return _Bumped(content, seats)


def _bump_content(session: Session) -> Version:
    now = utcnow()
    row = session.execute(
        update(DataVersion)
        .where(DataVersion.id == _ROW_ID)
        .values(content=_after(DataVersion.content, secrets.randbits(_RANDOM_BITS)), changed_at=now)
        .returning(DataVersion.content, DataVersion.changed_at)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is not None:
        return Version(*row)
    # Only a database made by create_all (tests): the migration writes the row.
    version = Version(_first(), now)
    session.add(DataVersion(id=_ROW_ID, content=version.content, changed_at=now))
    session.flush()
    return version


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the change is committed with its transaction, later
    bumped: _Bumped | None = session.info.pop(_BUMPED, None)
    if bumped is not None and has_app_context():
        client = redis_client()
        if client is not None:
            seconds = current_app.config["CACHE_VERSION_SECONDS"]
            try:
                listener = _listener(client)
                pipeline = client.pipeline(transaction=False)
                if bumped.content is not None:
                    _store(pipeline, _redis_key(), bumped.content.serialize(), bumped.content.content, seconds)
                    pipeline.publish(_redis_key(), bumped.content.serialize())
                for event_id, version in bumped.seats.items():
                    _store(pipeline, _seats_key(event_id), _serialize_seat(version), version, seconds)
                if bumped.seats:
                    pipeline.publish(_seats_channel(), _serialize_seats(bumped.seats))
                pipeline.execute()
                if bumped.content is not None:
                    listener.remember(bumped.content)
                for event_id, version in bumped.seats.items():
                    listener.remember_seats(event_id, version)
            except RedisError:
                # The change is committed: the caller must not see an error. Redis's copy of the
                # version is read again from the database within CACHE_VERSION_SECONDS.
                logger.warning("data version not announced on Redis", exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint rolled back: what was noted before it is still to be committed
    session.info.pop(_PENDING, None)
    session.info.pop(_BUMPED, None)


# -- reading: once per request --------------------------------------------------------------


def redis_client():
    """The Redis connection pool of this app, when CACHE_REDIS_URL is set."""
    app = current_app._get_current_object()
    if "data_version_redis" not in app.extensions:
        url = app.config.get("CACHE_REDIS_URL")
        if url:
            import redis

            app.extensions["data_version_redis"] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1)
        else:
            app.extensions["data_version_redis"] = None
    return app.extensions["data_version_redis"]


def _redis_key() -> str:
    return current_app.config["CACHE_KEY_PREFIX"] + REDIS_KEY


def _seats_channel() -> str:
    return current_app.config["CACHE_KEY_PREFIX"] + SEATS_KEY


def _seats_key(event_id: int) -> str:
    return f"{_seats_channel()}:{event_id}"


#: SET only over nothing or an older version: KEYS[1]; ARGV: the value, its sequence, seconds.
#: Values start with their sequence and "|" (Version.serialize, _serialize_seat); sequences
#: stay far below 2^53, so Lua's numbers compare them exactly.
_SET_IF_NEWER = """
local held = redis.call('GET', KEYS[1])
if held then
  local sequence = tonumber(string.match(held, '^(%d+)|'))
  if sequence and sequence >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""


def _store(client, key: str, value: str, version: int, seconds: int) -> None:
    """Store a version in Redis unless a later one is there (client: a connection or a pipeline)."""
    client.eval(_SET_IF_NEWER, 1, key, value, sequence(version), seconds)


def _serialize_seat(version: int) -> str:
    return f"{sequence(version)}|{version}"


def _parse_seat(raw: bytes | str) -> int:
    text = raw.decode() if isinstance(raw, bytes) else raw
    _sequence, version = text.split("|")  # ValueError for any other layout
    return int(version)


def _serialize_seats(seats: dict[int, int]) -> str:
    return ",".join(f"{event_id}={version}" for event_id, version in seats.items())


def _parse_seats(raw: bytes | str) -> dict[int, int]:
    text = raw.decode() if isinstance(raw, bytes) else raw
    return {int(event_id): int(version) for event_id, version in (pair.split("=") for pair in text.split(","))}


class Listener:
    """The versions as Redis last announced them, heard by a thread of this process."""

    def __init__(self, client, channel: str, seats_channel: str, seconds: int):
        self.pid = os.getpid()
        self.seconds = seconds
        #: CONTENT → (its number, the Version, trusted until); an event id → (seat version,
        #: the same, trusted until).
        self.held: dict[str | int, tuple[int, Version | int, float]] = {}
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(**{channel: self._hear, seats_channel: self._hear_seats})
        self.thread = self.pubsub.run_in_thread(sleep_time=1.0, daemon=True, exception_handler=self._lost)

    def _hear(self, message) -> None:
        with contextlib.suppress(ValueError):  # another release's announcement: ignored
            self.remember(Version.parse(message["data"]))

    def _hear_seats(self, message) -> None:
        with contextlib.suppress(ValueError):
            for event_id, version in _parse_seats(message["data"]).items():
                self.remember_seats(event_id, version)

    def _lost(self, _error, _pubsub, _thread) -> None:
        """The listening connection failed for good: trust nothing heard until it is read again
        (the thread connects again). A short drop is mended by redis-py itself, without this;
        what was announced meanwhile is lost, and the trust's limit then bounds the staleness."""
        self.held = {}
        time.sleep(0.5)

    def _keep(self, key: str | int, number: int, value: Version | int) -> None:
        """Kept unless a later version is held and still trusted: announcements and reads may
        arrive in any order."""
        now = time.monotonic()
        held = self.held.get(key)
        if held is None or now >= held[2] or sequence(number) >= sequence(held[0]):
            self.held[key] = (number, value, now + self.seconds)

    def _trusted(self, key: str | int):
        held = self.held.get(key)
        return held[1] if held is not None and time.monotonic() < held[2] and self.thread.is_alive() else None

    def remember(self, version: Version) -> None:
        self._keep(CONTENT, version.content, version)

    def remember_seats(self, event_id: int, version: int) -> None:
        self._keep(event_id, version, version)

    def fresh(self) -> Version | None:
        return self._trusted(CONTENT)

    def fresh_seats(self, event_id: int) -> int | None:
        return self._trusted(event_id)

    def stop(self) -> None:
        self.thread.stop()
        self.thread.join(timeout=5)
        self.pubsub.close()


def _listener(client) -> Listener:
    """One per app and process: a forked process (a gunicorn worker) has none of its parent's
    threads, so it starts its own."""
    app = current_app._get_current_object()
    listener = app.extensions.get("data_version_listener")
    if listener is None or listener.pid != os.getpid():
        with _LISTENER_LOCK:
            listener = app.extensions.get("data_version_listener")
            if listener is None or listener.pid != os.getpid():
                listener = Listener(client, _redis_key(), _seats_channel(), app.config["CACHE_VERSION_SECONDS"])
                app.extensions["data_version_listener"] = listener
    return listener


_LISTENER_LOCK = threading.Lock()


def stop_listening(app) -> None:
    """For tests and shutdowns: end this process's listening thread."""
    listener = app.extensions.pop("data_version_listener", None)
    if listener is not None and listener.pid == os.getpid():
        listener.stop()


def _from_database() -> Version:
    """On a connection of its own, without a transaction: one statement, where the session's
    would add BEGIN and ROLLBACK around it on a request that reads nothing else."""
    query = select(DataVersion.content, DataVersion.changed_at).where(DataVersion.id == _ROW_ID)
    row = _read_alone(query)
    return Version(*row) if row is not None else NOTHING


def _seats_from_database(event_id: int) -> int:
    version = _read_alone(select(SeatVersion.version).where(SeatVersion.event_id == event_id))
    return version[0] if version is not None else NO_SEATS


def _read_alone(query):
    """One row or None."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(query).one_or_none()


def _from_redis(client) -> Version:
    raw = client.get(_redis_key())
    if raw is not None:
        with contextlib.suppress(ValueError):  # not this release's layout: read the row
            return Version.parse(raw)
    version = _from_database()
    # Only over an older one: a process that has just committed may have written a later one.
    _store(client, _redis_key(), version.serialize(), version.content, current_app.config["CACHE_VERSION_SECONDS"])
    return version


def _seats_from_redis(client, event_id: int) -> int:
    raw = client.get(_seats_key(event_id))
    if raw is not None:
        with contextlib.suppress(ValueError):
            return _parse_seat(raw)
    version = _seats_from_database(event_id)
    _store(client, _seats_key(event_id), _serialize_seat(version), version, current_app.config["CACHE_VERSION_SECONDS"])
    return version


def seats(event_id: int) -> int:
    """The seat version of one event now, as `current()` reads the content's: once per request,
    from what this process heard, Redis, or the event's row."""
    held = request.environ.setdefault(_REQUEST_SEATS, {}) if has_request_context() else {}
    if event_id in held:
        return held[event_id]
    client = redis_client()
    version = None
    if client is not None:
        try:
            listener = _listener(client)
            version = listener.fresh_seats(event_id)
            if version is None:
                version = _seats_from_redis(client, event_id)
                listener.remember_seats(event_id, version)
        except RedisError:
            logger.warning("seat version read from the database: Redis does not answer", exc_info=True)
            version = _seats_from_database(event_id)
    else:
        version = _seats_from_database(event_id)
    held[event_id] = version
    return version


def current() -> Version:
    """The version now: from Redis when configured, else the one row; read once per request."""
    if has_request_context() and _REQUEST_KEY in request.environ:
        return request.environ[_REQUEST_KEY]
    client = redis_client()
    version = None
    if client is not None:
        try:
            listener = _listener(client)
            version = listener.fresh()
            if version is None:
                version = _from_redis(client)
                listener.remember(version)
        except RedisError:
            logger.warning("data version read from the database: Redis does not answer", exc_info=True)
            version = _from_database()
    else:
        version = _from_database()
    if has_request_context():
        request.environ[_REQUEST_KEY] = version
    return version


_T = TypeVar("_T")
_MEMO = "incontri.memo"


def memoized(name: str, compute: Callable[[], _T]) -> _T:
    """`compute()` once per content version in this process, for the reference data that
    pages ask for at every render (the list filters' choices, the series' numbering). Exact
    as the page cache is: a published change moves the version, and a result computed after
    reading version V holds data as of V or newer. Only in requests that change nothing (GET,
    HEAD) and never while this session holds unpublished changes. The value is shared by
    later requests: plain values, never ORM objects bound to one request's session."""
    if not has_request_context() or request.method not in ("GET", "HEAD") or pending():
        return compute()
    version = current().content
    held = current_app.extensions.setdefault(_MEMO, {}).get(name)
    if held is not None and held[0] == version:
        return held[1]
    value = compute()
    current_app.extensions[_MEMO][name] = (version, value)
    return value


def pending() -> bool:
    """Whether this session holds changes that will move the version once committed: what it
    reads now is not what the version says (a test, or a request that changed something)."""
    if not db.session.registry.has():
        return False  # no session in this context yet, so nothing waiting in one
    session = db.session()
    if session.info.get(_PENDING):
        return True
    return any(type(obj) in _watched for obj in (*session.new, *session.dirty, *session.deleted))
