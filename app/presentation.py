"""How dates, events and labels are written in pages: template filters and globals."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote_plus, urlencode

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale

from app.events.models import AttendanceMode, Event, EventStatus
from app.i18n import gettext as _
from app.i18n import lazy_gettext
from app.registrations.models import ActivityKind, Actor, ParticipantRole, QuestionKind, RegistrationStatus
from app.text import html_to_text
from app.timeutil import ROME, utcnow
from app.urls import absolute_url

STATUS_LABELS = {
    EventStatus.DRAFT: lazy_gettext("Bozza"),
    EventStatus.PUBLISHED: lazy_gettext("Pubblicato"),
    EventStatus.CANCELLED: lazy_gettext("Annullato"),
    EventStatus.POSTPONED: lazy_gettext("Rinviato"),
}

REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: lazy_gettext("Iscrizione confermata"),
    RegistrationStatus.WAITLISTED: lazy_gettext("In lista d'attesa"),
    RegistrationStatus.PENDING: lazy_gettext("In attesa di approvazione"),
    RegistrationStatus.CANCELLED: lazy_gettext("Iscrizione annullata"),
    RegistrationStatus.REJECTED: lazy_gettext("Richiesta non accolta"),
}

ROLE_LABELS = {
    ParticipantRole.MAYOR: lazy_gettext("Sindaco/Sindaca"),
    ParticipantRole.ALDERMAN: lazy_gettext("Assessore/Assessora"),
    ParticipantRole.COUNCILLOR: lazy_gettext("Consigliere/Consigliera"),
    ParticipantRole.SECRETARY: lazy_gettext("Segretario/Segretaria comunale"),
    ParticipantRole.STAFF: lazy_gettext("Funzionario/Funzionaria o dipendente"),
    ParticipantRole.OTHER: lazy_gettext("Altro"),
}

ACTIVITY_LABELS = {
    ActivityKind.CONFIRMED: lazy_gettext("iscrizione confermata"),
    ActivityKind.WAITLISTED: lazy_gettext("in lista d'attesa"),
    ActivityKind.PENDING: lazy_gettext("richiesta in attesa di approvazione"),
    ActivityKind.APPROVED: lazy_gettext("approvata"),
    ActivityKind.REJECTED: lazy_gettext("respinta"),
    ActivityKind.PROMOTED: lazy_gettext("confermata dalla lista d'attesa"),
    ActivityKind.CANCELLED: lazy_gettext("annullata"),
    ActivityKind.UPDATED: lazy_gettext("dati modificati"),
    ActivityKind.LINK_REQUESTED: lazy_gettext("link personale inviato di nuovo"),
    ActivityKind.CHECKED_IN: lazy_gettext("presente all'evento"),
}

ACTOR_LABELS = {
    Actor.PARTICIPANT: lazy_gettext("dalla persona iscritta"),
    Actor.ORGANIZER: lazy_gettext("dall'organizzazione"),
    Actor.SYSTEM: lazy_gettext("automaticamente"),
}

ATTENDANCE_LABELS = {
    AttendanceMode.IN_PERSON: lazy_gettext("In presenza"),
    AttendanceMode.ONLINE: lazy_gettext("Online"),
    AttendanceMode.HYBRID: lazy_gettext("In presenza e online"),
}


def long_datetime(value: datetime) -> str:
    """'martedì 17 novembre 2026, ore 10:00' in Rome time."""
    return format_datetime(value, _("EEEE d MMMM y, 'ore' HH:mm"))


def long_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(ROME).date()
    return format_date(value, _("EEEE d MMMM y"))


def short_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(ROME).date()
    return format_date(value, "d MMM y")


def short_datetime(value: datetime) -> str:
    """'23/11/2026 10:05' in Rome time, for dense tables."""
    return format_datetime(value, "dd/MM/y HH:mm")


def day_label(value: str | date) -> str:
    """An ISO day such as '2026-11-23' as '23 nov'."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "d MMM")


def clock(value: datetime) -> str:
    return format_datetime(value, "HH:mm")


#: Days whose Italian name starts with a vowel (uno, otto, undici): "dall'8", "all'11".
_ELIDED_DAYS = {1, 8, 11}


