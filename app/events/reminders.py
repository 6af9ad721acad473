"""When reminders go out: offsets before an event or lesson, as organizers write them
("7g, 1g", "3h", "nessuno"), per event type and per event."""

from __future__ import annotations

import re
from datetime import timedelta

from app.events.models import Event

_OFFSET = re.compile(r"^(\d{1,3})\s*([gdh])$")
NO_REMINDERS = {"nessuno", "nessuna", "none", "0"}


def parse_offsets(text: str | None) -> list[timedelta]:
    """'7g, 1g, 3h' → [7 days, 1 day, 3 hours]; 'nessuno' or empty → []. ValueError if unreadable."""
    text = (text or "").strip().lower()
    if not text or text in NO_REMINDERS:
        return []
    offsets = []
    for part in re.split(r"[,;\s]+(?=\d)", text):
        match = _OFFSET.match(part.strip())
        if not match:
            raise ValueError(part)
        amount, unit = int(match.group(1)), match.group(2)
        offset = timedelta(hours=amount) if unit == "h" else timedelta(days=amount)
        if not timedelta(hours=1) <= offset <= timedelta(days=60):
            raise ValueError(part)
        offsets.append(offset)
    return sorted(set(offsets), reverse=True)


def offsets_for(event: Event) -> list[timedelta]:
    raw = event.reminder_offsets if event.reminder_offsets is not None else event.type.reminder_offsets
    try:
        return parse_offsets(raw)
    except ValueError:
        return []


def offset_label(offset: timedelta) -> str:
    return f"{offset.days}g" if offset.days and not offset.seconds else f"{int(offset.total_seconds() // 3600)}h"
