"""The counting rules of participation: which comuni took part, how many people, registrations,
attendances and training hours each, against Piedmont's 1,180 by province and size class.

Only confirmed registrations count (never cancelled, rejected, waitlisted or pending ones); a
comune counts once however many of its people came; an attendance is one registration with at
least one recorded presence, whatever the event; training hours count only the presences at
courses (events whose type has lessons, as the courses domain defines a course), as the courses
domain records them (partial presences in minutes), so a meeting of the Consulta adds an
attendance but no training. Everything is computed from the events a caller may see, passed in as a query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from app import comuni
from app.comuni import Comune
from app.courses.models import Attendance, Certificate, Feedback
from app.courses.services import Slot
from app.events.models import (
    Event,
    EventOrganization,
    EventSession,
    EventStatus,
    EventType,
    Organization,
    Series,
    Speaker,
)
from app.events.models import session_speakers as session_speakers_table
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.registrations.models import EnteKind, Registration, RegistrationStatus
from app.timeutil import ROME, rome_datetime, utcnow

#: Counts below this are shown as "< 3" in open data, so that nobody can be singled out.
SMALL_COUNT = 3


class ParticipationError(Exception):
    """A filter that cannot be applied (a period that ends before it starts); for the user."""


@dataclass(frozen=True)
class Filters:
    """Which events the figures are about; None: any."""

    start: date | None = None
    end: date | None = None
    type_id: int | None = None
    series_id: int | None = None
    event_id: int | None = None
    #: Only published events that had begun by then (the annual report's events held); None: any
    #: event but the cancelled ones.
    held_by: datetime | None = None

    def __post_init__(self):
        if self.start and self.end and self.end < self.start:
            raise ParticipationError(_l("Il periodo finisce prima di cominciare: correggere le date."))

    @classmethod
    def year(cls, year: int, **others) -> Filters:
        return cls(start=date(year, 1, 1), end=date(year, 12, 31), **others)


def events_query(filters: Filters, visible=None) -> Select:
    """The ids of the events the figures are about: `visible` narrows them to a user's events
    (events.access.visible_events); drafts and cancelled events never count."""
    query = select(Event.id).where(Event.status.not_in((EventStatus.CANCELLED, EventStatus.DRAFT)))
    if filters.start:
        query = query.where(Event.starts_at >= rome_datetime(filters.start, time(0)))
    if filters.end:
        query = query.where(Event.starts_at < rome_datetime(filters.end + timedelta(days=1), time(0)))
    if filters.type_id:
        query = query.where(Event.type_id == filters.type_id)
    if filters.series_id:
        query = query.where(Event.series_id == filters.series_id)
    if filters.event_id:
        query = query.where(Event.id == filters.event_id)
    if filters.held_by:
        query = query.where(Event.status == EventStatus.PUBLISHED, Event.starts_at <= filters.held_by)
    return visible(query) if visible is not None else query


# -- the figures ------------------------------------------------------------------------------------


@dataclass
class ComuneFigures:
    comune: Comune
    people: int = 0
    registrations: int = 0
    attendances: int = 0
    minutes: int = 0
    events: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class GroupFigures:
    """A province or a size class: comuni reached against how many there are."""

    key: str
    reached: int
    total: int

    @property
    def share(self) -> float:
        return round(100 * self.reached / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class MonthFigures:
    month: str  # "2026-03"
    comuni: int
    registrations: int
    #: None while the month has not ended: its presences are not all recorded yet, and 0 would
    #: read as nobody came.
    attendances: int | None


@dataclass(frozen=True)
class CountryFigures:
    """Bodies abroad of one country: its ISO code when recognised, else the text typed."""

    country: str
    people: int
    registrations: int


@dataclass
class Participation:
    per_comune: list[ComuneFigures]
    provinces: list[GroupFigures]
    sizes: list[GroupFigures]
    months: list[MonthFigures]
    people: int = 0
    registrations: int = 0
    attendances: int = 0
    minutes: int = 0
    #: Confirmed registrations whose ente is not a known comune (other bodies, or not yet resolved).
    registrations_elsewhere: int = 0
    #: Their attendances, so that the monthly table's columns add up to the totals.
    attendances_elsewhere: int = 0
    reached_codes: set[str] = field(default_factory=set)
    abroad: list[CountryFigures] = field(default_factory=list)

    @property
    def piedmont(self) -> list[ComuneFigures]:
        return [f for f in self.per_comune if f.comune.in_piedmont]

    @property
    def outside_piedmont(self) -> list[ComuneFigures]:
        return [f for f in self.per_comune if not f.comune.in_piedmont]

    @property
    def reached(self) -> int:
        return len(self.piedmont)

    @property
    def total(self) -> int:
        return len(comuni.piedmont())

    @property
    def share(self) -> float:
        return round(100 * self.reached / self.total, 1)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    def most_active(self, how_many: int = 10) -> list[ComuneFigures]:
        return sorted(
            self.per_comune, key=lambda f: (-f.attendances, -f.registrations, -f.people, comuni.sort_key(f.comune))
        )[:how_many]

    def never_reached(self, province: str | None = None, size: str | None = None) -> list[Comune]:
        return [
            c
            for c in comuni.piedmont()
            if c.code not in self.reached_codes
            and (province is None or c.sigla == province)
            and (size is None or c.size_class == size)
        ]

    def figures_of(self, code: str) -> ComuneFigures | None:
        return next((f for f in self.per_comune if f.comune.code == code), None)


def _month(moment: datetime) -> str:
    return moment.astimezone(ROME).strftime("%Y-%m")


def _months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` ("2026-10", "2026-11", "2026-12"), so that a month
    without activity shows as 0 instead of vanishing from the trend."""
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _attended_minutes(registration_ids: list[int]) -> dict[int, int]:
    """The registrations with at least one presence, each with its minutes of training: at a
    course (a type with lessons) a partial presence its minutes, a whole one the lesson's; at any
    other event (a meeting, an exhibition) 0, since being there is no training."""
    if not registration_ids:
        return {}
    rows = db.session.execute(
        select(Attendance.registration_id, Attendance.minutes, EventSession, Event, EventType.has_lessons)
        .join(Registration, Registration.id == Attendance.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .join(EventType, EventType.id == Event.type_id)
        .outerjoin(EventSession, EventSession.id == Attendance.session_id)
        .where(Attendance.registration_id.in_(registration_ids))
    ).all()
    minutes: dict[int, int] = defaultdict(int)
    for registration_id, partial, session, event, training in rows:
        if not training:
            minutes[registration_id] += 0
            continue
        minutes[registration_id] += partial if partial is not None else Slot(event, session).minutes
    return minutes


def participation(filters: Filters, visible=None, now: datetime | None = None) -> Participation:
    """The figures for the events `filters` and `visible` select; the monthly trend covers the
    period asked for (else the months from the first to the last with activity), every month."""
    events = events_query(filters, visible)
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.email,
            Registration.comune_istat,
            Registration.event_id,
            Registration.ente_tipo,
            Registration.ente_country,
            Event.starts_at,
        )
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.event_id.in_(events), Registration.status == RegistrationStatus.CONFIRMED)
    ).all()
    minutes = _attended_minutes([row.id for row in rows])
    figures: dict[str, ComuneFigures] = {}
    people: dict[str, set[str]] = defaultdict(set)
    events_of: dict[str, set[int]] = defaultdict(set)
    months: dict[str, dict] = defaultdict(lambda: {"comuni": set(), "registrations": 0, "attendances": 0})
    everyone: set[str] = set()
    abroad: dict[str, list] = defaultdict(lambda: [set(), 0])
    result = Participation([], [], [], [])
    for row in rows:
        if row.ente_tipo == EnteKind.ESTERO:
            country = abroad[row.ente_country or ""]
            country[0].add(row.email.lower())
            country[1] += 1
        comune = comuni.by_code(row.comune_istat)
        result.registrations += 1
        everyone.add(row.email.lower())
        attended = row.id in minutes
        result.attendances += attended
        result.minutes += minutes.get(row.id, 0)
        if comune is None:
            result.registrations_elsewhere += 1
            result.attendances_elsewhere += attended
            continue
        item = figures.setdefault(comune.code, ComuneFigures(comune))
        item.registrations += 1
        item.attendances += attended
        item.minutes += minutes.get(row.id, 0)
        people[comune.code].add(row.email.lower())
        events_of[comune.code].add(row.event_id)
        month = months[_month(row.starts_at)]
        month["comuni"].add(comune.code)
        month["registrations"] += 1
        month["attendances"] += attended
    for code, item in figures.items():
        item.people = len(people[code])
        item.events = len(events_of[code])
    result.people = len(everyone)
    result.per_comune = sorted(figures.values(), key=lambda f: comuni.sort_key(f.comune))
    result.reached_codes = {f.comune.code for f in result.piedmont}
    result.provinces = _groups(result.reached_codes, lambda c: c.sigla, list(comuni.PROVINCES))
    result.sizes = _groups(result.reached_codes, lambda c: c.size_class, [s.key for s in comuni.SIZE_CLASSES])
    result.months = _trend(months, filters, now or utcnow())
    result.abroad = sorted(
        (CountryFigures(country, len(emails), n) for country, (emails, n) in abroad.items()),
        key=lambda c: (-c.registrations, c.country),
    )
    return result


