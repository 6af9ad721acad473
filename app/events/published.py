"""What of the events domain the public sees: the changes that move the data version
(app/dataversion.py), so cached pages, API answers and feeds are invalidated exactly."""

from __future__ import annotations

from sqlalchemy import inspect

from app import dataversion
from app.events.models import (
    PUBLIC_STATUSES,
    Event,
    EventOrganization,
    EventSession,
    EventType,
    Material,
    Organization,
    Series,
    Speaker,
    Theme,
    Venue,
)

#: An event's columns that only count seats: a registration moves them, no text changes.
SEAT_COLUMNS = {"confirmed_count"}
#: Written by the flush itself; never a change of its own.
BOOKKEEPING = {"updated_at"}


def _status_public(event: Event) -> bool:
    """Public now or before this change: publishing, unpublishing and cancelling all count."""
    history = inspect(event).attrs.status.history
    return any(status in PUBLIC_STATUSES for status in (*history.added, *history.unchanged, *history.deleted))


def event_change(event: Event, state: str) -> dataversion.Seats | str | None:
    if not _status_public(event):
        return None
    if state != "dirty":
        return dataversion.CONTENT
    changed = {attr.key for attr in inspect(event).attrs if attr.history.has_changes()} - BOOKKEEPING
    if not changed:
        return None
    return dataversion.Seats(event.id) if changed <= SEAT_COLUMNS else dataversion.CONTENT


def event_is_public(obj, event_id: int | None) -> bool:
    """Whether the event a row belongs to is (or was) public; unknown counts as public."""
    event = getattr(obj, "event", None)
    if event is None and event_id is not None:
        event = inspect(obj).session.get(Event, event_id)
    return event is None or _status_public(event)


def part_of_event_change(obj, _state: str) -> str | None:
    """A lesson, a material, an organization's part: published when their event is."""
    return dataversion.CONTENT if event_is_public(obj, obj.event_id) else None


def reference_change(_obj, _state: str) -> str | None:
    """Places, people, types, series and themes: shown wherever their events are."""
    return dataversion.CONTENT


dataversion.watch(Event, event_change)
for _model in (EventSession, Material, EventOrganization):
    dataversion.watch(_model, part_of_event_change)
for _model in (Venue, Speaker, Organization, Series, Theme, EventType):
    dataversion.watch(_model, reference_change)
