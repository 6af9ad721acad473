"""The demo shows each state of an event as the application means it: postponed is not cancelled;
the privacy notice's default controller is the demo's ANCI Piemonte."""

from __future__ import annotations

from sqlalchemy import select

from app.demo.data import load_demo
from app.events.models import Event, EventStatus, Venue
from app.extensions import db


def test_the_postponed_demo_meeting_is_postponed_not_cancelled(app):
    load_demo()
    meeting = db.session.scalar(select(Event).where(Event.slug == "incontro-comuni-cuneese-cooperazione"))
    assert meeting.status == EventStatus.POSTPONED
    assert "Consiglio regionale" in meeting.postponement_note
    cancelled = db.session.scalars(select(Event).where(Event.status == EventStatus.CANCELLED)).all()
    assert not [e.title for e in cancelled if "rinvi" in (e.cancellation_reason or "").lower()]


def test_the_privacy_notice_names_anci_piemonte_at_its_seat_in_the_demo(app, client):
    load_demo()
    seat = db.session.scalar(select(Venue).where(Venue.name == "Sede di ANCI Piemonte"))
    controller = app.config["PRIVACY_CONTROLLER"]
    assert seat.address in controller and seat.comune in controller
    assert seat.address in client.get("/privacy").get_data(as_text=True)