def _trend(months: dict[str, dict], filters: Filters, now: datetime) -> list[MonthFigures]:
    first = [f"{filters.start:%Y-%m}"] if filters.start else []
    last = [f"{filters.end:%Y-%m}"] if filters.end else []
    if not months and not (first and last):
        return []
    current = _month(now)
    empty = {"comuni": (), "registrations": 0, "attendances": 0}
    return [
        MonthFigures(
            month,
            len(months.get(month, empty)["comuni"]),
            months.get(month, empty)["registrations"],
            months.get(month, empty)["attendances"] if month < current else None,
        )
        for month in _months_between(min(first or months), max(last or months))
    ]


def _groups(reached: set[str], key, keys: list[str]) -> list[GroupFigures]:
    totals: dict[str, int] = defaultdict(int)
    hits: dict[str, int] = defaultdict(int)
    for comune in comuni.piedmont():
        totals[key(comune)] += 1
        hits[key(comune)] += comune.code in reached
    return [GroupFigures(k, hits[k], totals[k]) for k in keys]


# -- one comune -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComuneEvent:
    event: Event
    registrations: list[Registration]
    minutes: int


@dataclass
class ComuneHistory:
    comune: Comune
    events: list[ComuneEvent]
    #: {year: minutes} of training attended.
    minutes_by_year: dict[int, int]

    @property
    def hours_by_year(self) -> list[tuple[int, float]]:
        return [(year, round(m / 60, 1)) for year, m in sorted(self.minutes_by_year.items())]


