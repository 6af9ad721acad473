"""Dates and times as people read them (Rome time, in the page's language), for pages,
messages and exports alike."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from flask_babel import format_date, format_datetime, get_locale

from app.i18n import current_language
from app.i18n import gettext as _
from app.timeutil import ROME


def long_datetime(value: datetime) -> str:
    """'martedì 17 novembre 2026, ore 10:00' in Rome time."""
    return format_datetime(value, _("EEEE d MMMM y, 'ore' HH:mm"))


def long_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(ROME).date()
    return format_date(value, _("EEEE d MMMM y"))


def short_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(ROME).date()
    return format_date(value, "d MMM y")


def short_datetime(value: datetime) -> str:
    """'23/11/2026 10:05' in Rome time, for dense tables."""
    return format_datetime(value, "dd/MM/y HH:mm")


def day_label(value: str | date) -> str:
    """An ISO day such as '2026-11-23' as '23 nov'."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "d MMM")


def clock(value: datetime) -> str:
    return format_datetime(value, "HH:mm")


#: Days whose Italian name starts with a vowel (uno, otto, undici): "dall'8", "all'11".
_ELIDED_DAYS = {1, 8, 11}


def date_range(first: date, last: date) -> str:
    """'dal 13 al 25 dicembre 2026', "dall'8 novembre all'11 gennaio 2027": the shared
    month and year are said once, and the article is elided as Italian wants."""
    if (first.year, first.month) == (last.year, last.month):
        start_pattern = "d"
    elif first.year == last.year:
        start_pattern = "d MMMM"
    else:
        start_pattern = "d MMMM y"
    start, end = format_date(first, start_pattern), format_date(last, "d MMMM y")
    match (first.day in _ELIDED_DAYS, last.day in _ELIDED_DAYS):
        case (False, False):
            return _("dal %(start)s al %(end)s", start=start, end=end)
        case (True, False):
            return _("dall'%(start)s al %(end)s", start=start, end=end)
        case (False, True):
            return _("dal %(start)s all'%(end)s", start=start, end=end)
        case _:
            return _("dall'%(start)s all'%(end)s", start=start, end=end)


def event_when(event) -> str:
    """The date line of an event as a person says it. An event over several days (an
    exhibition, a course) is given as a range of days: its programme gives the hours. The
    hours are one phrase, so each language says them its way ("ore 11:00–13:00", "de 11:00 à
    13:00")."""
    return _when(
        str(get_locale()),
        event.is_multi_day,
        event.all_day,
        event.first_day,
        event.last_day,
        event.starts_at,
        event.ends_at,
    )


@lru_cache(maxsize=4096)
def _when(_locale: str, multi_day: bool, all_day: bool, first: date, last: date, start: datetime, end: datetime) -> str:
    """A pure function of its arguments (the locale in force is one of them; the catalogues
    and Rome's time zone are fixed for the process), so each phrase is composed once: a list
    page says a dozen of them, at some 60 µs each."""
    if multi_day:
        return date_range(first, last)
    if all_day:
        return long_date(first)
    return _("%(day)s, ore %(start)s–%(end)s", day=long_date(first), start=clock(start), end=clock(end))


def colon(label) -> str:
    """A label followed by its colon as the language writes it: French puts a (no-break) space
    before it ("En ligne :"), Italian and English do not."""
    return f"{label}\u00a0:" if current_language() == "fr" else f"{label}:"


def readable_text_color(hex_color: str) -> str:
    """Black or white, whichever contrasts more with the badge colour (WCAG luminance)."""
    try:
        channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    except (ValueError, TypeError):
        return "#ffffff"
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"
