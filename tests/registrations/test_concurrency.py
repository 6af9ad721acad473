"""Simultaneous registrations through real HTTP requests to a running server.

On PostgreSQL (as in CI) the event row is locked with SELECT … FOR UPDATE; on SQLite the
database's single write lock serialises the same decision.
"""

from __future__ import annotations

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.registrations.models import Registration

PEOPLE = 50
SEATS = 10


@pytest.fixture
def no_rate_limit(app):
    before = app.config["REGISTRATION_RATE_LIMIT"]
    app.config["REGISTRATION_RATE_LIMIT"] = "10000 per minute"
    yield
    app.config["REGISTRATION_RATE_LIMIT"] = before


def _request(server_url: str, method: str, path: str, body: str | None = None, cookie: str | None = None):
    parts = urlsplit(server_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if cookie:
        headers["Cookie"] = cookie
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response, text


def _fire(server_url: str, path: str, emails: list[str]) -> list[tuple[int, str | None]]:
    """Every person loads the form first; then all of them submit at the same instant."""
    barrier = threading.Barrier(len(emails), timeout=120)

    def person(email: str):
        response, page = _request(server_url, "GET", path)
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        form = {
            "csrf_token": token,
            "first_name": "Persona",
            "last_name": email.split("@")[0],
            "email": email,
            "organization": "Comune di Torino",
            "role": "funzionario",
            "privacy_consent": "y",
        }
        barrier.wait()
        response, _ = _request(server_url, "POST", path, urlencode(form), cookie)
        return response.status, response.getheader("Location")

    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        return list(pool.map(person, emails))


def test_fifty_simultaneous_registrations_never_oversell_ten_seats(live_server, make_event, no_rate_limit):
    event = make_event(title="Percorso formativo a numero chiuso", type_slug="corso", capacity=SEATS)
    emails = [f"persona{n:02d}@comune.example.it" for n in range(PEOPLE)]

    results = _fire(live_server.url, f"/eventi/{event.slug}/iscrizione", emails)

    assert [status for status, _ in results] == [303] * PEOPLE
    tokens = {location.rsplit("/", 1)[-1] for _, location in results}
    assert len(tokens) == PEOPLE
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    assert sorted(r.email for r in rows) == emails
    assert {r.token for r in rows} == tokens
    by_status = {s: [r for r in rows if r.status == s] for s in ("confirmed", "waitlisted")}
    assert len(by_status["confirmed"]) == SEATS
    assert len(by_status["waitlisted"]) == PEOPLE - SEATS
    assert db.session.get(Event, event.id).confirmed_count == SEATS
    # Arrival order inside the lock is the order of the waiting list.
    waiting = by_status["waitlisted"]
    assert sorted(waiting, key=lambda r: (r.waitlisted_at, r.id)) == sorted(waiting, key=lambda r: r.id)
    assert max(r.id for r in by_status["confirmed"]) < min(r.id for r in waiting)


def test_the_same_email_sent_twenty_times_at_once_registers_once(live_server, make_event, no_rate_limit):
    event = make_event(capacity=5)
    results = _fire(live_server.url, f"/eventi/{event.slug}/iscrizione", ["stessa@comune.example.it"] * 20)

    assert [status for status, _ in results] == [303] * 20
    locations = [location for _, location in results]
    assert sum(location.startswith("/iscrizioni/") for location in locations) == 1
    assert locations.count(f"/eventi/{event.slug}/iscrizione/gia-iscritto") == 19
    db.session.expire_all()
    assert len(db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()) == 1
