"""The one door of the organizer area: every organizer route that concerns an event reaches it
through `event_for`, so who may do what with which event is decided here, once. Today every
signed-in organizer may act on every event; roles limited to some event types or series will
narrow it here without touching the views."""

from __future__ import annotations

import enum

from flask import abort
from flask_login import current_user

from app.events.models import Event
from app.extensions import db


class Action(enum.StrEnum):
    #: See the event and its programme.
    VIEW = "view"
    #: Change the event, its programme, materials and status.
    EDIT = "edit"
    #: See, change and export its registrants' personal data, and write to them.
    REGISTRANTS = "registrants"


def may(user, event: Event, action: Action) -> bool:
    """Whether this signed-in user may do `action` on `event`."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def event_for(event_id: int, action: Action = Action.VIEW) -> Event:
    """The event an organizer route is about, or 404 when there is none and 403 when the
    signed-in user may not do `action` on it."""
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if not may(current_user, event, action):
        abort(403)
    return event
