"""The demo shows each state of an event as the application means it: postponed is not cancelled."""

from __future__ import annotations

from sqlalchemy import select

from app.demo.data import load_demo
from app.events.models import Event, EventStatus
from app.extensions import db


def test_the_postponed_demo_meeting_is_postponed_not_cancelled(app):
    load_demo()
    meeting = db.session.scalar(select(Event).where(Event.slug == "incontro-comuni-cuneese-cooperazione"))
    assert meeting.status == EventStatus.POSTPONED
    assert "Consiglio regionale" in meeting.postponement_note
    cancelled = db.session.scalars(select(Event).where(Event.status == EventStatus.CANCELLED)).all()
    assert not [e.title for e in cancelled if "rinvi" in (e.cancellation_reason or "").lower()]
