"""Which events each calendar feed holds, how to tell cheaply whether a feed changed, and the
personal feed tokens."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select, union_all
from sqlalchemy.orm import selectinload

from app.events.models import (
    Event,
    EventOrganization,
    EventSession,
    EventStatus,
    EventType,
    Organization,
    Series,
    Speaker,
    Venue,
)
from app.extensions import db
from app.registrations.models import ACTIVE_STATUSES, Registration
from app.timeutil import rome_datetime, today_rome

#: Feeds hold what is coming and what happened in the last weeks.
PAST_DAYS = 60
#: A cancelled event stays this long after its cancellation, so subscribers' clients see it go.
CANCELLED_DAYS = 30
FEED_STATUSES = (EventStatus.PUBLISHED, EventStatus.POSTPONED, EventStatus.CANCELLED)


@dataclass(frozen=True)
class Feed:
    """One feed: its identity (for caches and ETags), its title, and the filter on events."""

    key: str
    name: str
    description: str
    type_id: int | None = None
    series_id: int | None = None
    email: str | None = None
    color: str | None = None
    #: The language of its words and of the events' content (?lang=); Italian by default.
    language: str = "it"


def window_start() -> tuple[datetime, datetime]:
    """Cut-offs from today's midnight in Rome, so a feed's content changes at most once a day
    by itself, and two requests on the same day agree."""
    midnight = rome_datetime(today_rome(), time(0))
    return midnight - timedelta(days=PAST_DAYS), midnight - timedelta(days=CANCELLED_DAYS)


def _feed_filter(feed: Feed):
    ends_after, cancelled_after = window_start()
    conditions = [
        Event.status.in_(FEED_STATUSES),
        Event.ends_at >= ends_after,
        or_(Event.status != EventStatus.CANCELLED, Event.cancelled_at >= cancelled_after),
    ]
    if feed.type_id is not None:
        conditions.append(Event.type_id == feed.type_id)
    if feed.series_id is not None:
        conditions.append(Event.series_id == feed.series_id)
    if feed.email is not None:
        conditions.append(
            Event.id.in_(
                select(Registration.event_id).where(
                    Registration.email == feed.email, Registration.status.in_(ACTIVE_STATUSES)
                )
            )
        )
    return and_(*conditions)


def feed_events(feed: Feed) -> list[Event]:
    """The feed's events with everything their entries show, one query per collection."""
    sessions = selectinload(Event.sessions)
    return list(
        db.session.scalars(
            select(Event)
            .where(_feed_filter(feed))
            .order_by(Event.starts_at, Event.id)
            .options(
                sessions.selectinload(EventSession.speakers),
                sessions.selectinload(EventSession.venue),
                selectinload(Event.themes),
                selectinload(Event.organization_links).joinedload(EventOrganization.organization),
            )
        )
    )


def _reference_stamp() -> Select:
    """The latest change to the reference data entries show (places, types, series, people)."""
    parts = [
        select(func.max(model.updated_at).label("t")) for model in (Venue, EventType, Series, Speaker, Organization)
    ]
    return select(func.max(union_all(*parts).subquery().c.t))


@dataclass(frozen=True)
class FeedState:
    #: Changes whenever the feed's content can change; decides 304s without rendering.
    version: str
    last_modified: datetime


def feed_state(feed: Feed) -> FeedState:
    """A few aggregates over the feed's rows, cheap enough for every poll: a client revalidating
    an unchanged feed costs these small queries and no rendering."""
    matching = select(Event.id, Event.updated_at).where(_feed_filter(feed)).subquery()
    events = db.session.execute(select(func.count(), func.max(matching.c.updated_at))).one()
    sessions = db.session.execute(
        select(func.count(EventSession.id), func.max(EventSession.updated_at)).where(
            EventSession.event_id.in_(select(matching.c.id))
        )
    ).one()
    reference = db.session.scalar(_reference_stamp())
    registrations = (None, None)
    if feed.email is not None:
        registrations = db.session.execute(
            select(func.count(), func.max(Registration.updated_at)).where(Registration.email == feed.email)
        ).one()
    ends_after, _ = window_start()
    # The window moves at midnight: the feed may lose an event then, with no row changing.
    midnight = ends_after + timedelta(days=PAST_DAYS)
    parts = [feed.key, midnight.isoformat(), *events, *sessions, reference, *registrations]
    version = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
    moments = [m for m in (events[1], sessions[1], reference, registrations[1], midnight) if m is not None]
    return FeedState(version, max(moments))
