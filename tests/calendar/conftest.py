"""Every calendar we produce is read back by four parsers that share no code with each other:
vobject, ical (pydantic), libical (C) and icalendar itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from tests.calendar import libical

ROME = ZoneInfo("Europe/Rome")
_LIBICAL = libical.load()


@dataclass
class Parsed:
    vobject: object
    ical: object
    libical: list[libical.Entry]
    icalendar: icalendar.Calendar


def parse_everywhere(body: bytes) -> Parsed:
    text = body.decode("utf-8")
    assert "\r\n" in text and not text.replace("\r\n", "").count("\n"), "lines must end with CRLF"
    with_vobject = vobject.readOne(text, validate=True)
    with_ical = IcsCalendarStream.calendar_from_ics(text)
    errors, entries = libical.parse(_LIBICAL, body)
    assert errors == 0, "libical reported errors"
    assert all(e.zone_resolved for e in entries if isinstance(e.start, datetime)), "libical could not resolve a TZID"
    with_icalendar = icalendar.Calendar.from_ical(body)
    assert with_icalendar.get_missing_tzids() == set()
    assert not any(getattr(c, "errors", None) for c in with_icalendar.walk()), "icalendar reported parse errors"
    assert "METHOD" not in with_icalendar and not list(with_icalendar.walk("VALARM"))
    assert "UID" not in with_icalendar, "no calendar-level UID: it would make every download different"
    return Parsed(with_vobject, with_ical, entries, with_icalendar)


def pytest_collection_modifyitems(config, items):
    if _LIBICAL is not None:
        return
    if os.environ.get("REQUIRE_LIBICAL"):
        raise pytest.UsageError("libical is missing (apt-get install libical3): the calendar tests need it here.")
    skip = pytest.mark.skip(reason="libical not installed (apt-get install libical3)")
    for item in items:
        if "tests/calendar" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def parsed():
    return parse_everywhere
