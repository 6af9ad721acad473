"""Calendar feeds and downloads: what subscribed clients poll, answered cheaply when unchanged."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import force_locale
from sqlalchemy import select

from app.calendar import services
from app.events.ical import build_calendar, event_components, organizer_identity
from app.events.models import EventType, Series
from app.events.services import get_public_event, load_programme
from app.extensions import db
from app.registrations.feeds import get_personal_feed
from app.urls import absolute_url, host_of

bp = Blueprint("calendar", __name__)

#: The language of the published calendars.
FEED_LOCALE = "it"

#: Public feeds may sit in shared caches for a while; clients poll every few hours anyway.
PUBLIC_CACHE = "public, max-age=900"
#: Personal feeds never go to a shared cache.
PRIVATE_CACHE = "private, max-age=900"


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str
    last_modified: datetime


class RenderCache:
    """The last renderings, by feed and version: an unchanged feed is never built twice in a
    process, and a new version simply replaces the old entry's place."""

    def __init__(self, size: int = 128):
        self.size = size
        self.entries: OrderedDict[tuple[str, str], Rendered] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Rendered | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, str], entry: Rendered) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


render_cache = RenderCache()


def ics_response(entry: Rendered, filename: str, cache_control: str = PUBLIC_CACHE) -> Response:
    """text/calendar, never compressed (Outlook fails on gzipped subscriptions), with a strong
    ETag and Last-Modified so clients revalidate for the price of a 304."""
    response = Response(entry.body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache_control
    response.set_etag(entry.etag)
    response.last_modified = entry.last_modified
    return response.make_conditional(request)


def _render(feed: services.Feed, state: services.FeedState) -> Rendered:
    """In Italian whoever asks: a feed's bytes depend on its content only (one cache entry,
    one ETag), and subscribed clients send no language anyway."""
    with force_locale(FEED_LOCALE):
        return _render_in_locale(feed, state)


def _render_in_locale(feed: services.Feed, state: services.FeedState) -> Rendered:
    events = services.feed_events(feed)
    host = host_of(current_app.config["BASE_URL"])
    organizer = organizer_identity()
    components = [
        c
        for e in events
        for c in event_components(e, absolute_url("events.event_detail", slug=e.slug), host, organizer)
    ]
    calendar = build_calendar(
        components, name=feed.name, description=feed.description, color=feed.color, subscription=True
    )
    body = calendar.to_ical()
    return Rendered(body, hashlib.sha256(body).hexdigest(), state.last_modified)


def serve_feed(feed: services.Feed, filename: str, cache_control: str = PUBLIC_CACHE) -> Response:
    state = services.feed_state(feed)
    key = (feed.key, state.version)
    entry = render_cache.get(key)
    if entry is None:
        entry = _render(feed, state)
        render_cache.put(key, entry)
    return ics_response(entry, filename, cache_control)


def _org_name() -> str:
    return current_app.config["ORGANIZATION_NAME"]


@bp.get("/calendario.ics")
def all_events():
    feed = services.Feed(
        key="tutti",
        name=f"{_org_name()} – Incontri",
        description=f"Riunioni, incontri, mostre e percorsi formativi di {_org_name()}.",
    )
    return serve_feed(feed, "calendario.ics")


@bp.get("/calendario/<type_slug>.ics")
def type_feed(type_slug: str):
    event_type = db.session.scalar(select(EventType).where(EventType.slug == type_slug))
    if event_type is None:
        abort(404)
    feed = services.Feed(
        key=f"tipo-{event_type.id}",
        name=f"{_org_name()} – {event_type.label}",
        description=f"{event_type.label}: il calendario di {_org_name()}.",
        type_id=event_type.id,
        color=event_type.color,
    )
    return serve_feed(feed, f"{event_type.slug}.ics")


@bp.get("/serie/<slug>/calendario.ics")
def series_feed(slug: str):
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        abort(404)
    feed = services.Feed(
        key=f"serie-{series.id}",
        name=series.title,
        description=series.description or series.title,
        series_id=series.id,
    )
    return serve_feed(feed, f"{series.slug}.ics")


@bp.get("/iscrizioni/<token>/calendario.ics")
def personal_feed(token: str):
    personal = get_personal_feed(token)
    if personal is None:
        abort(404)
    feed = services.Feed(
        key=f"personale-{personal.id}-{personal.token}",
        name=f"I miei eventi – {_org_name()}",
        description="Gli eventi delle iscrizioni fatte con questo indirizzo email.",
        email=personal.email,
    )
    response = serve_feed(feed, "i-miei-eventi.ics", PRIVATE_CACHE)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/eventi/<slug>.ics")
def event_ics(slug: str):
    """One event to download and import: the same entries as in the feeds, without refresh hints."""
    event = get_public_event(slug)
    if event is None:
        abort(404)
    load_programme(event)
    host = host_of(current_app.config["BASE_URL"])
    with force_locale(FEED_LOCALE):
        calendar = build_calendar(
            event_components(
                event, absolute_url("events.event_detail", slug=event.slug), host, organizer_identity()
            ),
            name=event.title,
        )
    body = calendar.to_ical()
    last_modified = max([event.updated_at] + [s.updated_at for s in event.sessions])
    entry = Rendered(body, hashlib.sha256(body).hexdigest(), last_modified)
    return ics_response(entry, f"{event.slug}.ics")
