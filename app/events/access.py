"""The one door of the organizer area: every organizer route that concerns an event reaches it
through `event_for`, so who may do what with which event is decided here, once; the lists of
events an organizer sees are narrowed by `visible_events`, by the same rule. An admin, and an
organizer without limits, may act on every event; an organizer limited to some event types
and/or series only on the events of those types or series (either), for every action."""

from __future__ import annotations

import enum

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, or_, select

from app.auth.models import UserEventType, UserSeries
from app.events.models import Event
from app.extensions import db


class Action(enum.StrEnum):
    #: See the event and its programme.
    VIEW = "view"
    #: Change the event, its programme, materials and status.
    EDIT = "edit"
    #: See, change and export its registrants' personal data, and write to them.
    REGISTRANTS = "registrants"


def _limits(user) -> tuple[frozenset[int], frozenset[int]] | None:
    """The event types and series the user is limited to; None: every event."""
    if user.is_admin:
        return None
    types = frozenset(db.session.scalars(select(UserEventType.type_id).where(UserEventType.user_id == user.id)))
    series = frozenset(db.session.scalars(select(UserSeries.series_id).where(UserSeries.user_id == user.id)))
    return (types, series) if types or series else None


def may(user, event: Event, action: Action) -> bool:
    """Whether this signed-in user may do `action` on `event`. The same for every action: who
    may see a limited organizer's events may also edit them and reach their registrants."""
    return may_place(user, event.type_id, event.series_id)


def may_place(user, type_id: int | None, series_id: int | None) -> bool:
    """Whether `user` may give an event this type and series: a limited organizer creates and
    moves events only within their reach, so nothing they make slips out of their sight."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    limits = _limits(user)
    if limits is None:
        return True
    types, series = limits
    return type_id in types or (series_id is not None and series_id in series)


def placeable(user) -> tuple[frozenset[int], frozenset[int]] | None:
    """The types and series a limited organizer's events may have (None: any)."""
    return _limits(user)


def visible_events(query: Select, user=None) -> Select:
    """`query` (of events) narrowed to the events `user` (the signed-in one by default) may see."""
    user = current_user if user is None else user
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return query.where(false())
    limits = _limits(user)
    if limits is None:
        return query
    types, series = limits
    return query.where(or_(Event.type_id.in_(types), Event.series_id.in_(series)))


def event_for(event_id: int, action: Action = Action.VIEW) -> Event:
    """The event an organizer route is about, or 404 when there is none and 403 when the
    signed-in user may not do `action` on it."""
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if not may(current_user, event, action):
        abort(403)
    return event
