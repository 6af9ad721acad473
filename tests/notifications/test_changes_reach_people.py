"""What participants are told after a change matches the page at that moment: new place, date,
link and lesson, in the text and in the invitation, read by every calendar reader; a course's
lessons each reach the calendar; reminders follow a moved event; approval says approval."""

from __future__ import annotations

from datetime import UTC, time, timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.events import services as events
from app.events.models import AttendanceMode, Venue
from app.extensions import db
from app.formatting import long_datetime
from app.outbox.models import OutboxMessage
from app.outbox.services import write_unwritten
from app.registrations import notifications as services
from app.registrations import services as registrations
from app.registrations.models import ActivityKind
from app.timeutil import rome_datetime, today_rome
from tests.factories import CONSENT, add_weekly_lessons, input_of, participant


def messages(registration, kind: str | None = None) -> list[OutboxMessage]:
    """The registration's messages, once the worker has written those still unwritten."""
    write_unwritten()
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def one_vevent(parsed, message: OutboxMessage, method: str = "REQUEST"):
    """The invitation of a message, read by every reader: exactly one UID (RFC 5546)."""
    result = parsed(message.calendar.encode(), method=method)
    vevents = result.icalendar.walk("VEVENT")
    assert len({str(v["UID"]) for v in vevents}) == 1, "an iTIP message carries exactly one UID"
    [vevent] = vevents
    [seen_by_icaljs] = result.icaljs.entries
    assert seen_by_icaljs.location == (str(vevent["LOCATION"]) if "LOCATION" in vevent else None)
    return vevent


@pytest.fixture
def sign_up():
    def sign(event, email=None):
        return registrations.register(event.id, participant(email), CONSENT)

    return sign


@pytest.fixture
def places(app):
    found = {
        "alessandria": Venue(name="Palazzo Ghilini", address="Piazza della Libertà 17", comune="Alessandria"),
        "cuneo": Venue(name="Sala San Giovanni", address="Via Roma 4", comune="Cuneo", latitude=44.39, longitude=7.55),
        "asti": Venue(name="Palazzo del Michelerio", address="Corso Alfieri 381", comune="Asti"),
    }
    db.session.add_all(found.values())
    db.session.commit()
    return found


def test_moving_a_meeting_tells_the_new_place_in_text_and_invitation_twice_in_a_row(
    client, make_event, sign_up, places, parsed
):
    event = make_event(title="Riunione della Consulta", venue_id=places["alessandria"].id)
    registration = sign_up(event).registration
    sequences = []
    previous = places["alessandria"]
    for new in (places["cuneo"], places["asti"]):
        events.update_event(event, input_of(event, venue_id=new.id))
        message = messages(registration, "event_changed")[-1]
        assert new.full_address in message.text_body and new.full_address in message.html_body
        assert previous.full_address not in message.text_body + message.html_body
        vevent = one_vevent(parsed, message)
        assert str(vevent["LOCATION"]) == new.full_address
        sequences.append(int(vevent["SEQUENCE"]))
        # What the page and the feed say at that moment.
        assert new.name in client.get(f"/eventi/{event.slug}").get_data(as_text=True)
        feed = icalendar.Calendar.from_ical(client.get(f"/eventi/{event.slug}.ics").get_data())
        assert str(feed.walk("VEVENT")[0]["LOCATION"]) == new.full_address
        previous = new
    assert sequences[1] > sequences[0]


def test_a_new_date_and_time_reach_text_and_invitation(make_event, sign_up, parsed):
    event = make_event(title="Coordinamenti territoriali", start=time(10), end=time(12))
    registration = sign_up(event).registration
    old_when = long_datetime(event.starts_at)
    new_start = event.starts_at + timedelta(days=8, hours=5)
    events.update_event(event, input_of(event, starts_at=new_start, ends_at=new_start + timedelta(hours=2)))
    [message] = messages(registration, "event_changed")
    assert long_datetime(new_start) in message.text_body
    assert old_when not in message.text_body
    vevent = one_vevent(parsed, message)
    assert vevent.decoded("DTSTART").astimezone(UTC) == new_start


