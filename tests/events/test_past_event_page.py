"""A past event's page tells what happened, not what could be booked."""

from __future__ import annotations

from datetime import timedelta

from app.timeutil import today_rome


def test_past_event_shows_no_seats(client, make_event):
    event = make_event(day=today_rome() - timedelta(days=5), capacity=30)
    html = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "si è già svolto" in html
    assert "Posti disponibili" not in html and "Posti esauriti" not in html


def test_coming_event_still_shows_its_seats(client, make_event):
    event = make_event(capacity=30)
    html = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "Posti disponibili" in html