def comune_history(code: str, visible=None) -> ComuneHistory | None:
    """What one comune's people took part in, among the events `visible` selects."""
    comune = comuni.by_code(code)
    if comune is None:
        return None
    events = events_query(Filters(), visible)
    registrations = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.comune_istat == comune.code,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.event_id.in_(events),
        )
        .order_by(Event.starts_at.desc(), Registration.last_name, Registration.first_name)
    ).all()
    minutes = _attended_minutes([r.id for r in registrations])
    by_event: dict[int, list[Registration]] = {}
    for registration in registrations:
        by_event.setdefault(registration.event_id, []).append(registration)
    items, by_year = [], defaultdict(int)
    for people in by_event.values():
        event = people[0].event
        spent = sum(minutes.get(r.id, 0) for r in people)
        items.append(ComuneEvent(event, people, spent))
        by_year[event.starts_at.astimezone(ROME).year] += spent
    return ComuneHistory(comune, items, dict(by_year))


# -- the comuni still to resolve --------------------------------------------------------------------


@dataclass(frozen=True)
class Unresolved:
    """Registrations whose ente is free text nobody has told apart yet, grouped by that text."""

    organization: str
    count: int
    suggestion: Comune | None


def unresolved(visible=None, limit: int = 200) -> list[Unresolved]:
    events = events_query(Filters(), visible)
    rows = db.session.execute(
        select(Registration.organization, func.count())
        .where(Registration.ente_tipo.is_(None), Registration.event_id.in_(events))
        .group_by(Registration.organization)
        .order_by(func.count().desc(), Registration.organization)
        .limit(limit)
    ).all()
    return [Unresolved(text, count, comuni.match_free_text(text)) for text, count in rows]


def unresolved_registrations(organization: str, visible=None) -> list[Registration]:
    events = events_query(Filters(), visible)
    return list(
        db.session.scalars(
            select(Registration).where(
                Registration.ente_tipo.is_(None),
                Registration.organization == organization,
                Registration.event_id.in_(events),
            )
        )
    )


# -- open data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenDataRow:
    year: int
    comune: Comune
    events: int

    @property
    def shown(self) -> str:
        """The count as published: below SMALL_COUNT only "< 3"."""
        return str(self.events) if self.events >= SMALL_COUNT else f"< {SMALL_COUNT}"