def test_a_new_online_link_reaches_text_and_invitation(make_event, sign_up, parsed):
    event = make_event(
        title="Incontro con ACAL",
        attendance_mode=AttendanceMode.ONLINE,
        venue_id=None,
        online_url="https://meet.example.org/vecchio",
    )
    registration = sign_up(event).registration
    events.update_event(event, input_of(event, online_url="https://meet.example.org/nuovo"))
    [message] = messages(registration, "event_changed")
    assert "https://meet.example.org/nuovo" in message.text_body
    assert "https://meet.example.org/vecchio" not in message.text_body + message.html_body
    vevent = one_vevent(parsed, message)
    assert "https://meet.example.org/nuovo" in str(vevent["DESCRIPTION"])
    assert "https://meet.example.org/vecchio" not in str(vevent["DESCRIPTION"])


def test_a_lesson_moved_to_its_own_place_is_told_with_that_place(make_event, sign_up, places, parsed):
    course = make_event(title="Percorso formativo", type_slug="corso", venue_id=places["alessandria"].id)
    lessons = add_weekly_lessons(course, 3)
    registration = sign_up(course).registration
    second = lessons[1]
    events.update_session(
        second,
        events.SessionInput(
            title=second.title, starts_at=second.starts_at, ends_at=second.ends_at, venue_id=places["cuneo"].id
        ),
    )
    [message] = messages(registration, "event_changed")
    assert places["cuneo"].full_address in message.text_body
    vevent = one_vevent(parsed, message)
    assert str(vevent["UID"]) == f"evento-{course.id}-sessione-{second.id}@incontri.test"
    assert str(vevent["LOCATION"]) == places["cuneo"].full_address
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (44.39, 7.55)  # the lesson's place, not the course's


def test_a_course_confirmation_puts_every_lesson_in_the_calendar_one_uid_per_message(make_event, sign_up, parsed):
    course = make_event(title="Percorso formativo: progettare la cooperazione", type_slug="corso")
    lessons = add_weekly_lessons(course, 4)
    registration = sign_up(course).registration
    [notice] = messages(registration, "confirmed")
    for lesson in lessons:
        assert lesson.title in notice.text_body and long_datetime(lesson.starts_at) in notice.text_body
    assert notice.calendar is None, "four lessons cannot ride in one iTIP message"
    invitations = messages(registration, "invitation")
    uids = []
    for message, lesson in zip(invitations, lessons, strict=True):
        vevent = one_vevent(parsed, message)
        uids.append(str(vevent["UID"]))
        assert vevent.decoded("DTSTART").astimezone(UTC) == lesson.starts_at
        assert lesson.title in message.subject and lesson.title in message.text_body
    assert uids == [f"evento-{course.id}-sessione-{lesson.id}@incontri.test" for lesson in lessons]


def test_cancelling_a_course_withdraws_every_lesson_one_uid_per_message(make_event, sign_up, parsed):
    course = make_event(title="Percorso formativo", type_slug="corso")
    lessons = add_weekly_lessons(course, 3)
    registration = sign_up(course).registration
    before = len(messages(registration))
    registrations.cancel(registration)
    new = messages(registration)[before:]
    cancels = [m for m in new if m.calendar_method == "CANCEL"]
    assert len(cancels) == len(lessons)
    assert {str(one_vevent(parsed, m, "CANCEL")["UID"]) for m in cancels} == {
        f"evento-{course.id}-sessione-{lesson.id}@incontri.test" for lesson in lessons
    }


def test_cancelling_the_whole_course_sends_a_cancel_for_each_lesson(make_event, sign_up, parsed):
    course = make_event(title="Percorso formativo", type_slug="corso")
    lessons = add_weekly_lessons(course, 2)
    registration = sign_up(course).registration
    events.cancel_event(course, "Sala non disponibile")
    cancels = [m for m in messages(registration) if m.calendar_method == "CANCEL"]
    assert [str(one_vevent(parsed, m, "CANCEL")["UID"]) for m in cancels] == [
        f"evento-{course.id}-sessione-{lesson.id}@incontri.test" for lesson in lessons
    ]
    assert any("Sala non disponibile" in m.text_body for m in messages(registration, "event_cancelled"))


def reminders_for(registration) -> list[OutboxMessage]:
    return messages(registration, "reminder")


