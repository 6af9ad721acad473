"""What of the registrations the public sees: only the counts (seats left, waiting list) on an
event's page and its API answer, so a registration moves that event's seat version."""

from __future__ import annotations

from sqlalchemy import inspect

from app import dataversion
from app.events.published import event_is_public
from app.registrations.models import Registration


def registration_change(registration: Registration, state: str) -> dataversion.Seats | str | None:
    if state == "dirty" and not inspect(registration).attrs.status.history.has_changes():
        return None  # a corrected name or phone number is nobody else's business
    if not event_is_public(registration, registration.event_id):
        return None
    event = registration.event if registration.event_id is None else None
    event_id = registration.event_id if event is None else event.id
    # An event that has no id yet is new: its page is new content in any case.
    return dataversion.Seats(event_id) if event_id is not None else dataversion.CONTENT


dataversion.watch(Registration, registration_change)
