"""Seats, the waiting list, moderation and the counter that keeps them honest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.events import services as events
from app.events.models import Event
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import write_unwritten
from app.registrations import services
from app.registrations.models import Activity, ActivityKind, Registration, RegistrationStatus, Source
from app.timeutil import utcnow
from tests.factories import input_of, participant


def statuses(event) -> list[str]:
    return list(
        db.session.scalars(
            select(Registration.status).where(Registration.event_id == event.id).order_by(Registration.id)
        )
    )


def confirmed_in_db(event) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )


def test_seats_are_confirmed_until_full_then_waitlisted_in_order(make_event, sign_up):
    event = make_event(capacity=2)
    outcomes = [sign_up(event) for _ in range(4)]
    assert [o.registration.status for o in outcomes] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert event.confirmed_count == 2 == confirmed_in_db(event)
    assert [services.waitlist_position(o.registration) for o in outcomes] == [None, None, 1, 2]


def test_email_is_normalised_and_a_second_registration_resends_the_link(make_event, sign_up):
    event = make_event(capacity=5)
    first = sign_up(event, email="  Mario.Bianchi@Comune.Example.IT ")
    again = sign_up(event, email="mario.bianchi@comune.example.it")
    assert first.created and not again.created
    assert again.registration.id == first.registration.id
    assert first.registration.email == "mario.bianchi@comune.example.it"
    kinds = [a.kind for a in first.registration.activities]
    assert kinds == [ActivityKind.CONFIRMED, ActivityKind.LINK_REQUESTED]
    assert statuses(event) == ["confirmed"]


def test_link_is_not_resent_more_than_once_in_ten_minutes(make_event, sign_up):
    event = make_event()
    email = "sindaco@comune.example.it"
    sign_up(event, email=email)
    sign_up(event, email=email)
    sign_up(event, email=email)
    count = db.session.scalar(select(func.count()).where(Activity.kind == ActivityKind.LINK_REQUESTED))
    assert count == 1


def test_the_database_refuses_two_active_registrations_for_one_email(make_event, sign_up):
    event = make_event()
    first = sign_up(event).registration
    db.session.add(
        Registration(
            event_id=event.id,
            status="waitlisted",
            waitlisted_at=utcnow(),
            first_name="X",
            last_name="Y",
            email=first.email,
            organization="Z",
            role="altro",
            consent_version="1",
            consent_text="t",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_cancelled_registration_allows_registering_again(make_event, sign_up):
    event = make_event(capacity=1)
    first = sign_up(event, email="a@comune.example.it").registration
    services.cancel(first)
    again = sign_up(event, email="a@comune.example.it")
    assert again.created and again.registration.status == "confirmed"
    assert statuses(event) == ["cancelled", "confirmed"]


def test_the_database_refuses_more_confirmed_than_seats(make_event):
    event = make_event(capacity=1)
    event.confirmed_count = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_cancelling_a_confirmed_seat_promotes_the_first_in_the_waiting_list(make_event, sign_up):
    event = make_event(capacity=1)
    holder = sign_up(event).registration
    first_waiting = sign_up(event).registration
    second_waiting = sign_up(event).registration
    promoted = services.cancel(holder)
    assert promoted == [first_waiting]
    db.session.refresh(second_waiting)
    assert (holder.status, first_waiting.status, second_waiting.status) == ("cancelled", "confirmed", "waitlisted")
    assert [a.kind for a in first_waiting.activities] == ["waitlisted", "promoted"]
    # The promoted person's email is owed in the same transaction; the worker writes it, with
    # the invitation.
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == first_waiting.id, OutboxMessage.kind == "promoted")
    ).all()
    assert message.status == "unwritten"
    assert message.dedupe_key == f"activity:{first_waiting.activities[-1].id}"
    write_unwritten()
    assert message.calendar_method == "REQUEST" and message.status == "queued"
    assert event.confirmed_count == 1 == confirmed_in_db(event)


def test_cancelling_from_the_waiting_list_promotes_nobody(make_event, sign_up):
    event = make_event(capacity=1)
    sign_up(event)
    waiting = sign_up(event).registration
    assert services.cancel(waiting) == []
    assert event.confirmed_count == 1


def test_raising_capacity_promotes_in_order(make_event, sign_up):
    event = make_event(capacity=1)
    [sign_up(event) for _ in range(4)]
    events.update_event(event, input_of(event, capacity=3))
    assert statuses(event) == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert event.confirmed_count == 3
    events.update_event(event, input_of(event, capacity=None))
    assert statuses(event) == ["confirmed"] * 4


def test_capacity_cannot_drop_below_the_confirmed(make_event, sign_up):
    event = make_event(capacity=3)
    [sign_up(event) for _ in range(3)]
    data = events.EventInput(
        title="Nuovo titolo",
        type_id=event.type_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue_id=event.venue_id,
        capacity=2,
    )
    with pytest.raises(events.EventError, match="3 iscritti confermati"):
        events.update_event(event, data)
    reloaded = db.session.get(Event, event.id)
    assert (reloaded.capacity, reloaded.title) == (3, "Incontro di prova")


def test_moderated_events_wait_for_approval_and_approval_respects_capacity(make_event, sign_up):
    event = make_event(capacity=1, registration_moderated=True)
    first = sign_up(event).registration
    second = sign_up(event).registration
    assert (first.status, second.status) == ("pending", "pending")
    assert event.confirmed_count == 0
    services.approve(first)
    services.approve(second)
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    services.cancel(first, by="organizer")
    db.session.refresh(second)
    assert second.status == "confirmed"


def test_rejecting_keeps_the_row_and_frees_the_email(make_event, sign_up):
    event = make_event(registration_moderated=True)
    pending = sign_up(event, email="p@comune.example.it").registration
    services.reject(pending)
    assert pending.status == "rejected"
    with pytest.raises(services.RegistrationError):
        services.approve(pending)


def test_organizer_promotion_out_of_order_adds_a_seat_instead_of_taking_one(make_event, sign_up):
    event = make_event(capacity=1)
    holder = sign_up(event).registration
    first = sign_up(event).registration
    chosen = sign_up(event).registration
    assert services.promote(chosen) is True
    assert (holder.status, first.status, chosen.status) == ("confirmed", "waitlisted", "confirmed")
    assert (event.capacity, event.confirmed_count) == (2, 2)


def test_organizer_can_add_to_a_closed_event_but_not_a_cancelled_one(make_event, sign_up):
    past = make_event(starts_at=utcnow() - timedelta(days=2), ends_at=utcnow() - timedelta(days=2, hours=-2))
    outcome = sign_up(past, source=Source.ORGANIZER)
    assert outcome.registration.source == "organizer" and outcome.registration.status == "confirmed"
    with pytest.raises(services.RegistrationError, match="già svolto"):
        sign_up(past)
    cancelled = make_event(title="Annullato", status="cancelled")
    with pytest.raises(services.RegistrationError, match="annullato"):
        sign_up(cancelled, source=Source.ORGANIZER)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"registration_opens_at": utcnow() + timedelta(days=1)}, "apriranno"),
        ({"registration_closes_at": utcnow() - timedelta(minutes=1)}, "chiuse"),
        ({"registration_required": False}, "non serve iscriversi"),
    ],
)
def test_registration_outside_its_window_is_refused(make_event, sign_up, fields, message):
    event = make_event(**fields)
    with pytest.raises(services.RegistrationError, match=message):
        sign_up(event)
    assert statuses(event) == []


def test_drafts_and_postponed_events_take_no_registrations(make_event, sign_up):
    draft = make_event(status="draft")
    with pytest.raises(services.RegistrationError):
        sign_up(draft)
    postponed = make_event(title="Rinviato")
    events.postpone_event(postponed, "Nuova data a breve")
    with pytest.raises(services.RegistrationError, match="rinviato"):
        sign_up(postponed)


def test_updating_details_keeps_status_and_refuses_a_taken_email(make_event, sign_up):
    event = make_event(capacity=1)
    sign_up(event, email="taken@comune.example.it")
    waiting = sign_up(event).registration
    position = services.waitlist_position(waiting)
    old_email = waiting.email
    awaiting = services.update_participant(waiting, participant(email="NUOVO@comune.example.it", first_name="Luca"))
    # The new address waits for its own confirmation (test_address_proof.py).
    assert awaiting == "nuovo@comune.example.it"
    assert (waiting.first_name, waiting.email, waiting.status) == ("Luca", old_email, "waitlisted")
    assert services.waitlist_position(waiting) == position
    with pytest.raises(services.RegistrationError, match="Esiste già"):
        services.update_participant(waiting, participant(email="taken@comune.example.it"))


def test_reissuing_the_token_invalidates_the_old_one(make_event, sign_up):
    registration = sign_up(make_event()).registration
    old = registration.token
    new = services.reissue_token(registration)
    assert new != old and len(new) >= 43
    assert services.get_by_token(old) is None
    assert services.get_by_token(new).id == registration.id


def test_questions_are_answered_validated_and_kept(make_event, sign_up):
    event = make_event()
    choice = services.add_question(event, services.attendance_question())
    note = services.add_question(event, services.QuestionInput(label="Esigenze alimentari", kind="text"))
    with pytest.raises(services.RegistrationError, match="Rispondere"):
        sign_up(event, answers={note.id: "vegetariano"})
    with pytest.raises(services.RegistrationError, match="non valida"):
        sign_up(event, answers={choice.id: "Su Marte"})
    registration = sign_up(event, answers={choice.id: "Online", note.id: "  "}).registration
    assert registration.answer_for(choice.id) == "Online"
    assert registration.answer_for(note.id) is None
    with pytest.raises(services.RegistrationError):
        services.delete_question(choice)
    services.delete_question(note)


def test_counts_and_registrations_over_time(make_event, sign_up):
    event = make_event(capacity=1)
    holder = sign_up(event).registration
    sign_up(event)
    services.cancel(holder)
    counts = services.status_counts(event.id)
    assert (counts["confirmed"], counts["waitlisted"], counts["cancelled"]) == (1, 0, 1)
    series = services.registrations_over_time(event.id)
    assert series[-1]["active"] == 1
    assert sum(day["new"] for day in series) == 2
    assert sum(day["left"] for day in series) == 1


def test_duplicating_an_event_copies_its_questions_but_not_its_registrations(make_event, sign_up):
    event = make_event(registration_moderated=True)
    question = services.add_question(event, services.attendance_question())
    sign_up(event, answers={question.id: "Online"})
    copy = events.duplicate_event(event)
    assert copy.registration_moderated is True and copy.confirmed_count == 0
    assert [q.label for q in services.questions_for(copy.id)] == [q.label for q in services.questions_for(event.id)]
    assert statuses(copy) == []