def test_a_moved_event_gets_one_reminder_per_offset_for_the_new_date_none_for_the_old(make_event, sign_up):
    event = make_event(title="Riunione", reminder_offsets="1g")
    registration = sign_up(event).registration
    old_start = event.starts_at
    # The reminder for the old date goes out…
    assert services.schedule_reminders(old_start - timedelta(hours=23)) == 1
    [sent] = reminders_for(registration)
    sent.status = "sent"
    db.session.commit()
    # …then the event moves a week later: the same offset is due again, for the new date.
    new_start = old_start + timedelta(days=7)
    events.update_event(event, input_of(event, starts_at=new_start, ends_at=new_start + timedelta(hours=2)))
    assert services.schedule_reminders(new_start - timedelta(hours=23)) == 1
    latest = reminders_for(registration)[-1]
    assert long_datetime(new_start) in latest.text_body
    assert services.schedule_reminders(new_start - timedelta(hours=2)) == 0


def test_a_queued_reminder_for_the_old_date_is_withdrawn_when_the_event_moves(make_event, sign_up):
    event = make_event(title="Riunione", reminder_offsets="1g")
    registration = sign_up(event).registration
    old_start = event.starts_at
    assert services.schedule_reminders(old_start - timedelta(hours=23)) == 1  # queued, not yet sent
    new_start = old_start + timedelta(days=3)
    events.update_event(event, input_of(event, starts_at=new_start, ends_at=new_start + timedelta(hours=2)))
    assert [m for m in reminders_for(registration) if m.status == "queued"] == []
    assert services.schedule_reminders(new_start - timedelta(hours=23)) == 1
    [reminder] = [m for m in reminders_for(registration) if m.status == "queued"]
    assert long_datetime(new_start) in reminder.text_body and long_datetime(old_start) not in reminder.text_body


def test_confirming_a_pending_request_says_approved_not_promoted_from_a_waiting_list(make_event, sign_up):
    event = make_event(title="Riunione riservata", registration_moderated=True, capacity=5)
    registration = sign_up(event).registration
    assert registration.status == "pending"
    registrations.promote(registration)
    kinds = [activity.kind for activity in registration.activities]
    assert kinds[-1] == ActivityKind.APPROVED
    [message] = messages(registration)[-1:]
    assert message.kind == "approved"
    assert "lista d'attesa" not in message.text_body


def test_lesson_reminders_follow_a_moved_lesson(make_event, sign_up):
    first_day = today_rome() + timedelta(days=10)
    course = make_event(
        title="Percorso",
        type_slug="corso",
        reminder_offsets="1g",
        starts_at=rome_datetime(first_day, time(9)),
        ends_at=rome_datetime(first_day + timedelta(days=14), time(18)),
    )
    [lesson] = add_weekly_lessons(course, 1)
    registration = sign_up(course).registration
    assert services.schedule_reminders(lesson.starts_at - timedelta(hours=23)) == 1
    reminders_for(registration)[0].status = "sent"
    db.session.commit()
    moved = rome_datetime(lesson.starts_at.date() + timedelta(days=2), time(9))
    events.update_session(
        lesson, events.SessionInput(title=lesson.title, starts_at=moved, ends_at=moved + timedelta(hours=3))
    )
    assert services.schedule_reminders(moved - timedelta(hours=23)) == 1
    assert long_datetime(moved) in reminders_for(registration)[-1].text_body


def test_emails_written_during_a_request_do_not_see_its_session(app, make_event, sign_up):
    """Flask's render_template adds the request's `session`: a course confirmation written while
    someone is signed in (a non-empty session) lost its list of lessons, and a lesson's change
    its details, because the templates read `session` as "the lesson". Confirmations are
    written by the worker now; the messages an organizer's request writes still run this way."""
    course = make_event(title="Percorso formativo", type_slug="corso")
    lessons = add_weekly_lessons(course, 2)
    with app.test_request_context("/eventi"):
        from flask import session as web_session

        web_session["_user_id"] = "1"  # someone is signed in
        registration = sign_up(course).registration
        write_unwritten()
    [notice] = messages(registration, "confirmed")
    for lesson in lessons:
        assert lesson.title in notice.text_body and lesson.title in notice.html_body


