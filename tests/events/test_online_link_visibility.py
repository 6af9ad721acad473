"""A reserved meeting's online link reaches its confirmed participants only: not the public page,
the public feeds or the open data. Organizers can make an event's link public."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.events import services
from app.events.models import Event
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import write_unwritten
from app.registrations import feeds, notifications
from app.registrations import services as registrations
from app.timeutil import rome_datetime
from tests.factories import CONSENT, event_form_data, participant

LINK = "https://meet.example.org/consulta-riservata"
SESSION_LINK = "https://meet.example.org/consulta-riservata-sessione"


@pytest.fixture
def meeting(make_event):
    event = make_event(
        title="Riunione della Consulta",
        type_slug="consulta",
        attendance_mode="hybrid",
        online_url=LINK,
        capacity=1,
    )
    services.add_session(
        event,
        services.SessionInput(
            title="Programmazione", starts_at=event.starts_at, ends_at=event.ends_at, online_url=SESSION_LINK
        ),
    )
    return event


def public_texts(client, event) -> dict[str, str]:
    responses = {
        url: client.get(url)
        for url in (
            f"/eventi/{event.slug}",
            f"/eventi/{event.slug}.ics",
            "/calendario.ics",
            "/calendario/consulta.ics",
            "/api/v1/events",
            f"/api/v1/events/{event.slug}",
        )
    }
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(responses, 200)
    return {url: r.get_data(as_text=True) for url, r in responses.items()}


def unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\\n", "\n")


def test_by_default_the_link_stays_off_the_public_page_feeds_and_api(client, meeting):
    for url, text in public_texts(client, meeting).items():
        assert LINK not in unfolded(text), url
        assert SESSION_LINK not in unfolded(text), url
    page = client.get(f"/eventi/{meeting.slug}").get_data(as_text=True)
    assert "viene inviato alle persone con iscrizione confermata" in page


def test_a_public_link_is_shown_everywhere(client, meeting):
    meeting.online_url_public = True
    db.session.commit()
    texts = public_texts(client, meeting)
    for url in (
        f"/eventi/{meeting.slug}",
        f"/eventi/{meeting.slug}.ics",
        "/calendario.ics",
        f"/api/v1/events/{meeting.slug}",
    ):
        assert LINK in unfolded(texts[url]), url
    for url in (f"/eventi/{meeting.slug}", f"/api/v1/events/{meeting.slug}"):
        assert SESSION_LINK in texts[url], url


def test_the_confirmed_participant_gets_the_link_on_the_page_and_in_every_email(client, meeting):
    confirmed = registrations.register(meeting.id, participant("sindaca@comune.example.it"), CONSENT).registration
    waiting = registrations.register(meeting.id, participant("attesa@comune.example.it"), CONSENT).registration
    assert client.get(f"/iscrizioni/{confirmed.token}").get_data(as_text=True).count(LINK) == 1
    assert LINK not in client.get(f"/iscrizioni/{waiting.token}").get_data(as_text=True)

    write_unwritten()  # as the worker does before sending
    confirmation = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.registration_id == confirmed.id, OutboxMessage.kind == "confirmed")
    )
    assert LINK in confirmation.text_body and LINK in unfolded(confirmation.calendar)

    services.update_event(
        meeting,
        services.EventInput(
            title=meeting.title,
            type_id=meeting.type_id,
            starts_at=meeting.starts_at + timedelta(hours=1),
            ends_at=meeting.ends_at + timedelta(hours=1),
            attendance_mode="hybrid",
            venue_id=meeting.venue_id,
            online_url=LINK,
            capacity=1,
        ),
    )
    write_unwritten()
    changed = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.registration_id == confirmed.id, OutboxMessage.kind == "event_changed"
        )
    )
    assert LINK in changed.text_body and LINK in unfolded(changed.calendar)
    assert meeting.online_url_public is False, "saving the event keeps the link reserved"

    with client.application.test_request_context():
        reminder = notifications.render_email(
            "reminder",
            "it",
            registration=confirmed,
            event=meeting,
            manage_url=notifications.manage_url(confirmed),
            session=None,
            starts_at=rome_datetime(meeting.first_day, time(11)),
        )
    assert LINK in reminder.text and LINK in reminder.html


@pytest.mark.parametrize(("ticked", "public"), [({}, False), ({"online_url_public": "y"}, True)])
def test_the_organizer_chooses_on_the_event_form(logged_in, venue, ticked, public):
    data = event_form_data(
        logged_in, venue, title="Riunione riservata", attendance_mode="hybrid", online_url=LINK, **ticked
    )
    assert logged_in.post("/gestione/eventi/nuovo", data=data).status_code == 303
    event = db.session.scalar(select(Event).where(Event.title == "Riunione riservata"))
    assert event.online_url_public is public
    edit_page = logged_in.get(f"/gestione/eventi/{event.id}/modifica").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*name="online_url_public"[^>]*>', edit_page).group(0)
    assert ("checked" in checkbox) is public


def test_the_personal_feed_gives_the_link_to_a_confirmed_participant_only(client, meeting):
    confirmed = registrations.register(meeting.id, participant("sindaca@comune.bra.example"), CONSENT).registration
    waiting = registrations.register(meeting.id, participant("assessore@comune.alba.example"), CONSENT).registration
    assert (confirmed.status, waiting.status) == ("confirmed", "waitlisted")
    mine = unfolded(client.get(f"/iscrizioni/{feeds.personal_feed_for(confirmed.email).token}/calendario.ics").get_data(as_text=True))
    assert LINK in mine
    theirs = unfolded(client.get(f"/iscrizioni/{feeds.personal_feed_for(waiting.email).token}/calendario.ics").get_data(as_text=True))
    assert "Riunione della Consulta" in theirs and LINK not in theirs
