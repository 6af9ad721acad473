"""Which events each calendar feed holds, how to tell cheaply whether a feed changed, and the
personal feed tokens.

The all-events and per-type feeds hold FEED_WINDOW_MONTHS back and everything ahead, so they
stay small enough for every client (Google Calendar silently stops refreshing large ones); a
series' feed and a person's feed keep their whole history, which is what they are for."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app import dataversion
from app.events.models import Event, EventSession, EventStatus
from app.extensions import db
from app.registrations.models import ACTIVE_STATUSES, Registration, RegistrationStatus
from app.timeutil import rome_datetime, today_rome

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

    @property
    def windowed(self) -> bool:
        """The all-events and per-type feeds; a series or a person keeps its whole history."""
        return self.series_id is None and self.email is None


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_start() -> tuple[datetime, datetime]:
    """Cut-offs from today's midnight in Rome, so a feed's content changes at most once a day
    by itself, and two requests on the same day agree: the windowed feeds' first day, and the
    day before which a cancellation is no longer shown."""
    today = today_rome()
    first_day = months_before(today, current_app.config["FEED_WINDOW_MONTHS"])
    return rome_datetime(first_day, time(0)), rome_datetime(today, time(0)) - timedelta(days=CANCELLED_DAYS)


def _feed_filter(feed: Feed):
    ends_after, cancelled_after = window_start()
    conditions = [
        Event.status.in_(FEED_STATUSES),
        or_(Event.status != EventStatus.CANCELLED, Event.cancelled_at >= cancelled_after),
    ]
    if feed.windowed:
        conditions.append(Event.ends_at >= ends_after)
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
    """The feed's events with everything their entries show (events.ical), one query per
    collection: no more, since a large feed's time goes as much into loading rows as into
    writing them."""
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
            )
        )
    )


def events_with_link(feed: Feed) -> set[int]:
    """The events whose online link a person's feed may show: those of its address's confirmed
    registrations, as their invitations do (waiting list and pending requests do not get it)."""
    if feed.email is None:
        return set()
    return set(
        db.session.scalars(
            select(Registration.event_id).where(
                Registration.email == feed.email, Registration.status == RegistrationStatus.CONFIRMED
            )
        )
    )


@dataclass(frozen=True)
class FeedState:
    last_modified: datetime


def feed_state(feed: Feed) -> FeedState:
    """From the data version (app/dataversion.py), without reading the events: its last change,
    or today's midnight, when the window moved with no row changing. The version itself keys
    the public feeds in the page cache and gives their ETag (app/pagecache.py)."""
    midnight = rome_datetime(today_rome(), time(0))
    return FeedState(max(dataversion.current().changed_at, midnight))
