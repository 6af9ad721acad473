"""Every email, rendered for a fixed participant and event, compared with its reviewed snapshot.

After changing a template on purpose: UPDATE_SNAPSHOTS=1 make test, then read and commit the
new files under tests/notifications/snapshots/."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

import pytest

from app.events.models import Event
from app.extensions import db
from app.registrations import notifications as services
from app.registrations import services as registrations
from app.registrations.models import Broadcast
from app.timeutil import rome_datetime
from tests.factories import CONSENT, participant

SNAPSHOTS = Path(__file__).parent / "snapshots"
DAY = date(2026, 12, 10)


@pytest.fixture
def subject(make_event):
    event = make_event(
        title="Esperienze di coordinamenti territoriali: COP e Januaforum / RAIL",
        day=DAY,
        start=time(15),
        end=time(17, 30),
        attendance_mode="hybrid",
        online_url="https://meet.example.org/coordinamenti",
    )
    event.slug = "coordinamenti-territoriali-2"
    event.cancellation_reason = "La sala non è disponibile."
    event.postponement_note = "La nuova data sarà comunicata a breve."
    registration = registrations.register(
        event.id, participant("giulia.ferrero@comune.pinerolo.to.it", first_name="Giulia", last_name="Ferrero"), CONSENT
    ).registration
    registration.token = "TOKEN-DI-PROVA"
    db.session.commit()
    return event, registration


def contexts(event: Event, registration) -> dict[str, dict]:
    manage = services.manage_url(registration)
    base = {"registration": registration, "event": event, "manage_url": manage}
    broadcast = Broadcast(subject="Materiali", body="Care e cari,\nin allegato al sito trovate le slide.\nA presto!")
    return {
        "confirmed": {**base, "has_invite": True},
        "approved": {**base, "has_invite": True},
        "promoted": {**base, "has_invite": True},
        "waitlisted": {**base, "waitlist_position": 3},
        "pending": base,
        "rejected": base,
        "cancelled": {**base, "by_organizer": False, "has_invite": True},
        "cancelled_by_organizer": {**base, "by_organizer": True, "has_invite": False},
        "link": base,
        "event_changed": {**base, "has_invite": True},
        "event_cancelled": base,
        "reminder": {**base, "session": None, "starts_at": rome_datetime(DAY, time(15))},
        "broadcast": {**base, "broadcast": broadcast},
    }


def check(name: str, content: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(content, encoding="utf-8")
        if not os.environ.get("UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {name} was missing and has been written: read it, then commit it")
    assert content == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot"


@pytest.mark.parametrize(
    "kind",
    [
        "confirmed",
        "approved",
        "promoted",
        "waitlisted",
        "pending",
        "rejected",
        "cancelled",
        "cancelled_by_organizer",
        "link",
        "event_changed",
        "event_cancelled",
        "reminder",
        "broadcast",
    ],
)
def test_email_matches_its_snapshot(subject, kind, client):
    event, registration = subject
    template = "cancelled" if kind == "cancelled_by_organizer" else kind
    with client.application.test_request_context(base_url="http://incontri.test"):
        email = services.render_email(template, "it", **contexts(event, registration)[kind])
    check(f"{kind}.it.txt", f"Subject: {email.subject}\n\n{email.text}")
    check(f"{kind}.it.html", email.html)


def test_english_participants_get_english_email(subject, client):
    event, registration = subject
    with client.application.test_request_context(base_url="http://incontri.test"):
        email = services.render_email("confirmed", "en", **contexts(event, registration)["confirmed"])
    check("confirmed.en.txt", f"Subject: {email.subject}\n\n{email.text}")


def test_french_participants_get_french_email(subject, client):
    event, registration = subject
    with client.application.test_request_context(base_url="http://incontri.test"):
        email = services.render_email("confirmed", "fr", **contexts(event, registration)["confirmed"])
    check("confirmed.fr.txt", f"Subject: {email.subject}\n\n{email.text}")