def date_range(first: date, last: date) -> str:
    """'dal 13 al 25 dicembre 2026', "dall'8 novembre all'11 gennaio 2027": the shared
    month and year are said once, and the article is elided as Italian wants."""
    if (first.year, first.month) == (last.year, last.month):
        start_pattern = "d"
    elif first.year == last.year:
        start_pattern = "d MMMM"
    else:
        start_pattern = "d MMMM y"
    start, end = format_date(first, start_pattern), format_date(last, "d MMMM y")
    match (first.day in _ELIDED_DAYS, last.day in _ELIDED_DAYS):
        case (False, False):
            return _("dal %(start)s al %(end)s", start=start, end=end)
        case (True, False):
            return _("dall'%(start)s al %(end)s", start=start, end=end)
        case (False, True):
            return _("dal %(start)s all'%(end)s", start=start, end=end)
        case _:
            return _("dall'%(start)s all'%(end)s", start=start, end=end)


def event_when(event: Event) -> str:
    """The date line of an event as a person says it. An event over several days (an
    exhibition, a course) is given as a range of days: its programme gives the hours."""
    if event.is_multi_day:
        return date_range(event.first_day, event.last_day)
    if event.all_day:
        return long_date(event.first_day)
    return _("%(start)s–%(end)s", start=long_datetime(event.starts_at), end=clock(event.ends_at))


def readable_text_color(hex_color: str) -> str:
    """Black or white, whichever contrasts more with the badge colour (WCAG luminance)."""
    try:
        channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    except (ValueError, TypeError):
        return "#ffffff"
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def map_url(event_or_venue) -> str | None:
    venue = getattr(event_or_venue, "venue", event_or_venue)
    if venue is None:
        return None
    if venue.latitude is not None and venue.longitude is not None:
        return f"https://www.openstreetmap.org/?mlat={venue.latitude}&mlon={venue.longitude}#map=17/{venue.latitude}/{venue.longitude}"
    return "https://www.openstreetmap.org/search?query=" + quote_plus(venue.full_address)


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def calendar_links(event: Event) -> dict[str, str]:
    """One-click 'add to calendar' links for Google Calendar and Outlook."""
    page = absolute_url("events.event_detail", slug=event.slug)
    details = "\n\n".join(part for part in (event.summary, html_to_text(event.description_html)[:1000], page) if part)
    if event.has_venue:
        location = event.venue.full_address
    else:
        location = (event.online_url if event.online_url_public else _("Online")) if event.has_online else ""
    if event.all_day:
        google_dates = f"{event.first_day:%Y%m%d}/{event.ends_at.astimezone(ROME):%Y%m%d}"
    else:
        google_dates = f"{event.starts_at:%Y%m%dT%H%M%SZ}/{event.ends_at:%Y%m%dT%H%M%SZ}"
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {"action": "TEMPLATE", "text": event.title, "dates": google_dates, "details": details, "location": location}
    )
    outlook_params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.first_day.isoformat() if event.all_day else event.starts_at.isoformat(),
        "enddt": event.ends_at.astimezone(ROME).date().isoformat() if event.all_day else event.ends_at.isoformat(),
        "body": details,
        "location": location,
    }
    if event.all_day:
        outlook_params["allday"] = "true"
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook_params)
    return {"google": google, "outlook": outlook}


def subscribe_links(path: str, name: str) -> dict[str, str]:
    """Ways to subscribe to a feed: webcal:// for Apple and desktop clients, the plain https
    address to copy, and the 'add from web' pages of Google Calendar and Outlook."""
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


def answer_label(question, value: str | None) -> str:
    """An answer as people read it: 'Sì' rather than 'si', a dash when there is none."""
    if not value:
        return "—"
    if question.kind == QuestionKind.YES_NO:
        return _("Sì") if value == "si" else _("No")
    return value


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


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        long_datetime=long_datetime,
        long_date=long_date,
        short_date=short_date,
        short_datetime=short_datetime,
        format_day=day_label,
        clock=clock,
        event_when=event_when,
        summary_label=summary_label,
        after_colon=after_colon,
        text_on=readable_text_color,
        format_date=lambda value, pattern: format_date(value, pattern),
        compact=lambda mapping: {k: v for k, v in mapping.items() if v is not None},
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
        EventStatus=EventStatus,
        AttendanceMode=AttendanceMode,
        map_url=map_url,
        calendar_links=calendar_links,
        subscribe_links=subscribe_links,
        now=utcnow,
        has_endpoint=has_endpoint,
        LANGUAGES=app.config["LANGUAGES"],
        ORGANIZATION_NAME=app.config["ORGANIZATION_NAME"],
    )

    @app.context_processor
    def per_request():
        return {"current_locale": str(get_locale())}
