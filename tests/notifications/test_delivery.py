"""The outbox delivered through a real SMTP server: invitations, failures, retries, exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import vobject
from sqlalchemy import func, select

from app.events import services as events
from app.extensions import db
from app.outbox import delivery
from app.outbox import services as outbox_services
from app.outbox.models import OutboxMessage
from app.outbox.services import write_unwritten
from app.registrations import notifications as services
from app.registrations import services as registrations
from app.registrations.models import Registration
from app.timeutil import utcnow
from tests.factories import CONSENT, add_weekly_lessons, participant, post_registration_form
from tests.support.calendar_readers import parse_everywhere
from tests.support.smtp import SmtpServer, attachment, calendar_part


def outbox(**filters) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def make_due():
    """Time passes: every waiting retry is due now."""
    db.session.execute(db.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


#: Every invitation here is also read by the five calendar readers, ical.js among them.
pytestmark = pytest.mark.calendar_readers


def invitation_of(message):
    part = calendar_part(message)
    assert part is not None, "no text/calendar part"
    body = part.get_content()
    parse_everywhere(body.encode(), method=part.get_param("method"))
    return part, vobject.readOne(body, validate=True)


def test_smtp_down_during_registration_then_delivered_exactly_once(client, make_event, smtp_down):
    event = make_event(capacity=10)
    response = post_registration_form(client, event)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'data-status="confirmed"' in page.get_data(as_text=True)
    # The registration records what it owes; the worker writes it, then sends it.
    [owed] = outbox()
    assert (owed.kind, owed.status, owed.recipient) == (
        "confirmed",
        "unwritten",
        "giulia.ferrero@comune.pinerolo.to.it",
    )

    report = delivery.deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    [waiting] = outbox()
    assert waiting.status == "queued" and waiting.attempts == 1 and waiting.next_attempt_at > utcnow()
    assert "Connection refused" in waiting.last_error or "Errno" in waiting.last_error

    server = SmtpServer(port=smtp_down)
    server.start()
    try:
        assert delivery.deliver_due().sent == 0  # not due yet: the backoff is respected
        make_due()
        assert delivery.deliver_due().sent == 1
        make_due()
        assert delivery.deliver_due().sent == 0
    finally:
        server.stop()
    assert len(server.inbox.messages) == 1
    assert outbox()[0].status == "sent"


def test_confirmation_carries_an_invitation_gmail_and_outlook_understand(client, make_event, smtp):
    event = make_event(title="2° incontro – Esperienze di coordinamenti territoriali", capacity=10)
    post_registration_form(client, event)
    delivery.deliver_due()
    [message] = smtp.inbox.messages
    assert message["Subject"] == f"Iscrizione confermata: {event.title}"
    assert message["From"].addresses[0].addr_spec == "noreply@incontri.test"
    assert message["To"].addresses[0].addr_spec == "giulia.ferrero@comune.pinerolo.to.it"
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    registration = db.session.scalar(select(Registration))
    manage = f"http://incontri.test/iscrizioni/{registration.token}"
    assert manage in text and manage in html
    assert "Palazzo Lascaris, Via Alfieri 15, Torino" in text
    part, calendar = invitation_of(message)
    assert part.get_param("method") == "REQUEST"
    assert calendar.method.value == "REQUEST"
    vevent = calendar.vevent
    assert vevent.uid.value == f"evento-{event.id}@incontri.test"
    assert vevent.organizer.value == "mailto:noreply@incontri.test"
    assert vevent.attendee.value == "mailto:giulia.ferrero@comune.pinerolo.to.it"
    assert int(vevent.sequence.value) == event.sequence
    ics = attachment(message, "invito.ics")
    assert ics is not None and ics.get_content_type() == "application/ics"


def test_course_lessons_reach_the_inbox_each_in_a_message_with_one_invitation(make_event, smtp):
    course = make_event(title="Percorso formativo", type_slug="corso")
    add_weekly_lessons(course, 3)
    registrations.register(course.id, participant("corsista@comune.example.it"), CONSENT)
    delivery.deliver_due()
    notice, *lessons = smtp.inbox.messages
    assert notice["Subject"].startswith("Iscrizione confermata") and calendar_part(notice) is None
    summaries = []
    for message in lessons:
        _, calendar = invitation_of(message)
        [vevent] = calendar.vevent_list
        summaries.append(vevent.summary.value)
    assert summaries == [
        "Percorso formativo – Lezione 1",
        "Percorso formativo – Lezione 2",
        "Percorso formativo – Lezione 3",
    ]


def test_own_cancellation_withdraws_the_invitation(make_event, smtp):
    event = make_event(capacity=1)
    holder = registrations.register(event.id, participant("a@comune.example.it"), CONSENT).registration
    registrations.register(event.id, participant("b@comune.example.it"), CONSENT)
    delivery.deliver_due()  # the invitations went out before the cancellation
    registrations.cancel(holder)
    delivery.deliver_due()
    kinds = [m["Subject"].split(":")[0] for m in smtp.inbox.messages]
    assert kinds == ["Iscrizione confermata", "Iscrizione in lista d'attesa", "Iscrizione annullata", "Iscrizione confermata dalla lista d'attesa"]
    _, request = invitation_of(smtp.inbox.by_recipient("a@comune.example.it")[0])
    part, cancel = invitation_of(smtp.inbox.by_recipient("a@comune.example.it")[1])
    assert part.get_param("method") == "CANCEL" and cancel.method.value == "CANCEL"
    assert cancel.vevent.uid.value == request.vevent.uid.value
    assert int(cancel.vevent.sequence.value) > int(request.vevent.sequence.value)
    assert cancel.vevent.status.value == "CANCELLED"
    _, promoted = invitation_of(smtp.inbox.by_recipient("b@comune.example.it")[1])
    assert promoted.method.value == "REQUEST"


def test_event_moved_or_cancelled_reaches_every_active_participant(make_event, smtp):
    event = make_event(capacity=1)
    registrations.register(event.id, participant("confermata@comune.example.it"), CONSENT)
    registrations.register(event.id, participant("in-attesa@comune.example.it"), CONSENT)
    gone = registrations.register(event.id, participant("annullata@comune.example.it"), CONSENT).registration
    registrations.cancel(gone)
    delivery.deliver_due()
    smtp.inbox.messages.clear()
    sequence = event.sequence

    data = events.EventInput(
        title=event.title,
        type_id=event.type_id,
        starts_at=event.starts_at + timedelta(days=1),
        ends_at=event.ends_at + timedelta(days=1),
        venue_id=event.venue_id,
        capacity=1,
    )
    events.update_event(event, data)
    events.update_event(event, data)  # saving again without changes tells nobody
    delivery.deliver_due()
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.inbox.messages) == [
        "confermata@comune.example.it",
        "in-attesa@comune.example.it",
    ]
    _, update = invitation_of(smtp.inbox.by_recipient("confermata@comune.example.it")[0])
    assert update.method.value == "REQUEST" and int(update.vevent.sequence.value) == sequence + 1
    assert calendar_part(smtp.inbox.by_recipient("in-attesa@comune.example.it")[0]) is None
    smtp.inbox.messages.clear()

    events.cancel_event(event, "La sala non è disponibile.")
    delivery.deliver_due()
    message = smtp.inbox.by_recipient("confermata@comune.example.it")[0]
    assert message["Subject"].startswith("Evento annullato")
    assert "La sala non è disponibile." in message.get_body(preferencelist=("plain",)).get_content()
    _, cancel = invitation_of(message)
    assert cancel.method.value == "CANCEL" and int(cancel.vevent.sequence.value) == sequence + 2


def test_transient_failures_back_off_then_fail_and_an_organizer_can_retry(app, make_event, smtp):
    registrations.register(make_event().id, participant("p@comune.example.it"), CONSENT)
    smtp.inbox.refuse_with = "451 4.3.0 Try again later"
    for attempt in range(1, app.config["OUTBOX_MAX_ATTEMPTS"] + 1):
        make_due()
        delivery.deliver_due()
        [message] = outbox()
        assert message.attempts == attempt
    assert message.status == "failed" and "451" in message.last_error
    smtp.inbox.refuse_with = None
    outbox_services.retry(message.id)
    assert delivery.deliver_due().sent == 1
    assert outbox()[0].status == "sent" and len(smtp.inbox.messages) == 1


def test_permanent_refusal_fails_at_once(make_event, smtp):
    registrations.register(make_event().id, participant("p@comune.example.it"), CONSENT)
    smtp.inbox.refuse_with = "550 5.1.1 Mailbox unavailable"
    report = delivery.deliver_due()
    assert report.failed == 1 and outbox()[0].status == "failed" and outbox()[0].attempts == 1


def test_each_cause_is_queued_once(make_event):
    event = make_event()
    registration = registrations.register(event.id, participant("p@comune.example.it"), CONSENT).registration
    email = services.Email("Oggetto", "testo", "<p>testo</p>")
    assert outbox_services.queue("prova:1", "broadcast", email, recipient=registration.email) is not None
    assert outbox_services.queue("prova:1", "broadcast", email, recipient=registration.email) is None
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(OutboxMessage.dedupe_key == "prova:1")) == 1


def test_without_mail_server_messages_are_eml_files(app, make_event, tmp_path):
    import email
    import email.policy

    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    registrations.register(make_event().id, participant("p@comune.example.it"), CONSENT)
    assert delivery.deliver_due().sent == 1
    [path] = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "p@comune.example.it"
    assert calendar_part(message).get_param("method") == "REQUEST"


def test_line_breaks_in_names_cannot_add_headers(make_event, smtp):
    registrations.register(
        make_event().id,
        participant("p@comune.example.it", first_name="Maria\r\nBcc: spia@example.org", last_name="Rossi\nX-Evil: 1"),
        CONSENT,
    )
    registration = db.session.scalar(select(Registration))
    assert registration.first_name == "Maria Bcc: spia@example.org"
    write_unwritten()
    message = db.session.scalar(select(OutboxMessage))
    message.subject = "Oggetto\r\nBcc: spia@example.org"
    db.session.commit()
    delivery.deliver_due()
    [received] = smtp.inbox.messages
    assert received["Bcc"] is None and received["X-Evil"] is None
    assert received["Subject"] == "Oggetto Bcc: spia@example.org"


def test_a_message_that_cannot_be_built_fails_alone(make_event, smtp, monkeypatch):
    event = make_event()
    for n in range(3):
        registrations.register(event.id, participant(f"p{n}@comune.example.it"), CONSENT)
    broken = outbox()[1].id
    real = delivery.build_mime

    def build(message):
        if message.id == broken:
            raise ValueError("template data that cannot be encoded")
        return real(message)

    monkeypatch.setattr(delivery, "build_mime", build)
    report = delivery.deliver_due()
    assert (report.sent, report.failed) == (2, 1)
    assert [m.status for m in outbox()] == ["sent", "failed", "sent"]


def test_registering_again_after_cancelling_gets_an_invitation_clients_accept(make_event, smtp):
    event = make_event()
    first = registrations.register(event.id, participant("p@comune.example.it"), CONSENT).registration
    delivery.deliver_due()
    registrations.cancel(first)
    delivery.deliver_due()
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    delivery.deliver_due()
    request, cancel, again = (invitation_of(m)[1] for m in smtp.inbox.messages)
    assert [c.method.value for c in (request, cancel, again)] == ["REQUEST", "CANCEL", "REQUEST"]
    sequences = [int(c.vevent.sequence.value) for c in (request, cancel, again)]
    assert sequences[0] < sequences[1] < sequences[2]


def test_correcting_a_venue_address_updates_invitations_of_its_coming_events(logged_in, make_event, venue, smtp):
    from tests.factories import csrf_token_from

    event = make_event()
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    delivery.deliver_due()
    sequence = event.sequence
    page = logged_in.get(f"/gestione/luoghi/{venue.id}")
    response = logged_in.post(
        f"/gestione/luoghi/{venue.id}",
        data={
            "csrf_token": csrf_token_from(page),
            "name": "Palazzo Lascaris",
            "address": "Via Alfieri 19",
            "comune": "Torino",
            "latitude": "45.07",
            "longitude": "7.68",
        },
    )
    assert response.status_code == 303
    delivery.deliver_due()
    _, update = invitation_of(smtp.inbox.messages[-1])
    assert update.vevent.location.value == "Palazzo Lascaris, Via Alfieri 19, Torino"
    assert int(update.vevent.sequence.value) == sequence + 1


def test_publishing_a_postponed_event_again_tells_its_participants(make_event, smtp):
    event = make_event()
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    events.postpone_event(event, "Nuova data a breve")
    delivery.deliver_due()  # the postponement is told
    events.publish_event(event)
    delivery.deliver_due()
    subjects = [m["Subject"] for m in smtp.inbox.messages]
    assert [s.split(":")[0] for s in subjects] == ["Iscrizione confermata", "Evento modificato", "Evento modificato"]
    _, invite = invitation_of(smtp.inbox.messages[-1])
    assert invite.vevent.status.value == "CONFIRMED" and int(invite.vevent.sequence.value) == event.sequence


def test_editing_a_venue_without_moving_it_tells_nobody(make_event, venue):
    event = make_event()
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    sequence = event.sequence
    venue.latitude, venue.longitude = 45.0705, 7.6868
    assert events.venue_changed(venue) == 0
    venue.address = "Via Alfieri 19"
    assert events.venue_changed(venue) == 1
    db.session.commit()
    assert event.sequence == sequence + 1


def test_silenced_changes_record_activities_but_write_no_mail(make_event):
    event = make_event(capacity=1)
    with outbox_services.silenced():
        holder = registrations.register(event.id, participant("a@comune.example.it"), CONSENT).registration
        registrations.register(event.id, participant("b@comune.example.it"), CONSENT)
        registrations.cancel(holder)
    assert outbox() == []
    assert [a.kind for a in holder.activities] == ["confirmed", "cancelled"]
    registrations.register(event.id, participant("c@comune.example.it"), CONSENT)
    assert [m.recipient for m in outbox()] == ["c@comune.example.it"]


def test_course_emails_list_the_lessons_and_waiting_emails_the_position(make_event, smtp):
    course = make_event(title="Percorso formativo", type_slug="corso", capacity=1)
    add_weekly_lessons(course, 2)
    registrations.register(course.id, participant("a@comune.example.it"), CONSENT)
    registrations.register(course.id, participant("b@comune.example.it"), CONSENT)
    delivery.deliver_due()
    confirmed, waiting = (
        m.get_body(preferencelist=("plain",)).get_content()
        for m in smtp.inbox.messages
        if not m["Subject"].startswith("Per il calendario")
    )
    assert "Lezioni:" in confirmed and "14:00–17:00: Lezione 1" in confirmed and ": Lezione 2" in confirmed
    assert "in posizione 1" in waiting
