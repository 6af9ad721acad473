"""Every calendar we produce is read back by five parsers that share no code with each other:
vobject, ical (pydantic), libical (C), Mozilla's ical.js (Thunderbird) and icalendar itself.
Each must put every entry at the instant zoneinfo gives for its local time and TZID."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

from tests.support import icaljs, libical

ROME = ZoneInfo("Europe/Rome")
_LIBICAL = libical.load()


@dataclass
class Parsed:
    vobject: object
    ical: object
    libical: list[libical.Entry]
    icalendar: icalendar.Calendar
    icaljs: icaljs.Read


def zoneinfo_instants(calendar: icalendar.Calendar) -> dict[str, tuple[datetime, datetime]]:
    """{UID: (start, end)} in UTC for the timed entries, from each one's wall-clock time and
    TZID read through zoneinfo: what every reader must agree with."""

    def instant(prop) -> datetime:
        naive = icalendar.vDDDTypes.from_ical(prop.to_ical().decode())
        if naive.tzinfo is not None:  # written in UTC
            return naive.astimezone(UTC)
        return naive.replace(tzinfo=ZoneInfo(prop.params["TZID"])).astimezone(UTC)

    instants = {}
    for vevent in calendar.walk("VEVENT"):
        if isinstance(vevent.decoded("DTSTART"), datetime):
            instants[str(vevent["UID"])] = (instant(vevent["DTSTART"]), instant(vevent["DTEND"]))
    return instants


def assert_readers_agree_with_zoneinfo(parsed: Parsed) -> None:
    expected = zoneinfo_instants(parsed.icalendar)
    timed_icaljs = {e.uid: (e.start, e.end) for e in parsed.icaljs.entries if not e.all_day}
    assert not [e.uid for e in parsed.icaljs.entries if e.floating], "ical.js read a time without its zone"
    assert timed_icaljs == expected, "ical.js (Thunderbird) puts entries at other instants than zoneinfo"
    timed_libical = {e.uid: (e.start, e.end) for e in parsed.libical if isinstance(e.start, datetime)}
    assert timed_libical == expected, "libical puts entries at other instants than zoneinfo"
    timed_vobject = {
        v.uid.value: (v.dtstart.value.astimezone(UTC), v.dtend.value.astimezone(UTC))
        for v in parsed.vobject.contents.get("vevent", [])
        if isinstance(v.dtstart.value, datetime)
    }
    assert timed_vobject == expected, "vobject (which reads our VTIMEZONE) disagrees with zoneinfo"
    timed_ical = {
        str(e.uid): (e.dtstart.astimezone(UTC), e.dtend.astimezone(UTC))
        for e in parsed.ical.events
        if isinstance(e.dtstart, datetime)
    }
    assert timed_ical == expected, "ical (pydantic) disagrees with zoneinfo"


def parse_everywhere(body: bytes, *, method: str | None = None) -> Parsed:
    """Read a calendar with every reader. Feeds carry no METHOD; invitations carry theirs."""
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
    assert not list(with_icalendar.walk("VALARM"))
    assert with_icalendar.get("METHOD") == method
    assert "UID" not in with_icalendar, "no calendar-level UID: it would make every download different"
    parsed = Parsed(with_vobject, with_ical, entries, with_icalendar, icaljs.read(body))
    assert parsed.icaljs.method == method
    assert_readers_agree_with_zoneinfo(parsed)
    return parsed


def readers_missing() -> list[str]:
    missing = []
    if _LIBICAL is None:
        missing.append("libical (apt-get install libical3)")
    if not icaljs.available():
        missing.append("ical.js (node and `npm ci` in tests/js; `make test` installs them)")
    return missing
