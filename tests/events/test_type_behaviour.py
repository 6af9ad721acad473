"""What an event type does is its data (has_lessons, all_day_by_default), not its slug."""

from __future__ import annotations

import re
from datetime import time, timedelta

import vobject
from sqlalchemy import select

from app.events import services
from app.events.models import EventType
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations import notifications
from app.registrations import services as registrations
from app.timeutil import rome_datetime, today_rome

CONSENT = registrations.Consent("test-1", "Acconsento al trattamento dei dati.")


def course_type() -> EventType:
    return db.session.scalar(select(EventType).where(EventType.slug == "corso"))


def with_three_sessions(event) -> list:
    """Three weekly sessions from the event's first day; its period is widened to hold them."""
    first = today_rome() + timedelta(days=10)
    event.starts_at = rome_datetime(first, time(14))
    event.ends_at = rome_datetime(first + timedelta(days=14), time(17))
    db.session.commit()
    return [
        services.add_session(
            event,
            services.SessionInput(
                title=f"Lezione {n + 1}",
                starts_at=rome_datetime(first + timedelta(days=7 * n), time(14)),
                ends_at=rome_datetime(first + timedelta(days=7 * n), time(17)),
            ),
        )
        for n in range(3)
    ]


def calendar_entries(client, event) -> list:
    response = client.get(f"/eventi/{event.slug}.ics")
    assert response.status_code == 200
    return vobject.readOne(response.get_data(as_text=True), validate=True).vevent_list


def reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id))
    )


def register_someone(event) -> None:
    registrations.register(
        event.id,
        registrations.ParticipantInput(
            first_name="Maria",
            last_name="Rossi",
            email="maria.rossi@comune.example.it",
            organization="Comune di Pinerolo",
            role="sindaco",
        ),
        CONSENT,
    )


def test_the_seeded_course_type_has_lessons_and_the_others_do_not():
    flags = {t.slug: t.has_lessons for t in db.session.scalars(select(EventType))}
    assert flags == {"consulta": False, "incontro": False, "mostra": False, "corso": True}


def test_a_renamed_course_type_still_gives_one_calendar_entry_per_lesson(client, make_event):
    course_type().slug = "percorso"
    db.session.commit()
    course = make_event(title="Percorso formativo sull'europrogettazione", type_slug="percorso")
    with_three_sessions(course)
    entries = calendar_entries(client, course)
    assert len(entries) == 3
    assert {v.related_to.value for v in entries} == {f"evento-{course.id}@incontri.test"}


def test_a_renamed_course_type_still_reminds_before_each_lesson(make_event):
    course_type().slug = "percorso"
    db.session.commit()
    course = make_event(title="Percorso formativo", type_slug="percorso")
    lessons = with_three_sessions(course)
    register_someone(course)
    assert notifications.schedule_reminders(lessons[0].starts_at - timedelta(hours=20)) == 1
    assert notifications.schedule_reminders(lessons[1].starts_at - timedelta(hours=20)) == 1
    texts = [m.text_body for m in reminders()]
    assert "Lezione 1" in texts[0] and "Lezione 2" in texts[1]


def test_a_renamed_course_type_still_heads_its_programme_lessons(client, make_event):
    course_type().slug = "percorso"
    db.session.commit()
    course = make_event(title="Percorso formativo", type_slug="percorso")
    with_three_sessions(course)
    page = client.get(f"/eventi/{course.slug}").get_data(as_text=True)
    assert '<h2 id="programma" class="h4">Lezioni</h2>' in page


def test_sessions_of_a_type_without_lessons_are_one_calendar_entry(client, make_event):
    """A type keeping the slug 'corso' but told it has no lessons: its sessions are a programme."""
    course_type().has_lessons = False
    db.session.commit()
    event = make_event(title="Giornata di studio in tre tempi", type_slug="corso")
    with_three_sessions(event)
    entries = calendar_entries(client, event)
    assert len(entries) == 1
    assert entries[0].uid.value == f"evento-{event.id}@incontri.test"
    page = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert '<h2 id="programma" class="h4">Programma</h2>' in page


def test_admins_can_give_a_type_lessons_in_the_organizer_area(logged_in):
    incontro = db.session.scalar(select(EventType).where(EventType.slug == "incontro"))
    url = f"/gestione/tipi/{incontro.id}"
    page = logged_in.get(url)
    assert "Ha lezioni (percorso formativo)" in page.get_data(as_text=True)
    response = logged_in.post(
        url,
        data={
            "label": incontro.label,
            "slug": incontro.slug,
            "color": incontro.color,
            "requires_registration": "y",
            "default_capacity": "80",
            "position": "1",
            "reminder_offsets": "7g, 1g",
            "has_lessons": "y",
            "csrf_token": re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page.get_data(as_text=True))[1],
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(EventType, incontro.id).has_lessons is True


def _all_day_checked(page: str) -> bool:
    tag = re.search(r"<input[^>]*name=\"all_day\"[^>]*>", page)[0]
    return "checked" in tag


def test_a_renamed_exhibition_type_still_starts_new_events_as_whole_days(logged_in):
    exhibition = db.session.scalar(select(EventType).where(EventType.slug == "mostra"))
    exhibition.slug = "esposizione"
    db.session.commit()
    assert _all_day_checked(logged_in.get("/gestione/eventi/nuovo?tipo=esposizione").get_data(as_text=True))
    assert not _all_day_checked(logged_in.get("/gestione/eventi/nuovo?tipo=incontro").get_data(as_text=True))
