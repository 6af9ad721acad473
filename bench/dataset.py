"""The benchmark's data: 1,000 published events of every type, with lessons, speakers,
organizations, venues, series and themes, and 20,000 registrations.

Written straight through the models in a few commits (the services would take minutes for the
same rows); used by bench/web.py and by the query-count test, which asks for a smaller number.
"""

from __future__ import annotations

import random
from datetime import time, timedelta

from sqlalchemy import select, update

from app.demo.data import seed_event_types
from app.events.models import (
    Event,
    EventOrganization,
    EventSession,
    EventStatus,
    EventType,
    Organization,
    OrganizationRole,
    Series,
    Speaker,
    Theme,
    Venue,
)
from app.extensions import db
from app.registrations.models import Registration
from app.timeutil import rome_datetime, today_rome, utcnow

COMUNI = ["Torino", "Cuneo", "Alessandria", "Asti", "Biella", "Novara", "Verbania", "Vercelli", "Pinerolo", "Alba"]
WORDS = [
    "cooperazione", "bilancio", "ambiente", "europa", "mobilità", "scuola", "energia", "turismo",
    "digitale", "protezione civile", "appalti", "welfare", "acqua", "montagna", "cultura", "sport",
]  # fmt: skip


def registration_row(event_id: int, n: int, now, organization: str = "Comune di Torino") -> dict:
    """A confirmed registration the organizers added, as a row for a bulk insert."""
    return {
        "event_id": event_id,
        "token": f"bench-{n:06d}",
        "status": "confirmed",
        "first_name": "Persona",
        "last_name": f"{n:05d}",
        "email": f"persona{n}@comune.example.it",
        "organization": organization,
        "role": "funzionario",
        "locale": "it",
        "source": "organizer",
        "consent_version": "bench",
        "consent_text": "bench",
        "created_at": now,
        "updated_at": now,
        "confirmed_at": now,
    }


def build(events: int = 1000, registrations: int = 20000, seed: int = 13) -> dict:
    """Fill an empty database; returns a few slugs the benchmark asks for. Registrations go to
    past and coming events alike, as they accumulate over the years."""
    rng = random.Random(seed)
    seed_event_types()
    types = {t.slug: t for t in db.session.scalars(select(EventType))}
    venues = [
        Venue(name=f"Sala consiliare di {c}", address=f"Piazza del Municipio {n + 1}", comune=c)
        for n, c in enumerate(COMUNI * 2)
    ]
    organizations = [Organization(name=f"Ente partner {n:02d}", acronym=f"EP{n:02d}") for n in range(30)]
    db.session.add_all(venues + organizations)
    db.session.flush()
    speakers = [
        Speaker(name=f"Relatrice {n:02d}", role="Assessora", organization=organizations[n % 30]) for n in range(60)
    ]
    series = [Series(slug=f"ciclo-{n}", title=f"Ciclo di incontri {n}", item_label="incontro") for n in range(10)]
    themes = [Theme(slug=f"tema-{n}", name=word.capitalize()) for n, word in enumerate(WORDS[:8])]
    db.session.add_all(speakers + series + themes)
    db.session.flush()
    today = today_rome()
    now = utcnow()
    kinds = ["incontro"] * 5 + ["consulta"] * 2 + ["corso"] * 2 + ["mostra"]
    made: list[Event] = []
    for n in range(events):
        kind = kinds[n % len(kinds)]
        # An association's history: four in five over the last five years, the rest in the next
        # year, at least one of each kind among them.
        future = n < len(kinds) or rng.random() < 0.2
        day = today + timedelta(days=rng.randint(1, 365) if future else rng.randint(-5 * 365, -1))
        word = WORDS[n % len(WORDS)]
        if kind == "mostra":
            starts, ends = rome_datetime(day, time(0)), rome_datetime(day + timedelta(days=14), time(0))
        elif kind == "corso":
            starts, ends = rome_datetime(day, time(14)), rome_datetime(day + timedelta(days=21), time(17))
        else:
            starts, ends = rome_datetime(day, time(10)), rome_datetime(day, time(13))
        event = Event(
            slug=f"{kind}-{word.replace(' ', '-')}-{n:04d}",
            title=f"{types[kind].label}: {word} nei comuni ({n})",
            type=types[kind],
            summary=f"Un appuntamento su {word} per amministratori e funzionari.",
            description_html=f"<p>Programma dedicato a {word}: esperienze, strumenti e domande.</p>" * 3,
            starts_at=starts,
            ends_at=ends,
            all_day=kind == "mostra",
            venue=venues[n % len(venues)],
            status=EventStatus.PUBLISHED,
            capacity=types[kind].default_capacity or None if kind != "incontro" else 200,
            registration_required=types[kind].requires_registration,
            series=series[n % 10] if n % 4 == 0 else None,
            themes=[themes[n % 8]],
            published_at=now,
            created_at=now,
            updated_at=now,
        )
        event.organization_links = [
            EventOrganization(organization=organizations[n % 30], role=OrganizationRole.ORGANIZER),
            EventOrganization(organization=organizations[(n + 7) % 30], role=OrganizationRole.PARTNER),
        ]
        if kind == "corso":
            event.sessions = [
                EventSession(
                    position=k,
                    title=f"Lezione {k + 1}",
                    starts_at=rome_datetime(day + timedelta(days=7 * k), time(14)),
                    ends_at=rome_datetime(day + timedelta(days=7 * k), time(17)),
                    speakers=[speakers[(n + k) % 60]],
                )
                for k in range(4)
            ]
        elif kind != "mostra":
            event.sessions = [
                EventSession(
                    position=k,
                    title=f"Intervento {k + 1}",
                    starts_at=starts + timedelta(minutes=60 * k),
                    ends_at=starts + timedelta(minutes=60 * (k + 1)),
                    speakers=[speakers[(n + k) % 60], speakers[(n + k + 1) % 60]],
                )
                for k in range(2)
            ]
        made.append(event)
    db.session.add_all(made)
    db.session.commit()
    open_events = [e for e in made if e.registration_required]
    rows, counts = [], {}
    n = 0
    while len(rows) < registrations and n < 3 * registrations:
        event = open_events[n % len(open_events)]
        n += 1
        if event.capacity is not None and counts.get(event.id, 0) >= event.capacity:
            continue
        counts[event.id] = counts.get(event.id, 0) + 1
        rows.append(registration_row(event.id, n, now, f"Comune di {COMUNI[n % len(COMUNI)]}"))
    for start in range(0, len(rows), 5000):
        db.session.execute(Registration.__table__.insert(), rows[start : start + 5000])
    for event_id, count in counts.items():
        db.session.execute(update(Event).where(Event.id == event_id).values(confirmed_count=count))
    db.session.commit()
    course = next(e for e in made if e.type.slug == "corso" and e.ends_at > now)
    meeting = next(e for e in made if e.type.slug == "incontro" and e.ends_at > now)
    # Where the registration POSTs go: seats for some of them, then the waiting list.
    day = today + timedelta(days=30)
    sign_ups = Event(
        slug="incontro-aperto-a-tutti",
        title="Incontro aperto a tutti i comuni",
        type=types["incontro"],
        starts_at=rome_datetime(day, time(10)),
        ends_at=rome_datetime(day, time(13)),
        venue=venues[0],
        status=EventStatus.PUBLISHED,
        capacity=500,
        published_at=now,
    )
    db.session.add(sign_ups)
    db.session.commit()
    return {"course": course.slug, "meeting": meeting.slug, "sign_ups": sign_ups.slug, "registrations": len(rows)}
