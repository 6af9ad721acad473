"""A third, independent reader of our calendars: libical (C), through ctypes.

Debian's libical3 package; .ci/run installs it. Returns what libical understood, so tests can
compare it with what we meant to publish."""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from datetime import UTC, datetime

ICAL_VEVENT_COMPONENT = 4  # enum icalcomponent_kind in libical 3
ICAL_ANY_PROPERTY = 0


class IcalTime(ctypes.Structure):
    _fields_ = [
        ("year", ctypes.c_int),
        ("month", ctypes.c_int),
        ("day", ctypes.c_int),
        ("hour", ctypes.c_int),
        ("minute", ctypes.c_int),
        ("second", ctypes.c_int),
        ("is_date", ctypes.c_int),
        ("is_daylight", ctypes.c_int),
        ("zone", ctypes.c_void_p),
    ]


def load() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("ical") or "libical.so.3"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalcomponent_count_errors.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_first_component.restype = ctypes.c_void_p
    lib.icalcomponent_get_first_component.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.icalcomponent_get_next_component.restype = ctypes.c_void_p
    lib.icalcomponent_get_next_component.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.icalcomponent_get_uid.restype = ctypes.c_char_p
    lib.icalcomponent_get_uid.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_summary.restype = ctypes.c_char_p
    lib.icalcomponent_get_summary.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_dtstart.restype = IcalTime
    lib.icalcomponent_get_dtstart.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_dtend.restype = IcalTime
    lib.icalcomponent_get_dtend.argtypes = [ctypes.c_void_p]
    lib.icaltime_as_timet_with_zone.restype = ctypes.c_longlong
    lib.icaltime_as_timet_with_zone.argtypes = [IcalTime, ctypes.c_void_p]
    lib.icaltimezone_get_utc_timezone.restype = ctypes.c_void_p
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


@dataclass
class Entry:
    uid: str
    summary: str
    #: UTC instants for timed entries; (year, month, day) for all-day ones.
    start: datetime | tuple[int, int, int]
    end: datetime | tuple[int, int, int]
    zone_resolved: bool


def parse(lib: ctypes.CDLL, data: bytes) -> tuple[int, list[Entry]]:
    """(number of errors libical reported, the VEVENTs as it read them)."""
    root = lib.icalparser_parse_string(data)
    assert root, "libical could not parse the calendar at all"
    try:
        errors = lib.icalcomponent_count_errors(root)
        entries = []
        component = lib.icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT)
        while component:
            entries.append(
                Entry(
                    uid=(lib.icalcomponent_get_uid(component) or b"").decode(),
                    summary=(lib.icalcomponent_get_summary(component) or b"").decode(),
                    start=_instant(lib, lib.icalcomponent_get_dtstart(component)),
                    end=_instant(lib, lib.icalcomponent_get_dtend(component)),
                    zone_resolved=bool(lib.icalcomponent_get_dtstart(component).zone),
                )
            )
            component = lib.icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)
        return errors, entries
    finally:
        lib.icalcomponent_free(root)


def _instant(lib, value: IcalTime):
    if value.is_date:
        return (value.year, value.month, value.day)
    seconds = lib.icaltime_as_timet_with_zone(value, value.zone or lib.icaltimezone_get_utc_timezone())
    return datetime.fromtimestamp(seconds, UTC)