def open_data(year: int | None = None, now: datetime | None = None) -> list[OpenDataRow]:
    """Per comune and year, the published events its representatives attended (a confirmed
    registration to an event that has taken place): aggregates only, never a name."""
    query = (
        select(Registration.comune_istat, Event.id, Event.starts_at)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.comune_istat.is_not(None),
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at <= (now or utcnow()),
        )
    )
    if year is not None:
        query = query.where(
            Event.starts_at >= rome_datetime(date(year, 1, 1), time(0)),
            Event.starts_at < rome_datetime(date(year + 1, 1, 1), time(0)),
        )
    seen: dict[tuple[int, str], set[int]] = defaultdict(set)
    for code, event_id, starts_at in db.session.execute(query):
        comune = comuni.by_code(code)
        if comune is not None:
            seen[(starts_at.astimezone(ROME).year, comune.code)].add(event_id)
    rows = [OpenDataRow(year, comuni.by_code(code), len(ids)) for (year, code), ids in seen.items()]
    return sorted(rows, key=lambda r: (-r.year, comuni.sort_key(r.comune)))


# -- the annual report ------------------------------------------------------------------------------


@dataclass
class Report:
    """A year's activity as of `as_of`: every figure is about the events held by then (published
    and begun); drafts, cancelled events and events still to come are not in them."""

    year: int
    as_of: datetime
    events: int
    #: Published events of the year that had not begun at `as_of`: told apart, not counted.
    upcoming: int
    #: Events of the year postponed to a date still to be set: told apart, not counted.
    postponed: int
    by_type: list[tuple[str, int]]
    by_series: list[tuple[str, int]]
    participation: Participation
    partners: list[str]
    speakers: list[str]
    certificates: int
    feedback_average: float | None
    feedback_count: int

    @property
    def small_reached(self) -> GroupFigures:
        return next(g for g in self.participation.sizes if g.key == comuni.SMALL)

    @property
    def empty(self) -> bool:
        return self.events == 0


def report(year: int, visible=None, now: datetime | None = None) -> Report:
    now = now or utcnow()
    filters = Filters.year(year, held_by=now)
    events = events_query(filters, visible)
    in_year = events_query(Filters.year(year), visible)
    upcoming = db.session.scalar(
        select(func.count()).where(Event.id.in_(in_year), Event.status == EventStatus.PUBLISHED, Event.starts_at > now)
    )
    postponed = db.session.scalar(
        select(func.count()).where(Event.id.in_(in_year), Event.status == EventStatus.POSTPONED)
    )
    by_type = db.session.execute(
        select(EventType.label, func.count(Event.id))
        .join(Event, Event.type_id == EventType.id)
        .where(Event.id.in_(events))
        .group_by(EventType.label, EventType.position)
        .order_by(EventType.position, EventType.label)
    ).all()
    by_series = db.session.execute(
        select(Series.title, func.count(Event.id))
        .join(Event, Event.series_id == Series.id)
        .where(Event.id.in_(events))
        .group_by(Series.title)
        .order_by(Series.title)
    ).all()
    partners = db.session.scalars(
        select(EventOrganization.organization_id).where(EventOrganization.event_id.in_(events)).distinct()
    ).all()
    partner_names = sorted(
        db.session.scalars(select(Organization.name).where(Organization.id.in_(partners))).all(), key=str.casefold
    )
    speakers = db.session.scalars(
        select(Speaker.name)
        .join(session_speakers_table, session_speakers_table.c.speaker_id == Speaker.id)
        .join(EventSession, EventSession.id == session_speakers_table.c.session_id)
        .where(EventSession.event_id.in_(events))
        .distinct()
    ).all()
    certificates = db.session.scalar(
        select(func.count(Certificate.id)).where(Certificate.event_id.in_(events), Certificate.revoked_at.is_(None))
    )
    average, count = db.session.execute(
        select(func.avg(Feedback.rating), func.count(Feedback.id)).where(Feedback.event_id.in_(events))
    ).one()
    return Report(
        year=year,
        as_of=now,
        events=sum(n for _label, n in by_type),
        upcoming=upcoming or 0,
        postponed=postponed or 0,
        by_type=[(label, n) for label, n in by_type],
        by_series=[(title, n) for title, n in by_series],
        participation=participation(filters, visible),
        partners=partner_names,
        speakers=sorted(speakers, key=str.casefold),
        certificates=certificates or 0,
        feedback_average=round(float(average), 1) if average is not None else None,
        feedback_count=count or 0,
    )
