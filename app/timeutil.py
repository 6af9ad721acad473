"""Time helpers: everything is stored in UTC and shown in Europe/Rome."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

ROME = ZoneInfo("Europe/Rome")


def utcnow() -> datetime:
    return datetime.now(UTC)


def rome_datetime(day: date, at: time) -> datetime:
    """The instant of a wall-clock time in Rome, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=ROME).astimezone(UTC)


def rome_day_start(day: date) -> datetime:
    return rome_datetime(day, time(0, 0))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """UTC instants of the first moment of the month and of the next month, in Rome."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return rome_day_start(first), rome_day_start(nxt)


def today_rome() -> date:
    return utcnow().astimezone(ROME).date()


def days(n: int) -> timedelta:
    return timedelta(days=n)


class UTCDateTime(TypeDecorator):
    """An aware datetime kept in UTC; refuses naive values so none can slip in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: keep a naive UTC value, which also keeps the
        # lexical order of the stored text equal to the time order (CHECK constraints).
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
