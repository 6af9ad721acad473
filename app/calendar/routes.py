"""Calendar feeds and downloads: what subscribed clients poll, answered cheaply when unchanged."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, abort, current_app
from flask_babel import force_locale
from sqlalchemy import select

from app.calendar import services
from app.events.ical import build_calendar, event_components, organizer_identity, serialize
from app.events.models import EventStatus, EventType, Series
from app.events.services import get_public_event, load_programme
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import language_arg, localized
from app.registrations.feeds import get_personal_feed
from app.registrations.models import RegistrationStatus
from app.registrations.services import get_by_token
from app.responses import conditional
from app.urls import absolute_url, host_of

bp = Blueprint("calendar", __name__)

#: The language of a calendar whose address names none.
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


def ics_response(entry: Rendered, filename: str, cache_control: str = PUBLIC_CACHE) -> Response:
    """text/calendar, never compressed (Outlook fails on gzipped subscriptions), with a strong
    ETag and Last-Modified so clients revalidate for the price of a 304."""
    response = Response(entry.body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache_control
    response.set_etag(entry.etag)
    response.last_modified = entry.last_modified
    return conditional(response)


def feed_language() -> str:
    """The language a feed's address names (?lang=en), else Italian. Never the cookie or
    Accept-Language: subscribed clients send neither, and a feed's bytes must depend on its
    address and content only (one cache entry, one ETag per language)."""
    return language_arg() or FEED_LOCALE


def _etag(body: bytes, language: str) -> str:
    """The body's hash; other languages' ETags also name the language, so that a feed with
    nothing translated still differs from the Italian one for caches."""
    digest = hashlib.sha256(body).hexdigest()
    return digest if language == FEED_LOCALE else f"{language}-{digest}"


def _render(feed: services.Feed, state: services.FeedState) -> Rendered:
    """In the feed's language whoever asks."""
    with force_locale(feed.language):
        return _render_in_locale(feed, state)


def _render_in_locale(feed: services.Feed, state: services.FeedState) -> Rendered:
    events = services.feed_events(feed)
    host = host_of(current_app.config["BASE_URL"])
    organizer = organizer_identity()
    linked = services.events_with_link(feed)
    components = [
        c
        for e in events
        for c in event_components(
            e, absolute_url("events.event_detail", slug=e.slug), host, organizer, with_link=e.id in linked
        )
    ]
    calendar = build_calendar(
        components, name=feed.name, description=feed.description, color=feed.color, subscription=True
    )
    body = serialize(calendar)
    return Rendered(body, _etag(body, feed.language), state.last_modified)


def serve_feed(feed: services.Feed, filename: str, cache_control: str = PUBLIC_CACHE) -> Response:
    """Rendered at each call: the public feeds are kept by the page cache (app/pagecache.py)
    under the data version, which also gives their ETag; a person's feed, never cached, holds
    a few events and keeps the ETag of its bytes."""
    return ics_response(_render(feed, services.feed_state(feed)), filename, cache_control)


def _org_name() -> str:
    return current_app.config["ORGANIZATION_NAME"]


@bp.get("/calendario.ics")
def all_events():
    language = feed_language()
    with force_locale(language):
        feed = services.Feed(
            key="tutti",
            name=f"{_org_name()} – Incontri",
            description=_("Riunioni, incontri, mostre e percorsi formativi di %(org)s.", org=_org_name()),
            language=language,
        )
    return serve_feed(feed, "calendario.ics")


@bp.get("/calendario/<type_slug>.ics")
def type_feed(type_slug: str):
    event_type = db.session.scalar(select(EventType).where(EventType.slug == type_slug))
    if event_type is None:
        abort(404)
    language = feed_language()
    with force_locale(language):
        label = localized(event_type, "label")
        feed = services.Feed(
            key=f"tipo-{event_type.id}",
            name=f"{_org_name()} – {label}",
            description=_("%(type)s: il calendario di %(org)s.", type=label, org=_org_name()),
            type_id=event_type.id,
            color=event_type.color,
            language=language,
        )
    return serve_feed(feed, f"{event_type.slug}.ics")


@bp.get("/serie/<slug>/calendario.ics")
def series_feed(slug: str):
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        abort(404)
    language = feed_language()
    title = localized(series, "title", language)
    feed = services.Feed(
        key=f"serie-{series.id}",
        name=title,
        description=localized(series, "description", language) or title,
        series_id=series.id,
        language=language,
    )
    return serve_feed(feed, f"{series.slug}.ics")


@bp.get("/iscrizioni/<token>/calendario.ics")
def personal_feed(token: str):
    personal = get_personal_feed(token)
    if personal is None:
        abort(404)
    language = feed_language()
    with force_locale(language):
        feed = services.Feed(
            key=f"personale-{personal.id}-{personal.token}",
            name=f"{_('I miei eventi')} – {_org_name()}",
            description=_("Gli eventi delle iscrizioni fatte con questo indirizzo email."),
            email=personal.email,
            language=language,
        )
    response = serve_feed(feed, "i-miei-eventi.ics", PRIVATE_CACHE)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _event_file(event, *, with_link: bool = False) -> Rendered:
    """One event as a file to import: the same entries as in the feeds, without refresh hints;
    `with_link` as a confirmed participant's invitation has it."""
    language = feed_language()
    with force_locale(language):
        calendar = build_calendar(
            event_components(
                event,
                absolute_url("events.event_detail", slug=event.slug),
                host_of(current_app.config["BASE_URL"]),
                organizer_identity(),
                with_link=with_link,
            ),
            name=localized(event, "title"),
        )
    body = serialize(calendar)
    last_modified = max([event.updated_at] + [s.updated_at for s in event.sessions])
    return Rendered(body, _etag(body, language), last_modified)


@bp.get("/iscrizioni/<token>/evento.ics")
def registration_ics(token: str):
    """The event as a confirmed participant's invitation has it, online link included, to add
    from the registration's own page; the public download has the link only when it is public."""
    registration = get_by_token(token)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    event = load_programme(registration.event)
    if event.status != EventStatus.PUBLISHED:
        abort(404)
    # A file saved once, not polled: nothing keeps it after a cancellation.
    response = ics_response(_event_file(event, with_link=True), f"{event.slug}.ics", "no-store")
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/eventi/<slug>.ics")
def event_ics(slug: str):
    """One event to download and import."""
    event = get_public_event(slug, programme=True)
    if event is None:
        abort(404)
    return ics_response(_event_file(event), f"{event.slug}.ics")
