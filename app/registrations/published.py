"""What of the registrations the public sees: only the counts (seats left, waiting list) on an
event's page and its API answer, so a registration moves the data version's seat part."""

from __future__ import annotations

from sqlalchemy import inspect

from app import dataversion
from app.events.published import event_is_public
from app.registrations.models import Registration


def registration_change(registration: Registration, state: str) -> str | None:
    if state == "dirty" and not inspect(registration).attrs.status.history.has_changes():
        return None  # a corrected name or phone number is nobody else's business
    return dataversion.SEATS if event_is_public(registration, registration.event_id) else None


dataversion.watch(Registration, registration_change)
