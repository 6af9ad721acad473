"""Reminders go out at the right time, once, and only to whom they concern."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.events import reminders as reminder_offsets
from app.events import services as events
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations import notifications as services
from app.registrations import services as registrations
from app.timeutil import rome_datetime
from tests.factories import CONSENT, add_weekly_lessons, participant


def reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id))
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7g, 1g", [timedelta(days=7), timedelta(days=1)]),
        ("1g 3h", [timedelta(days=1), timedelta(hours=3)]),
        ("2d;12h", [timedelta(days=2), timedelta(hours=12)]),
        ("", []),
        ("nessuno", []),
    ],
)
def test_offsets_are_read_as_organizers_write_them(text, expected):
    assert reminder_offsets.parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["domani", "7 settimane", "0h", "99g", "7g, x"])
def test_unreadable_offsets_are_refused(text):
    with pytest.raises(ValueError):
        reminder_offsets.parse_offsets(text)


def test_seven_days_and_one_day_before_each_once(make_event):
    event = make_event(capacity=10)  # an incontro: 7 and 1 days before
    registrations.register(event.id, participant("sindaco@comune.example.it"), CONSENT)
    start = event.starts_at
    assert services.schedule_reminders(start - timedelta(days=7, minutes=1)) == 0
    assert services.schedule_reminders(start - timedelta(days=7) + timedelta(minutes=1)) == 1
    assert services.schedule_reminders(start - timedelta(days=6)) == 0
    assert services.schedule_reminders(start - timedelta(days=1) + timedelta(minutes=1)) == 1
    assert services.schedule_reminders(start - timedelta(hours=2)) == 0
    assert services.schedule_reminders(start + timedelta(minutes=1)) == 0
    sent = reminders()
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in sent] == ["7g", "1g"]
    assert sent[0].subject.startswith(f"Promemoria: {event.title}")


def test_a_late_worker_sends_only_the_nearest_reminder(make_event):
    event = make_event()
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    assert services.schedule_reminders(event.starts_at - timedelta(hours=20)) == 1
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in reminders()] == ["1g"]
    assert services.schedule_reminders(event.starts_at - timedelta(hours=19)) == 0


def test_no_reminder_for_cancelled_registrations_waiting_lists_or_cancelled_events(make_event):
    event = make_event(capacity=1)
    holder = registrations.register(event.id, participant("a@comune.example.it"), CONSENT).registration
    registrations.register(event.id, participant("b@comune.example.it"), CONSENT)
    other = make_event(title="Annullato")
    registrations.register(other.id, participant("c@comune.example.it"), CONSENT)
    events.cancel_event(other, "Maltempo")
    postponed = make_event(title="Rinviato")
    registrations.register(postponed.id, participant("d@comune.example.it"), CONSENT)
    events.postpone_event(postponed, "Nuova data a breve")
    registrations.cancel(holder)  # b is promoted and is now the only confirmed participant
    services.schedule_reminders(event.starts_at - timedelta(hours=12))
    assert [m.recipient for m in reminders()] == ["b@comune.example.it"]


def test_when_the_event_moves_its_reminders_move_with_it(make_event):
    event = make_event()
    registrations.register(event.id, participant("p@comune.example.it"), CONSENT)
    original = event.starts_at
    data = events.EventInput(
        title=event.title,
        type_id=event.type_id,
        starts_at=original + timedelta(days=3),
        ends_at=event.ends_at + timedelta(days=3),
        venue_id=event.venue_id,
    )
    events.update_event(event, data)
    # Twelve hours before the old start, the new date is three and a half days away.
    services.schedule_reminders(original - timedelta(hours=12))
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in reminders()] == ["7g"]
    assert services.schedule_reminders(original + timedelta(days=3) - timedelta(hours=12)) == 1
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in reminders()] == ["7g", "1g"]


def test_courses_are_reminded_the_day_before_each_lesson(make_event):
    course = make_event(title="Percorso formativo", type_slug="corso")
    course.ends_at = rome_datetime(course.first_day + timedelta(days=7), time(17))
    db.session.commit()
    lessons = add_weekly_lessons(course, 2)
    registrations.register(course.id, participant("p@comune.example.it"), CONSENT)
    assert services.schedule_reminders(lessons[0].starts_at - timedelta(hours=20)) == 1
    assert services.schedule_reminders(lessons[1].starts_at - timedelta(days=2)) == 0
    assert services.schedule_reminders(lessons[1].starts_at - timedelta(hours=20)) == 1
    texts = [m.text_body for m in reminders()]
    assert "Lezione 1" in texts[0] and "Lezione 2" in texts[1]


def test_an_event_can_turn_reminders_off_or_change_them(make_event):
    silent = make_event(title="Senza promemoria", reminder_offsets="nessuno")
    registrations.register(silent.id, participant("a@comune.example.it"), CONSENT)
    custom = make_event(title="Tre ore prima", reminder_offsets="3h")
    registrations.register(custom.id, participant("b@comune.example.it"), CONSENT)
    services.schedule_reminders(custom.starts_at - timedelta(hours=2))
    assert [m.recipient for m in reminders()] == ["b@comune.example.it"]
