"""Organizers see failed email, retry it, and write to an event's registrants."""

from __future__ import annotations

import html

from sqlalchemy import select

from app.extensions import db
from app.outbox import delivery
from app.outbox.models import OutboxMessage
from app.outbox.services import write_unwritten
from app.registrations import services as registrations
from tests.factories import CONSENT, csrf_token_from, participant


def test_failed_messages_are_listed_first_and_can_be_retried(logged_in, make_event):
    registrations.register(make_event().id, participant("p@comune.example.it"), CONSENT)
    write_unwritten()
    message = db.session.scalar(select(OutboxMessage))
    message.status, message.attempts, message.last_error = "failed", 8, "SMTPDataError: 451 Try again later"
    db.session.commit()
    page = logged_in.get("/gestione/posta")
    text = html.unescape(page.get_data(as_text=True))
    assert 'data-count="failed">1' in text and "451 Try again later" in text
    response = logged_in.post(f"/gestione/posta/{message.id}/riprova", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    db.session.expire_all()
    assert (message.status, message.attempts) == ("queued", 0)


def test_an_organizer_writes_to_the_confirmed_and_sees_progress(app, logged_in, make_event, tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    event = make_event(capacity=2)
    for n in range(3):
        registrations.register(event.id, participant(f"p{n}@comune.example.it"), CONSENT)
    page = logged_in.get(f"/gestione/eventi/{event.id}/messaggi")
    bad = logged_in.post(
        f"/gestione/eventi/{event.id}/messaggi", data={"csrf_token": csrf_token_from(page), "audience": "all"}
    )
    assert bad.status_code == 422
    response = logged_in.post(
        f"/gestione/eventi/{event.id}/messaggi",
        data={
            "csrf_token": csrf_token_from(page),
            "audience": "confirmed",
            "subject": "Materiali dell'incontro",
            "body": "Le slide sono online.\n<script>alert(1)</script>",
            "invia": "1",
            "destinatari": "2",
        },
    )
    assert response.status_code == 303
    queued = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast")).all()
    assert sorted(m.recipient for m in queued) == ["p0@comune.example.it", "p1@comune.example.it"]
    assert "<script>" not in queued[0].html_body and "&lt;script&gt;" in queued[0].html_body
    delivery.deliver_due()
    progress = html.unescape(logged_in.get(f"/gestione/eventi/{event.id}/messaggi").get_data(as_text=True))
    assert "2 inviati su 2" in progress


def test_a_message_not_yet_written_is_listed_as_being_written(logged_in, make_event):
    registrations.register(make_event().id, participant("p@comune.example.it"), CONSENT)
    text = html.unescape(logged_in.get("/gestione/posta").get_data(as_text=True))
    assert 'data-status="unwritten"' in text and 'data-count="unwritten">1' in text
    assert "In preparazione" in text and "(il testo sarà scritto tra pochi secondi)" in text
    write_unwritten()
    text = html.unescape(logged_in.get("/gestione/posta").get_data(as_text=True))
    assert 'data-status="queued"' in text and "Iscrizione confermata" in text
    assert 'data-count="unwritten">0' in text and "(il testo sarà scritto" not in text
