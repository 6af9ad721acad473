"""What the events domain announces. Sent inside the transaction of the change, after the
change is flushed; receivers (registrations, and the domains above it) react in that same
transaction, so the change and its consequences are saved together or not at all.

Each signal's sender is the Event."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Date, time, place or online link changed, of the event or of some lessons (`sessions`: the
#: lessons concerned, or None for the whole event; `previous`: when and where the event was
#: before, when the event itself changed). SEQUENCE has already grown.
event_rescheduled = _signals.signal("event-rescheduled")
#: The event became public (`previous`: the status it left, e.g. draft or postponed).
event_published = _signals.signal("event-published")
#: The event was cancelled; `previous` as above. Its reason is on the event.
event_cancelled = _signals.signal("event-cancelled")
#: The event was postponed; `previous` as above. Its note is on the event.
event_postponed = _signals.signal("event-postponed")
#: The event went back to draft; `previous` as above.
event_unpublished = _signals.signal("event-unpublished")
#: Capacity grew (or became unlimited) while the event row is locked: seats may be filled.
capacity_raised = _signals.signal("capacity-raised")
#: A draft copy of the event was made (`copy`): what other domains attach to an event may follow.
event_duplicated = _signals.signal("event-duplicated")