def test_an_organizer_confirming_someone_from_the_waiting_list_does_not_claim_a_seat_came_free(make_event, sign_up):
    event = make_event(title="Riunione", capacity=1)
    sign_up(event)
    waiting = sign_up(event).registration
    registrations.promote(waiting)  # out of order: one seat is added
    [message] = messages(waiting, "promoted")
    assert "si è liberato un posto" not in message.text_body
    assert "confermata dalla segreteria organizzativa" in message.text_body


def test_a_lesson_held_only_online_is_never_sent_with_the_course_venue(make_event, sign_up, places, parsed):
    course = make_event(
        title="Percorso formativo",
        type_slug="corso",
        attendance_mode=AttendanceMode.HYBRID,
        venue_id=places["cuneo"].id,
        online_url="https://meet.example.org/corso",
    )
    first, second = add_weekly_lessons(course, 2)
    registration = sign_up(course).registration
    events.update_session(
        second,
        events.SessionInput(
            title=second.title, starts_at=second.starts_at, ends_at=second.ends_at, online_only=True
        ),
    )
    [message] = messages(registration, "event_changed")
    assert "solo online" in message.text_body.lower()
    vevent = one_vevent(parsed, message)
    assert str(vevent["LOCATION"]) == "Online" and "GEO" not in vevent
    assert places["cuneo"].full_address not in message.text_body.split(second.title, 1)[1].splitlines()[0]


def test_an_online_only_lesson_needs_a_link(make_event, places):
    course = make_event(title="Percorso", type_slug="corso", venue_id=places["cuneo"].id)
    [lesson] = add_weekly_lessons(course, 1)
    with pytest.raises(events.EventError, match="solo online"):
        events.update_session(
            lesson,
            events.SessionInput(title=lesson.title, starts_at=lesson.starts_at, ends_at=lesson.ends_at, online_only=True),
        )


def test_a_moved_meeting_says_what_changed_without_repeating_the_old_date_or_place(make_event, sign_up, places):
    """What changed is said, without ever writing the old values: a reader in a hurry must not
    take the old day or city for the new one."""
    event = make_event(title="Riunione della Consulta", venue_id=places["alessandria"].id)
    registration = sign_up(event).registration
    old_when = event.starts_at
    later = event.starts_at + timedelta(days=7)
    events.update_event(
        event, input_of(event, starts_at=later, ends_at=later + timedelta(hours=2), venue_id=places["cuneo"].id)
    )
    [message] = messages(registration, "event_changed")
    assert "Sono cambiati il giorno o l'ora: ora è" in message.text_body
    assert long_datetime(old_when) not in message.text_body
    assert f"Il luogo è cambiato: ora è {places['cuneo'].full_address}." in message.text_body
    assert places["alessandria"].full_address not in message.text_body + message.html_body


def test_an_english_participants_invitation_speaks_english_while_the_feed_stays_italian(client, make_event, parsed):
    event = make_event(
        title="Incontro con ACAL",
        attendance_mode=AttendanceMode.ONLINE,
        venue_id=None,
        online_url="https://meet.example.org/acal",
        online_url_public=True,
    )
    registration = registrations.register(event.id, participant(), CONSENT, locale="en").registration
    [notice] = messages(registration, "confirmed")
    description = str(one_vevent(parsed, notice)["DESCRIPTION"])
    assert "Online link: https://meet.example.org/acal" in description
    feed = client.get(f"/eventi/{event.slug}.ics", headers={"Cookie": "lang=en"}).get_data(as_text=True)
    assert "Collegamento online: https://meet.example.org/acal" in feed.replace("\r\n ", "")


def test_a_reminders_subject_gives_the_date_in_the_participants_language(make_event):
    event = make_event(title="Meeting with ACAL", reminder_offsets="1g")
    registration = registrations.register(event.id, participant(), CONSENT, locale="en").registration
    assert services.schedule_reminders(event.starts_at - timedelta(hours=23)) == 1
    [reminder] = messages(registration, "reminder")
    from flask_babel import force_locale

    with force_locale("en"):
        english = long_datetime(event.starts_at)
    with force_locale("it"):
        italian = long_datetime(event.starts_at)
    assert english != italian
    assert reminder.subject.endswith(english) and italian not in reminder.subject
