"""How the events domain's states are named in pages and messages."""

from __future__ import annotations

from app.events.models import AttendanceMode, EventStatus
from app.i18n import lazy_gettext

STATUS_LABELS = {
    EventStatus.DRAFT: lazy_gettext("Bozza"),
    EventStatus.PUBLISHED: lazy_gettext("Pubblicato"),
    EventStatus.CANCELLED: lazy_gettext("Annullato"),
    EventStatus.POSTPONED: lazy_gettext("Rinviato"),
}

ATTENDANCE_LABELS = {
    AttendanceMode.IN_PERSON: lazy_gettext("In presenza"),
    AttendanceMode.ONLINE: lazy_gettext("Online"),
    AttendanceMode.HYBRID: lazy_gettext("In presenza e online"),
}
