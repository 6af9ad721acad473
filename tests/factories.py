"""Shared setup for the tests: organizers, venues, events, lessons and registrations, made through
the services and forms the application uses. Plain functions; conftest fixtures wrap them."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date, time, timedelta

from app.auth.models import Role
from app.auth.services import create_user
from app.events import services as events
from app.events.models import EventType, Venue
from app.extensions import db
from app.registrations import services as registrations
from app.registrations.models import Source
from app.timeutil import rome_datetime, today_rome

ORGANIZER_EMAIL = "staff@anci.example"
ORGANIZER_PASSWORD = "una-password-lunga"

#: The last Sundays of March and October 2027: clocks change at 02:00 / 03:00 in Rome.
SPRING_FORWARD = date(2027, 3, 28)
FALL_BACK = date(2027, 10, 31)


def csrf_token_from(response) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token in the page"
    return match.group(1)


def create_organizer():
    return create_user(ORGANIZER_EMAIL, ORGANIZER_PASSWORD, role=Role.ADMIN, name="Staff")


def log_in(client, email: str = ORGANIZER_EMAIL, password: str = ORGANIZER_PASSWORD):
    """Post the login form as a person would; returns the response."""
    page = client.get("/accedi")
    return client.post("/accedi", data={"email": email, "password": password, "csrf_token": csrf_token_from(page)})


def create_venue() -> Venue:
    place = Venue(name="Palazzo Lascaris", address="Via Alfieri 15", comune="Torino", latitude=45.07, longitude=7.68)
    db.session.add(place)
    db.session.commit()
    return place


def make_event(
    title="Incontro di prova",
    type_slug="incontro",
    day: date | None = None,
    start=time(10),
    end=time(12),
    status="published",
    *,
    venue: Venue | None = None,
    **fields,
):
    """Build an event through the service, published unless said otherwise, at venue unless
    fields name another venue_id."""
    day = day or today_rome() + timedelta(days=10)
    event_type = db.session.scalar(db.select(EventType).where(EventType.slug == type_slug))
    if venue is not None:
        fields.setdefault("venue_id", venue.id)
    event = events.create_event(
        events.EventInput(
            title=title,
            type_id=event_type.id,
            starts_at=fields.pop("starts_at", rome_datetime(day, start)),
            ends_at=fields.pop("ends_at", rome_datetime(day, end)),
            **fields,
        )
    )
    if status == "published":
        events.publish_event(event)
    elif status == "cancelled":
        events.publish_event(event)
        events.cancel_event(event, "Maltempo")
    return event


def add_weekly_lessons(course, count: int, start=time(14), end=time(17)) -> list:
    """Lessons "Lezione 1…n", one a week from the course's first day; the course's period is
    widened to hold them, as an organizer sets a course's dates before its lessons."""
    first = course.first_day
    course.starts_at = min(course.starts_at, rome_datetime(first, start))
    course.ends_at = max(course.ends_at, rome_datetime(first + timedelta(days=7 * (count - 1)), end))
    db.session.commit()
    lessons = []
    for n in range(count):
        day = course.first_day + timedelta(days=7 * n)
        lessons.append(
            events.add_session(
                course,
                events.SessionInput(
                    title=f"Lezione {n + 1}", starts_at=rome_datetime(day, start), ends_at=rome_datetime(day, end)
                ),
            )
        )
    return lessons


def event_form_data(client, venue, **overrides) -> dict:
    """What an organizer fills in on the new-event form: an in-person meeting twenty days ahead."""
    token = csrf_token_from(client.get("/gestione/eventi/nuovo"))
    day = today_rome() + timedelta(days=20)
    incontro = db.session.scalar(db.select(EventType).where(EventType.slug == "incontro"))
    data = {
        "csrf_token": token,
        "title": "3° incontro sui coordinamenti",
        "type_id": str(incontro.id),
        "series_id": "",
        "summary": "Una sintesi",
        "description": "Testo della descrizione",
        "start_date": day.isoformat(),
        "start_time": "15:00",
        "end_date": day.isoformat(),
        "end_time": "17:30",
        "attendance_mode": "in_person",
        "venue_id": str(venue.id),
        "online_url": "",
        "capacity": "80",
        "registration_required": "y",
        "themes": "Cooperazione decentrata, Reti territoriali",
    }
    data.update(overrides)
    return data


CONSENT = registrations.Consent("test-1", "Acconsento al trattamento dei dati.")
_numbers = itertools.count(1)


def participant(email: str | None = None, **fields) -> registrations.ParticipantInput:
    """A participant as the form would pass them to the service, each one with a new name and email."""
    n = next(_numbers)
    values = {
        "first_name": "Maria",
        "last_name": f"Rossi {n}",
        "email": email or f"persona{n}@comune.example.it",
        "organization": "Comune di Pinerolo",
        "role": "sindaco",
    }
    values.update(fields)
    return registrations.ParticipantInput(**values)


def register(event, email: str | None = None, source=Source.ONLINE, **fields):
    """Register a participant through the same service as the form; returns its Outcome."""
    return registrations.register(event.id, participant(email, **fields), CONSENT, source=source)


#: The public registration form as a person fills it in.
REGISTRATION_FORM = {
    "first_name": "Giulia",
    "last_name": "Ferrero",
    "email": "Giulia.Ferrero@Comune.Pinerolo.TO.it",
    "organization": "Pinerolo",
    "role": "assessore",
    "phone": "+39 0121 361111",
    "privacy_consent": "y",
}


def post_registration_form(client, event, **changes):
    """Post the public registration form for event; a change set to None leaves that field out."""
    page = client.get(f"/eventi/{event.slug}/iscrizione")
    data = {**REGISTRATION_FORM, "csrf_token": csrf_token_from(page), **changes}
    return client.post(f"/eventi/{event.slug}/iscrizione", data={k: v for k, v in data.items() if v is not None})


def enrol(course, first_name="Maria", last_name="Rossi", **fields):
    """A person added by the organizers, as for a course already under way or over."""
    return register(course, source=Source.ORGANIZER, first_name=first_name, last_name=last_name, **fields).registration


def attend(course, registration, lessons: list[int], minutes: dict[int, int] | None = None) -> None:
    """Mark the person present at the course's lessons (by index), partly where `minutes` says."""
    from app.courses import services as courses

    for index in lessons:
        courses.mark_present(registration, courses.slots(course)[index], minutes=(minutes or {}).get(index))


def input_of(event, **changes) -> events.EventInput:
    """What the organizer's form would send for this event, with some fields changed."""
    data = events.EventInput(
        title=event.title,
        type_id=event.type_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        series_id=event.series_id,
        summary=event.summary,
        attendance_mode=event.attendance_mode,
        venue_id=event.venue_id,
        online_url=event.online_url,
        capacity=event.capacity,
        reminder_offsets=event.reminder_offsets,
    )
    return replace(data, **changes)
