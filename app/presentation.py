"""What templates see: filters and globals, gathered from the formatting helpers and each
domain's labels, plus the links pages build (maps, add-to-calendar, subscribe)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

from flask import Flask, current_app, g, url_for
from flask_babel import format_date, get_locale
from markupsafe import Markup, escape

from app.countries import name as country_name
from app.events.labels import ATTENDANCE_LABELS, STATUS_LABELS
from app.events.models import AttendanceMode, Event, EventStatus
from app.events.services import series_label
from app.formatting import (
    clock,
    colon,
    date_range,
    day_label,
    event_when,
    long_date,
    long_datetime,
    readable_text_color,
    short_date,
    short_datetime,
)
from app.i18n import CONTENT_LANGUAGES, current_language, fallback_language, localized, localized_with_language
from app.i18n import gettext as _
from app.registrations.labels import (
    ACTIVITY_LABELS,
    ACTOR_LABELS,
    REGISTRATION_STATUS_LABELS,
    ROLE_LABELS,
    answer_label,
)
from app.registrations.services import status_counts
from app.text import html_to_text
from app.timeutil import ROME, utcnow
from app.urls import absolute_url


def map_url(event_or_venue) -> str | None:
    venue = getattr(event_or_venue, "venue", event_or_venue)
    if venue is None:
        return None
    if venue.latitude is not None and venue.longitude is not None:
        return f"https://www.openstreetmap.org/?mlat={venue.latitude}&mlon={venue.longitude}#map=17/{venue.latitude}/{venue.longitude}"
    return "https://www.openstreetmap.org/search?query=" + quote_plus(venue.full_address)


#: Days whose Italian name starts with a vowel (uno, otto, undici): "per l'8 dicembre".
_ELIDED_DAYS = {1, 8, 11}


def postponed_when(event: Event) -> str:
    """A postponed event's date line: no date any more, and the old one only as what was
    planned, so nobody reads it as still valid."""
    if event.is_multi_day:
        return _("Data da definire (era previsto %(period)s)", period=date_range(event.first_day, event.last_day))
    day = format_date(event.first_day, "d MMMM y")
    if event.first_day.day in _ELIDED_DAYS:
        return _("Data da definire (era previsto per l'%(day)s)", day=day)
    return _("Data da definire (era previsto per il %(day)s)", day=day)


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def calendar_links(event: Event) -> dict[str, str]:
    """One-click 'add to calendar' links for Google Calendar and Outlook."""
    page = absolute_url("events.event_detail", slug=event.slug)
    title = localized(event, "title")
    description = html_to_text(localized(event, "description_html"))[:1000]
    details = "\n\n".join(part for part in (localized(event, "summary"), description, page) if part)
    if event.has_venue:
        location = event.venue.full_address
    else:
        location = (event.online_url if event.online_url_public else _("Online")) if event.has_online else ""
    if event.all_day:
        google_dates = f"{event.first_day:%Y%m%d}/{event.ends_at.astimezone(ROME):%Y%m%d}"
    else:
        google_dates = f"{event.starts_at:%Y%m%dT%H%M%SZ}/{event.ends_at:%Y%m%dT%H%M%SZ}"
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {"action": "TEMPLATE", "text": title, "dates": google_dates, "details": details, "location": location}
    )
    outlook_params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": event.first_day.isoformat() if event.all_day else event.starts_at.isoformat(),
        "enddt": event.ends_at.astimezone(ROME).date().isoformat() if event.all_day else event.ends_at.isoformat(),
        "body": details,
        "location": location,
    }
    if event.all_day:
        outlook_params["allday"] = "true"
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook_params)
    return {"google": google, "outlook": outlook}


def feed_language() -> str | None:
    """The ?lang= a feed link carries on a page in English or French: subscribed clients send
    no cookie, so the feed's language has to be in its address. None on Italian pages, whose
    links stay as they always were."""
    language = current_language()
    return language if language in CONTENT_LANGUAGES else None


def subscribe_links(path: str, name: str) -> dict[str, str]:
    """Ways to subscribe to a feed, in the page's language: webcal:// for Apple and desktop
    clients, the plain https address to copy, and the 'add from web' pages of Google Calendar
    and Outlook."""
    language = feed_language()
    # A page opened with ?lang= has it in its links already (i18n.keep_language_arg).
    if language and "lang" not in parse_qs(urlsplit(path).query):
        path += ("&" if "?" in path else "?") + urlencode({"lang": language})
    https = current_app.config["BASE_URL"] + path
    webcal = "webcal://" + https.split("://", 1)[1]
    outlook_query = urlencode({"url": https, "name": name})
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?" + outlook_query,
        "office": "https://outlook.office.com/calendar/0/addfromweb?" + outlook_query,
    }


def summary_label(label) -> str:
    """A field's label as the start of an error-summary line: a label that is a whole sentence
    (the privacy consent) loses its closing stop before the colon."""
    return str(label).strip().rstrip(".:;")


def after_colon(messages) -> str:
    """A field's error messages continuing a line after 'Label:', in lower case as Italian
    writes after a colon, unless the first word is an acronym ('PEC non valida')."""
    message = " ".join(str(m) for m in messages)
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        return message[0].lower() + message[1:]
    return message


def localized_text(obj, field: str) -> Markup:
    """{{ event|localized_text('title') }} where text is shown in a page: the field in the
    page's language, or its Italian text in a span marked lang="it"."""
    text, fallback = localized_with_language(obj, field)
    if fallback:
        return Markup('<span lang="%s">%s</span>') % (fallback, text)
    return escape(text)


