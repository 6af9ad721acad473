"""Messages a registration owes are recorded with it and written by the worker before sending:
the request stays short, one message that cannot be written fails alone, and nothing is
written for a person whose data were removed meanwhile."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.outbox import delivery
from app.outbox import services as outbox
from app.outbox.models import OutboxMessage
from app.registrations import notifications
from app.registrations import privacy as registration_privacy
from app.registrations import services as registrations
from app.registrations.models import Registration
from tests.factories import CONSENT, input_of, participant


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_registration_records_its_message_and_the_worker_writes_and_sends_it(make_event, smtp):
    event = make_event(title="Riunione della Consulta", capacity=5)
    registration = registrations.register(event.id, participant("sindaca@comune.example.it"), CONSENT).registration

    [owed] = messages()
    assert (owed.status, owed.kind, owed.recipient, owed.text_body) == (
        "unwritten",
        "confirmed",
        "sindaca@comune.example.it",
        "",
    )
    assert owed.registration_id == registration.id

    report = delivery.deliver_due()

    assert report.sent == 1
    [sent] = messages()
    assert sent.status == "sent" and sent.subject == "Iscrizione confermata: Riunione della Consulta"
    assert sent.calendar_method == "REQUEST" and sent.attachments  # the invitation and the QR code
    [received] = smtp.inbox.messages
    assert received["To"].endswith("<sindaca@comune.example.it>")


def test_a_message_that_cannot_be_written_fails_alone_with_its_reason(make_event, smtp, monkeypatch):
    event = make_event(capacity=5)
    for n in range(3):
        registrations.register(event.id, participant(f"p{n}@comune.example.it"), CONSENT)
    broken = messages()[1].id
    write = notifications.write_activity_message

    def write_or_break(message):
        if message.id == broken:
            raise ValueError("modello illeggibile")
        write(message)

    monkeypatch.setitem(outbox._writers, "activity", write_or_break)

    assert delivery.deliver_due().sent == 2

    by_id = {m.id: m for m in messages()}
    assert by_id[broken].status == "failed"
    assert "ValueError: modello illeggibile" in by_id[broken].last_error
    assert [m.status for i, m in by_id.items() if i != broken] == ["sent", "sent"]


def test_retrying_a_message_never_written_writes_it_first(make_event, smtp, monkeypatch):
    event = make_event(title="Riunione della Consulta")
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)

    def broken(message):
        raise ValueError("modello illeggibile")

    with monkeypatch.context() as patch:
        patch.setitem(outbox._writers, "activity", broken)
        delivery.deliver_due()
    [failed] = messages()
    assert failed.status == "failed" and failed.text_body == ""

    assert outbox.retry(failed.id) == 1
    assert messages()[0].status == "unwritten"
    assert delivery.deliver_due().sent == 1
    [sent] = messages()
    assert sent.status == "sent" and "Riunione della Consulta" in sent.text_body


def test_nothing_is_written_for_a_registration_erased_before_the_worker_came(make_event, smtp):
    event = make_event(capacity=5)
    registration = registrations.register(event.id, participant("p@comune.example.it"), CONSENT).registration

    registration_privacy.erase_registrations([db.session.get(Registration, registration.id)])
    outbox.retry()  # even an organizer's "retry all" cannot bring it back
    report = delivery.deliver_due()

    assert report.sent == 0 and smtp.inbox.messages == []
    assert messages() == []  # the confirmation and the cancellation owed, both dropped unwritten


def test_a_cause_owes_one_message_however_often_it_is_recorded(app):
    first = outbox.queue_unwritten("activity:41", "confirmed", recipient="p@comune.example.it")
    again = outbox.queue_unwritten("activity:41", "confirmed", recipient="altro@comune.example.it")
    db.session.commit()

    assert first is not None and again is None
    [owed] = messages()
    assert (owed.id, owed.recipient, owed.status) == (first, "p@comune.example.it", "unwritten")


def test_an_event_moved_owes_each_participant_a_message_written_from_the_event_as_it_is(make_event, smtp):
    from datetime import timedelta

    from app.events import services as events

    event = make_event(title="Riunione della Consulta", capacity=5)
    staying = registrations.register(event.id, participant("resta@comune.example.it"), CONSENT).registration
    leaving = registrations.register(event.id, participant("parte@comune.example.it"), CONSENT).registration
    delivery.deliver_due()
    old_when = event.starts_at

    events.update_event(
        event,
        input_of(event, starts_at=old_when + timedelta(days=7), ends_at=event.ends_at + timedelta(days=7)),
    )
    owed = [m for m in messages() if m.kind == "event_changed"]
    assert sorted((m.recipient, m.status) for m in owed) == [
        ("parte@comune.example.it", "unwritten"),
        ("resta@comune.example.it", "unwritten"),
    ]
    registrations.cancel(db.session.get(Registration, leaving.id))  # before the worker comes

    delivery.deliver_due()

    changed = [m for m in messages() if m.kind == "event_changed"]
    assert [(m.recipient, m.status) for m in changed] == [("resta@comune.example.it", "sent")]
    assert "Sono cambiati il giorno o l'ora" in changed[0].text_body
    assert changed[0].calendar_method == "REQUEST" and changed[0].writer_context is None
    assert changed[0].registration_id == staying.id


def test_someone_who_cancels_before_the_worker_came_gets_only_the_cancellation(make_event, smtp):
    event = make_event(title="Riunione della Consulta", capacity=5)
    registration = registrations.register(event.id, participant("p@comune.example.it"), CONSENT).registration
    registrations.cancel(registration)

    delivery.deliver_due()

    [received] = smtp.inbox.messages
    assert received["Subject"] == "Iscrizione annullata: Riunione della Consulta"
    # No invitation ever reached their calendar: there is none to withdraw.
    assert all(part.get_content_type() != "text/calendar" for part in received.walk())


def test_a_waiting_place_turned_into_a_seat_before_the_worker_came_is_told_once(make_event, smtp):
    event = make_event(title="Riunione della Consulta", capacity=1)
    holder = registrations.register(event.id, participant("a@comune.example.it"), CONSENT).registration
    delivery.deliver_due()
    registrations.register(event.id, participant("b@comune.example.it"), CONSENT)
    registrations.cancel(db.session.get(Registration, holder.id))  # b is promoted at once

    delivery.deliver_due()

    to_b = [m["Subject"] for m in smtp.inbox.by_recipient("b@comune.example.it")]
    assert to_b == ["Iscrizione confermata dalla lista d'attesa: Riunione della Consulta"]


def test_a_pass_writes_what_was_owed_when_it_began_and_stops_when_asked(make_event, monkeypatch):
    import threading

    event = make_event(capacity=5)
    for n in range(2):
        registrations.register(event.id, participant(f"p{n}@comune.example.it"), CONSENT)
    write = notifications.write_activity_message
    newcomers = iter(range(10))

    def write_while_more_register(message):
        write(message)
        # A rush: someone registers while the worker writes (its own transaction in real life).
        outbox.queue_unwritten(f"activity:{900 + next(newcomers)}", "confirmed", recipient="x@comune.example.it")

    monkeypatch.setitem(outbox._writers, "activity", write_while_more_register)
    assert outbox.write_unwritten() == 2
    assert [m.status for m in messages()] == ["queued", "queued", "unwritten", "unwritten"]

    stop = threading.Event()
    stop.set()
    assert outbox.write_unwritten(stop) == 0


def test_an_event_moved_twice_before_the_worker_came_is_told_once_from_where_it_was(make_event, smtp):
    from datetime import timedelta

    from app.events import services as events

    event = make_event(title="Riunione della Consulta", capacity=5)
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    delivery.deliver_due()
    smtp.inbox.messages.clear()
    first_start = event.starts_at
    for days in (7, 14):
        events.update_event(
            event,
            input_of(event, starts_at=first_start + timedelta(days=days), ends_at=event.ends_at + timedelta(days=7)),
        )

    delivery.deliver_due()

    [told] = smtp.inbox.messages
    assert told["Subject"].startswith("Evento modificato")
    [changed] = [m for m in messages() if m.kind == "event_changed"]
    assert "Sono cambiati il giorno o l'ora" in changed.text_body and changed.calendar_method == "REQUEST"


def test_an_event_moved_then_cancelled_before_the_worker_came_is_told_as_cancelled(make_event, smtp):
    from datetime import timedelta

    from app.events import services as events

    event = make_event(title="Riunione della Consulta", capacity=5)
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    delivery.deliver_due()
    smtp.inbox.messages.clear()
    events.update_event(
        event, input_of(event, starts_at=event.starts_at + timedelta(days=7), ends_at=event.ends_at + timedelta(days=7))
    )
    events.cancel_event(event, "Sala non disponibile")

    delivery.deliver_due()

    assert [m["Subject"].split(":")[0] for m in smtp.inbox.messages] == ["Evento annullato"]
    [cancelled] = [m for m in messages() if m.kind == "event_cancelled"]
    assert cancelled.calendar_method == "CANCEL"


def test_someone_who_cancelled_before_the_event_was_cancelled_still_gets_their_withdrawal(make_event, smtp):
    from app.events import services as events

    event = make_event(title="Riunione della Consulta", capacity=5)
    registration = registrations.register(event.id, participant("p@comune.example.it"), CONSENT).registration
    delivery.deliver_due()  # the invitation reached their calendar
    registrations.cancel(db.session.get(Registration, registration.id))
    events.cancel_event(event, "Sala non disponibile")  # tells only those still registered

    delivery.deliver_due()

    [own] = [m for m in messages() if m.kind == "cancelled"]
    assert own.status == "sent" and own.calendar_method == "CANCEL"
