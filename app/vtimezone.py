"""VTIMEZONE components written the way the common clients read them.

Thunderbird, Google and Outlook export a zone as one STANDARD and one DAYLIGHT observance with a
yearly RRULE. Mozilla's parser (ical.js) ignores an observance's DTSTART when it also has RDATEs,
so the shape icalendar writes by itself (DTSTART plus RDATE for the later years) puts a whole
summer an hour off there. Here the changes come from zoneinfo; when each kind of change follows
one yearly rule over the years a calendar needs, the observance is that rule, otherwise each
change is an observance of its own, with DTSTART only. Either way DTSTART is the local time
before the change (02:00 on the last Sunday of March in Rome), as RFC 5545 defines it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Change:
    """One change of a zone's offset: when (UTC), from and to which offset, the new name."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str

    @property
    def local_onset(self) -> datetime:
        """Wall-clock time at the change, counted in the offset in force before it."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def daylight(self) -> bool:
        return self.offset_to > self.offset_from

    def yearly_rule(self) -> tuple[int, str, tuple[int, int]]:
        """(month, BYDAY such as '-1SU' or '2SU', local time) of this change."""
        onset = self.local_onset
        weekday = _WEEKDAYS[onset.weekday()]
        ordinal = "-1" if (onset + timedelta(days=7)).month != onset.month else str((onset.day - 1) // 7 + 1)
        return onset.month, f"{ordinal}{weekday}", (onset.hour, onset.minute)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset()


@cache
def changes(tzid: str, first_year: int, last_year: int) -> tuple[Change, ...]:
    """Every offset change of the zone in those years, found day by day, then to the minute."""
    zone = ZoneInfo(tzid)
    found = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    while moment < end:
        following = moment + timedelta(days=1)
        if _offset(zone, moment) != _offset(zone, following):
            # Whole minutes from the start of the day: low keeps the old offset, high has the new.
            low, high = 0, 24 * 60
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, moment + timedelta(minutes=middle)) == _offset(zone, moment):
                    low = middle
                else:
                    high = middle
            low, high = moment + timedelta(minutes=low), moment + timedelta(minutes=high)
            found.append(
                Change(high, _offset(zone, low), _offset(zone, high), high.astimezone(zone).tzname() or tzid)
            )
        moment = following
    return tuple(found)


def _observance(change: Change, onset: datetime) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if change.daylight else TimezoneStandard()
    observance.add("tzname", change.name)
    observance.add("tzoffsetfrom", change.offset_from)
    observance.add("tzoffsetto", change.offset_to)
    observance.add("dtstart", onset)
    return observance


def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """The zone as used by events from `first` to `last`. The year before `first` is included,
    so the observance in force on the first day has an onset that precedes it."""
    timezone = Timezone()
    timezone.add("tzid", tzid)
    years = range(first.year - 1, last.year + 1)
    found = changes(tzid, years.start, years.stop - 1)
    if not found:
        # No change in these years (a zone without summer time): one fixed observance.
        zone = ZoneInfo(tzid)
        start = datetime(years.start, 1, 1, tzinfo=UTC)
        offset = _offset(zone, start)
        fixed = Change(start, offset, offset, start.astimezone(zone).tzname() or tzid)
        timezone.add_component(_observance(fixed, fixed.local_onset))
        return timezone
    groups: dict[tuple, list[Change]] = {}
    for change in found:
        groups.setdefault((change.offset_from, change.offset_to, change.name), []).append(change)
    for group in groups.values():
        rules = {change.yearly_rule() for change in group}
        every_year = [change.at.year for change in group] == list(years)
        if len(rules) == 1 and every_year:
            [(month, byday, _)] = rules
            observance = _observance(group[0], group[0].local_onset)
            observance.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday=byday))
            timezone.add_component(observance)
        else:
            for change in group:
                timezone.add_component(_observance(change, change.local_onset))
    return timezone
