"""The one-event .ics download, read back by an independent parser (vobject)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import vobject

from app.events import services
from app.timeutil import rome_datetime, today_rome

ROME = ZoneInfo("Europe/Rome")


def read(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return vobject.readOne(response.get_data(as_text=True), validate=True)


def test_timed_event_has_stable_uid_timezone_and_sequence(client, make_event):
    event = make_event(title="2° incontro – Esperienze di coordinamenti territoriali", capacity=40)
    first = client.get(f"/eventi/{event.slug}.ics")
    calendar = read(first)
    vevent = calendar.vevent
    assert vevent.uid.value == f"evento-{event.id}@incontri.test"
    assert vevent.dtstart.value.tzinfo is not None
    assert "DTSTART;TZID=Europe/Rome:" in first.get_data(as_text=True)
    assert vevent.dtstart.value.astimezone(ROME).time() == time(10)
    assert calendar.vtimezone.tzid.value == "Europe/Rome"
    assert "COMMENT" not in first.get_data(as_text=True).split("BEGIN:VEVENT")[0]
    assert vevent.location.value == "Palazzo Lascaris, Via Alfieri 15, Torino"
    assert vevent.summary.value == event.title
    second = client.get(f"/eventi/{event.slug}.ics")
    assert first.get_data() == second.get_data()
    assert client.get(f"/eventi/{event.slug}.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    sequence = int(vevent.sequence.value)
    services.cancel_event(event, "Sala non disponibile")
    changed = read(client.get(f"/eventi/{event.slug}.ics")).vevent
    assert changed.uid.value == vevent.uid.value
    assert int(changed.sequence.value) > sequence
    assert changed.status.value == "CANCELLED" and changed.summary.value.startswith("ANNULLATO")


def test_exhibition_is_all_day_with_exclusive_end(client, make_event):
    first = today_rome() + timedelta(days=20)
    event = make_event(
        title="Mostra: Piemonte e Benin",
        type_slug="mostra",
        all_day=True,
        starts_at=rome_datetime(first, time(0)),
        ends_at=rome_datetime(first + timedelta(days=13), time(0)),
        opening_hours="da lunedì a venerdì, 9–17",
    )
    vevent = read(client.get(f"/eventi/{event.slug}.ics")).vevent
    assert vevent.dtstart.value == first and not isinstance(vevent.dtstart.value, datetime)
    assert vevent.dtend.value == first + timedelta(days=13)
    assert vevent.transp.value == "TRANSPARENT"
    assert "da lunedì a venerdì" in vevent.description.value


def test_course_has_one_event_per_lesson_related_to_the_course(client, make_event):
    day = today_rome() + timedelta(days=10)
    course = make_event(
        title="Percorso formativo sull'europrogettazione",
        type_slug="corso",
        starts_at=rome_datetime(day, time(14)),
        ends_at=rome_datetime(day + timedelta(days=14), time(17)),
    )
    for n in range(3):
        services.add_session(
            course,
            services.SessionInput(
                title=f"Lezione {n + 1}",
                starts_at=rome_datetime(day + timedelta(days=7 * n), time(14)),
                ends_at=rome_datetime(day + timedelta(days=7 * n), time(17)),
            ),
        )
    calendar = read(client.get(f"/eventi/{course.slug}.ics"))
    lessons = calendar.vevent_list
    assert len(lessons) == 3
    assert len({v.uid.value for v in lessons}) == 3
    assert {v.related_to.value for v in lessons} == {f"evento-{course.id}@incontri.test"}
    assert [v.dtstart.value.astimezone(ROME).date() for v in lessons] == [day, day + timedelta(7), day + timedelta(14)]


def test_drafts_have_no_ics(client, make_event):
    draft = make_event(status="draft")
    assert client.get(f"/eventi/{draft.slug}.ics").status_code == 404
    assert client.get("/eventi/non-esiste.ics").status_code == 404


def online_event(make_event, title: str, room: str):
    """An online event of one seat whose link (https://meet.example.org/<room>) is not public."""
    from app.events.models import AttendanceMode

    return make_event(
        title=title,
        attendance_mode=AttendanceMode.ONLINE,
        venue_id=None,
        online_url=f"https://meet.example.org/{room}",
        capacity=1,
    )


def test_a_confirmed_participant_adds_the_event_with_its_online_link(client, make_event):
    """From the registration's page: the entry of the invitation, link included; the public
    download leaves a link the organizer did not make public out."""
    from tests import factories
    from tests.support.calendar_readers import parse_everywhere

    event = online_event(make_event, "Presentazione del progetto PROFILE con ACAL (Benin)", "profile-acal")
    registration = factories.register(event, "sindaca@comune.bra.cn.it").registration
    page = client.get(f"/iscrizioni/{registration.token}").get_data(as_text=True)
    url = f"/iscrizioni/{registration.token}/evento.ics"
    assert url in page

    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    parsed = parse_everywhere(response.get_data())
    [entry] = parsed.icalendar.walk("VEVENT")
    assert "https://meet.example.org/profile-acal" in str(entry["DESCRIPTION"])
    assert [e.uid for e in parsed.icaljs.entries] == [f"evento-{event.id}@incontri.test"]
    assert "https://meet.example.org/profile-acal" not in client.get(f"/eventi/{event.slug}.ics").get_data(as_text=True)


def test_only_a_confirmed_registration_gets_the_entry_with_the_link(client, make_event):
    from tests import factories

    event = online_event(make_event, "Incontro online al completo", "riservato")
    factories.register(event, "primo@comune.alba.cn.it")
    waiting = factories.register(event, "secondo@comune.alba.cn.it").registration
    assert waiting.status == "waitlisted"
    assert client.get(f"/iscrizioni/{waiting.token}/evento.ics").status_code == 404
    assert f"/iscrizioni/{waiting.token}/evento.ics" not in client.get(f"/iscrizioni/{waiting.token}").get_data(
        as_text=True
    )
    assert client.get("/iscrizioni/non-esiste/evento.ics").status_code == 404