def lang_attr(obj, field: str) -> Markup:
    """' lang="it"' for an element holding a field shown in Italian on another language's page
    (a description's HTML), else nothing."""
    return Markup(' lang="it"') if fallback_language(obj, field) else Markup("")


#: Bootstrap Italia's icons, one sprite sheet for every page.
SPRITES = "vendor/bootstrap-italia/svg/sprites.svg"


def sprite(icon: str) -> str:
    """The address of one icon of the sprite sheet ("calendar" → …/sprites.svg#it-calendar):
    the sheet's address is built once per request, where a list page asked url_for for it at
    each of its cards."""
    base = g.get("sprites_url")
    if base is None:
        base = g.sprites_url = url_for("static", filename=SPRITES)
    return f"{base}#it-{icon}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        colon=colon,
        long_datetime=long_datetime,
        long_date=long_date,
        short_date=short_date,
        short_datetime=short_datetime,
        format_day=day_label,
        clock=clock,
        event_when=event_when,
        postponed_when=postponed_when,
        summary_label=summary_label,
        after_colon=after_colon,
        text_on=readable_text_color,
        format_date=lambda value, pattern: format_date(value, pattern),
        compact=lambda mapping: {k: v for k, v in mapping.items() if v is not None},
        # a body abroad's country: an ISO code by its name in the page's language, else as typed
        country_name=lambda value: country_name(value, current_language()),
        # {{ event|localized('title') }}: the content in the language in force, else Italian.
        localized=localized,
        localized_text=localized_text,
    )
    # Globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        ATTENDANCE_LABELS=ATTENDANCE_LABELS,
        REGISTRATION_STATUS_LABELS=REGISTRATION_STATUS_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        ACTIVITY_LABELS=ACTIVITY_LABELS,
        ACTOR_LABELS=ACTOR_LABELS,
        answer_label=answer_label,
        # The events domain's pages show their registrations' counts without importing that domain.
        registration_status_counts=status_counts,
        EventStatus=EventStatus,
        AttendanceMode=AttendanceMode,
        map_url=map_url,
        calendar_links=calendar_links,
        subscribe_links=subscribe_links,
        feed_language=feed_language,
        now=utcnow,
        has_endpoint=has_endpoint,
        sprite=sprite,
        series_label=series_label,
        lang_attr=lang_attr,
        LANGUAGES=app.config["LANGUAGES"],
        ORGANIZATION_NAME=app.config["ORGANIZATION_NAME"],
    )

    @app.context_processor
    def per_request():
        return {"current_locale": str(get_locale())}
