"""Read-only questions about registrations, shared by the services and the messages they write."""

from __future__ import annotations

from sqlalchemy import Select, and_, func, or_, select

from app.extensions import db
from app.registrations.models import Registration, RegistrationStatus


def waitlist_query(event_id: int) -> Select:
    """The waiting list in the order it is served: first in, first promoted."""
    return (
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to be promoted; None when not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            or_(
                Registration.waitlisted_at < registration.waitlisted_at,
                and_(Registration.waitlisted_at == registration.waitlisted_at, Registration.id < registration.id),
            ),
        )
    )
    return ahead + 1


def promoted_if_cancelled(registration: Registration) -> list[Registration]:
    """Who would get a seat if this registration were cancelled now: the head of the waiting
    list, as many people as seats would then be free (what fill_seats does after a cancel)."""
    event = registration.event
    confirmed = event.confirmed_count - (1 if registration.status == RegistrationStatus.CONFIRMED else 0)
    query = waitlist_query(event.id).where(Registration.id != registration.id)
    if event.capacity is not None:
        free = event.capacity - confirmed
        if free <= 0:
            return []
        query = query.limit(free)
    return list(db.session.scalars(query))


def waiting_counts(event_ids: list[int]) -> dict[int, dict[str, int]]:
    """For a page of events, in one query: {event id: {"waitlisted": n, "pending": n}}, for the
    people who wait for a seat or for approval (events where nobody waits are left out)."""
    waiting = (RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
    rows = db.session.execute(
        select(Registration.event_id, Registration.status, func.count())
        .where(Registration.event_id.in_(event_ids), Registration.status.in_(waiting))
        .group_by(Registration.event_id, Registration.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for event_id, status, count in rows:
        counts.setdefault(event_id, {"waitlisted": 0, "pending": 0})[str(status)] = count
    return counts
