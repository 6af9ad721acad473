"""A participant's emails carry the event's content in their language: the French title in a
French registrant's confirmation, its subject and its invitation; Italian where none was written."""

from __future__ import annotations

import re
from datetime import date, time

from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import write_unwritten
from app.registrations import services as registrations
from tests.factories import CONSENT, participant

FRENCH = {"fr": {"title": "Rencontre avec l'ACAL", "summary": "Coopération décentralisée avec le Bénin"}}


def _confirmation(registration) -> OutboxMessage:
    """The confirmation as the worker writes it."""
    write_unwritten()
    return db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id, OutboxMessage.kind == "confirmed")
    )


def test_a_french_participants_confirmation_carries_the_french_title(make_event, parsed):
    event = make_event("Incontro con ACAL", day=date(2026, 12, 10), start=time(15), end=time(17), translations=FRENCH)
    registration = registrations.register(event.id, participant(), CONSENT, locale="fr").registration
    message = _confirmation(registration)
    assert " ".join(message.subject.split()) == "Inscription confirmée : Rencontre avec l'ACAL"
    assert "Rencontre avec l'ACAL" in message.text_body
    assert "Rencontre avec l&#39;ACAL" in message.html_body
    assert "Incontro con ACAL" not in message.text_body + message.html_body
    [entry] = parsed(message.calendar.encode(), method="REQUEST").libical
    assert entry.summary == "Rencontre avec l'ACAL"


def test_an_italian_participant_of_the_same_event_reads_italian(make_event):
    event = make_event("Incontro con ACAL", day=date(2026, 12, 10), translations=FRENCH)
    registration = registrations.register(event.id, participant(), CONSENT, locale="it").registration
    message = _confirmation(registration)
    assert message.subject.endswith("Incontro con ACAL") and "Rencontre" not in message.text_body


def test_an_english_participant_of_an_event_written_only_in_italian_reads_the_italian_title(make_event):
    event = make_event("Riunione della Consulta", day=date(2026, 12, 10))
    registration = registrations.register(event.id, participant(), CONSENT, locale="en").registration
    message = _confirmation(registration)
    assert message.subject.endswith("Riunione della Consulta")
    assert "Riunione della Consulta" in message.text_body


def test_the_links_of_a_french_message_open_the_pages_in_french(client, make_event):
    event = make_event("Incontro con ACAL", day=date(2026, 12, 10), translations=FRENCH)
    registration = registrations.register(event.id, participant(), CONSENT, locale="fr").registration
    message = _confirmation(registration)
    link = re.search(r"http://incontri\.test(/iscrizioni/\S+)", message.text_body).group(1)
    assert link.endswith("?lang=fr")
    page = client.get(link).get_data(as_text=True)
    assert "Rencontre avec l&#39;ACAL" in page and "Dettagli dell&#39;iscrizione" not in page
    italian = registrations.register(event.id, participant(), CONSENT, locale="it").registration
    assert "?lang=" not in _confirmation(italian).text_body
