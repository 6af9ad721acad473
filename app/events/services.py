"""Business rules of the events domain. Views call these; these own the transactions."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, exists, func, inspect, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app import dataversion, search
from app.events import signals
from app.events.models import (
    PUBLIC_STATUSES,
    AttendanceMode,
    Event,
    EventOrganization,
    EventSession,
    EventStatus,
    EventType,
    Material,
    Organization,
    OrganizationRole,
    Series,
    Speaker,
    Theme,
    Venue,
)
from app.extensions import db
from app.formatting import event_when
from app.i18n import CONTENT_LANGUAGES, fallback_language, gettext, localized, ngettext
from app.i18n import lazy_gettext as _l
from app.inputs import MAX_YEAR, MIN_YEAR
from app.locks import take_sqlite_write_lock
from app.text import sanitize_html, slugify
from app.timeutil import ROME, month_bounds, utcnow
from app.transaction import committed


class EventError(Exception):
    """A rule of the events domain refused the change; the message is for the user, and `field`
    names the form field it is about, when there is one."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# -- reading ---------------------------------------------------------------------------


@dataclass
class EventFilters:
    """The public list filters; the same names serve the HTML list and the JSON API."""

    type: str | None = None
    series: str | None = None
    theme: str | None = None
    month: str | None = None  # "YYYY-MM"
    comune: str | None = None
    q: str | None = None

    def month_range(self) -> tuple[datetime, datetime] | None:
        """The month filter as UTC bounds, or None when absent or malformed (the same bounds as
        app.inputs.month_arg, which reads it from the query string)."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", self.month or "")
        if not match:
            return None
        year, month = int(match[1]), int(match[2])
        if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
            return None
        return month_bounds(year, month)

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def public_events_query(filters: EventFilters | None = None, *, when: str = "upcoming") -> Select:
    """Public events matching filters, in the lists' order. when: 'upcoming' (not ended),
    'past', or 'all'."""
    query = _matching_events(filters or EventFilters(), when)
    # Lists show series labels (joined: one row each, and no second query whether or not a
    # series is there), and the archive shows materials: loaded in bulk, never per row.
    query = query.order_by(*_list_order(when, Event.starts_at, Event.id)).options(joinedload(Event.series))
    if when == "past":
        query = query.options(selectinload(Event.materials))
    return query


def _list_order(when: str, starts_at, event_id) -> tuple:
    """Past events latest first, the others soonest first; by id among events at one time."""
    return (starts_at.desc() if when == "past" else starts_at.asc(), event_id)


def _matching_events(filters: EventFilters, when: str) -> Select:
    """select(Event) with the filters' conditions, unordered."""
    now = utcnow()
    query = select(Event).where(Event.status.in_(PUBLIC_STATUSES))
    month = filters.month_range()
    if month:
        start, end = month
        query = query.where(Event.starts_at < end, Event.ends_at > start)
    elif when == "upcoming":
        query = query.where(Event.ends_at > now)
    if when == "past":
        query = query.where(Event.ends_at <= now)
    if filters.type:
        query = query.join(Event.type).where(EventType.slug == filters.type)
    if filters.series:
        query = query.where(Event.series.has(Series.slug == filters.series))
    if filters.theme:
        query = query.where(Event.themes.any(Theme.slug == filters.theme))
    if filters.comune:
        query = query.where(Event.venue.has(func.lower(Venue.comune) == filters.comune.lower()))
    if filters.q:
        # "attivita" finds "Attività": both sides folded the same way (app/search.py).
        needle = search.like_pattern(search.fold(filters.q))
        org_match = exists().where(
            EventOrganization.event_id == Event.id,
            EventOrganization.organization_id == Organization.id,
            or_(search.folded(Organization.name).like(needle, escape=search.LIKE_ESCAPE), search.folded(Organization.acronym).like(needle, escape=search.LIKE_ESCAPE)),
        )
        query = query.where(
            or_(
                search.folded(Event.title).like(needle, escape=search.LIKE_ESCAPE),
                search.folded(Event.summary).like(needle, escape=search.LIKE_ESCAPE),
                search.folded(Event.description_html).like(needle, escape=search.LIKE_ESCAPE),
                # The title and summary written in English or French find the event too.
                *(
                    search.folded(Event.translations[(language, field)].as_string()).like(needle, escape=search.LIKE_ESCAPE)
                    for language in CONTENT_LANGUAGES
                    for field in ("title", "summary")
                ),
                Event.venue.has(
                    or_(
                        search.folded(Venue.comune).like(needle, escape=search.LIKE_ESCAPE),
                        search.folded(Venue.name).like(needle, escape=search.LIKE_ESCAPE),
                    )
                ),
                org_match,
            )
        )
    return query


def _programme():
    """Loader options for everything an event page shows (sessions with speakers and venues,
    materials, themes, organizations): one query per collection, never one per row."""
    sessions = selectinload(Event.sessions)
    return (
        sessions.selectinload(EventSession.speakers).selectinload(Speaker.organization),
        sessions.selectinload(EventSession.venue),
        selectinload(Event.materials),
        selectinload(Event.themes),
        selectinload(Event.organization_links).joinedload(EventOrganization.organization),
    )


def get_public_event(slug: str, *, programme: bool = False) -> Event | None:
    """A published (or postponed, or cancelled) event by its address; with `programme`,
    everything its page shows loaded with it."""
    query = select(Event).where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
    return db.session.scalar(query.options(*_programme()) if programme else query)


def public_event_id(slug: str) -> int | None:
    """The id of the public event at this address, from a map of them all worked out once per
    content version (dataversion.memoized): what the page cache needs to read its seat version."""
    return dataversion.memoized("public_event_ids", _public_event_ids).get(slug)


def _public_event_ids() -> dict[str, int]:
    rows = db.session.execute(select(Event.slug, Event.id).where(Event.status.in_(PUBLIC_STATUSES)))
    return {slug: event_id for slug, event_id in rows}


def load_programme(event: Event) -> Event:
    """Everything an event page shows, for an event already loaded without it."""
    return db.session.scalars(
        select(Event).where(Event.id == event.id).options(*_programme()).execution_options(populate_existing=True)
    ).one()


#: Statuses that count in a series' numbering: drafts are not known yet, a cancelled
#: meeting never took place, so the next one keeps its number.
NUMBERED_STATUSES = (EventStatus.PUBLISHED, EventStatus.POSTPONED)


def _all_series_numbers() -> dict[int, int]:
    rank = func.row_number().over(partition_by=Event.series_id, order_by=(Event.starts_at, Event.id))
    rows = db.session.execute(
        select(Event.id, rank).where(Event.series_id.is_not(None), Event.status.in_(NUMBERED_STATUSES))
    )
    return {event_id: number for event_id, number in rows}


def series_numbers(events: list[Event]) -> dict[int, int]:
    """Position of each event within its series ({event id: 1, 2, …}), by date order: the
    numbering of every series, worked out once per content version (dataversion.memoized)."""
    if not any(e.series_id and e.status in NUMBERED_STATUSES for e in events):
        return {}
    numbers = dataversion.memoized("series_numbers", _all_series_numbers)
    return {e.id: numbers[e.id] for e in events if e.id in numbers}


def series_label(event: Event, number: int | None) -> str | None:
    """'2° incontro' for an event of a series ('rencontre n° 2', 'meeting no. 2'), or None. The
    series' word for its appointments in the page's language; where none was written there,
    the event type's name in that language, else a general word: never the Italian word in a
    French phrase."""
    if event.series is None or number is None:
        return None
    if not fallback_language(event.series, "item_label"):
        label = localized(event.series, "item_label")
    elif not fallback_language(event.type, "label"):
        label = localized(event.type, "label").lower()
    else:
        label = gettext("appuntamento")
    return gettext("%(number)s° %(label)s", number=number, label=label)


def event_types() -> list[EventType]:
    """The types in the order organizers gave them."""
    return list(db.session.scalars(select(EventType).order_by(EventType.position, EventType.label)))


def upcoming_by_type(limit_per_type: int = 3) -> list[tuple[EventType, list[Event]]]:
    """For the home page: the next few events of each type that will take place (a cancelled one
    stays in the lists with its reason, but must not push an open event off the home page).
    One query for every type (ranked within each), not one per type."""
    rank = func.row_number().over(partition_by=Event.type_id, order_by=(Event.starts_at, Event.id))
    ranked = (
        select(Event.id.label("id"), rank.label("rank"))
        .where(Event.status.in_(PUBLIC_STATUSES), Event.status != EventStatus.CANCELLED, Event.ends_at > utcnow())
        .subquery()
    )
    events = db.session.scalars(
        select(Event)
        .join(ranked, ranked.c.id == Event.id)
        .where(ranked.c.rank <= limit_per_type)
        .order_by(Event.starts_at, Event.id)
        .options(joinedload(Event.series))
    ).all()
    by_type: dict[int, list[Event]] = {}
    for event in events:
        by_type.setdefault(event.type_id, []).append(event)
    return [(event_type, by_type[event_type.id]) for event_type in event_types() if event_type.id in by_type]


def comuni_with_events() -> list[str]:
    return list(
        db.session.scalars(
            select(Venue.comune)
            .join(Event, Event.venue_id == Venue.id)
            .where(Venue.comune.is_not(None), Event.status.in_(PUBLIC_STATUSES))
            .distinct()
            .order_by(Venue.comune)
        )
    )


@dataclass(frozen=True)
class Choice:
    """One option of the list filters, detached from any session: `label` in Italian and its
    translations as the models keep them, for the `localized` filter."""

    slug: str
    label: str
    translations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FilterChoices:
    types: tuple[Choice, ...]
    series: tuple[Choice, ...]
    themes: tuple[Choice, ...]
    comuni: tuple[str, ...]


def _relabelled(translations: dict | None, field_name: str) -> dict:
    return {
        language: {"label": fields[field_name]}
        for language, fields in (translations or {}).items()
        if isinstance(fields, dict) and field_name in fields
    }


def _filter_choices() -> FilterChoices:
    # Columns, not entities: rows the session already holds (a page's joined series) would come
    # back as they were read then, older than the version this is kept under.
    types = db.session.execute(
        select(EventType.slug, EventType.label, EventType.translations).order_by(EventType.position, EventType.label)
    )
    series = db.session.execute(select(Series.slug, Series.title, Series.translations).order_by(Series.title))
    themes = db.session.execute(select(Theme.slug, Theme.name, Theme.translations).order_by(Theme.name))
    return FilterChoices(
        types=tuple(Choice(slug, label, _relabelled(translations, "label")) for slug, label, translations in types),
        series=tuple(Choice(slug, title, _relabelled(translations, "title")) for slug, title, translations in series),
        themes=tuple(Choice(slug, name, _relabelled(translations, "name")) for slug, name, translations in themes),
        comuni=tuple(comuni_with_events()),
    )


def filter_choices() -> FilterChoices:
    """What the public list filters offer (types, series, themes, comuni with events): the
    same for every page until something published changes, so worked out once per content
    version (dataversion.memoized)."""
    return dataversion.memoized("filter_choices", _filter_choices)


class _CountedPagination(SelectPagination):
    """A page of events and their total in one statement, where Flask-SQLAlchemy asks the
    count with a second one; a page past the last, which has no row to carry the total, still
    counts apart.

    The matching events' ids and start times are gathered first, as a materialised CTE: the
    planner, seeing a LIMIT, would otherwise walk the index of start times from the oldest
    event to find the upcoming ones, a walk that grows with the archive. The page and the
    total (count(*) over all of them, before LIMIT) are taken from those narrow rows, and
    only the page's events are then read in full with their type, series and place."""

    _total: int | None = None

    def _query_items(self) -> list:
        when = self._query_args["when"]
        matching = (
            _matching_events(self._query_args["filters"], when)
            .with_only_columns(Event.id, Event.starts_at)
            .cte("matching")
            .prefix_with("MATERIALIZED")
        )
        page = (
            select(matching.c.id, func.count().over().label("total"))
            .order_by(*_list_order(when, matching.c.starts_at, matching.c.id))
            .limit(self.per_page)
            .offset(self._query_offset)
            .subquery()
        )
        query = self._query_args["select"].join(page, Event.id == page.c.id).add_columns(page.c.total)
        rows = self._query_args["session"].execute(query).all()
        if rows:
            self._total = rows[0][1]
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        return self._total if self._total is not None else super()._query_count()


def paginate_events(
    filters: EventFilters | None = None, *, when: str = "upcoming", page: int, per_page: int
) -> SelectPagination:
    """A page of public events (public_events_query's), with their total."""
    filters = filters or EventFilters()
    return _CountedPagination(
        select=public_events_query(filters, when=when),
        filters=filters,
        when=when,
        session=db.session(),
        page=page,
        per_page=per_page,
        error_out=False,
        count=True,
    )


def events_in_range(start: datetime, end: datetime) -> list[Event]:
    """Public events overlapping [start, end), for the month view."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.status.in_(PUBLIC_STATUSES), Event.starts_at < end, Event.ends_at > start)
            .order_by(Event.starts_at, Event.id)
            # The month grid places each lesson of a course on its day.
            .options(selectinload(Event.sessions))
        )
    )


# -- writing ---------------------------------------------------------------------------

#: Translated attributes that hold HTML: sanitised exactly as their Italian column.
_HTML_ATTRIBUTES = {"description_html"}


def clean_translations(typed: dict | None, attributes: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """What an organizer wrote in the other languages, as stored in a `translations` column:
    trimmed like the Italian fields, HTML sanitised like the Italian description, and empty
    texts dropped, so a language without text falls back to Italian (app.i18n.localized)."""
    cleaned: dict[str, dict[str, str]] = {}
    for language in CONTENT_LANGUAGES:
        texts = (typed or {}).get(language) or {}
        for attribute in attributes:
            value = texts.get(attribute)
            if not isinstance(value, str):
                continue
            value = sanitize_html(value) if attribute in _HTML_ATTRIBUTES else value.strip()
            if value:
                cleaned.setdefault(language, {})[attribute] = value
    return cleaned


@dataclass
class EventInput:
    """Everything an organizer sets on an event, already validated by the form."""

    title: str
    type_id: int
    starts_at: datetime
    ends_at: datetime
    all_day: bool = False
    slug: str | None = None
    series_id: int | None = None
    summary: str | None = None
    description: str | None = None
    opening_hours: str | None = None
    attendance_mode: str = AttendanceMode.IN_PERSON
    venue_id: int | None = None
    online_url: str | None = None
    #: False: the link reaches confirmed participants only (see Event.online_url_public).
    online_url_public: bool = False
    capacity: int | None = None
    registration_required: bool = True
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    registration_moderated: bool = False
    #: None: the type's reminders; "nessuno": none; else offsets such as "7g, 1g".
    reminder_offsets: str | None = None
    theme_names: list[str] = field(default_factory=list)
    organizer_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    #: The content in English and French: {"en": {"title": …, "summary": …, "description_html": …}}.
    translations: dict = field(default_factory=dict)


#: Further ahead than this, a date is more likely a mistyped year than a plan.
FAR_AHEAD = timedelta(days=2 * 366)


def _check_event_input(data: EventInput, event: Event | None = None) -> list[str]:
    """Refuse what cannot be right (EventError naming the form field), and return warnings
    about what is unusual but possible, for the organizer to read once it is saved. `event` is
    the event as stored, when it is being edited."""
    if data.ends_at <= data.starts_at:
        raise EventError(_l("La fine deve essere successiva all'inizio."), field="end_date")
    if data.attendance_mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID) and not data.online_url:
        raise EventError(_l("Per un evento online o ibrido serve il link per collegarsi."), field="online_url")
    if data.attendance_mode in (AttendanceMode.IN_PERSON, AttendanceMode.HYBRID) and not data.venue_id:
        raise EventError(_l("Per un evento in presenza o ibrido serve il luogo."), field="venue_id")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise EventError(_l("La chiusura delle iscrizioni deve seguire l'apertura."), field="registration_closes_at")
    if opens and opens >= data.starts_at:
        raise EventError(
            _l("Le iscrizioni devono aprirsi prima dell'inizio dell'evento."), field="registration_opens_at"
        )
    if closes and closes > data.ends_at:
        raise EventError(
            _l("Le iscrizioni devono chiudersi entro la fine dell'evento."), field="registration_closes_at"
        )

    warnings = []
    now = utcnow()
    moved = event is None or (data.starts_at, data.ends_at) != (event.starts_at, event.ends_at)
    if moved and data.starts_at < now:
        warnings.append(gettext("La data di inizio è già passata: controlli che sia giusta."))
    if moved and data.starts_at > now + FAR_AHEAD:
        warnings.append(gettext("L'evento è tra più di due anni: controlli l'anno."))
    window_changed = event is None or moved or closes != event.registration_closes_at
    if window_changed and closes and closes > data.starts_at:
        warnings.append(gettext("Le iscrizioni restano aperte dopo l'inizio dell'evento."))
    if event is not None and moved:
        outside = [
            s for s in event.sessions if not _within_period(s.starts_at, s.ends_at, data.starts_at, data.ends_at)
        ]
        if outside:
            warnings.append(
                ngettext(
                    "%(num)d voce del programma resta fuori dal nuovo periodo: la sposti o la elimini.",
                    "%(num)d voci del programma restano fuori dal nuovo periodo: le sposti o le elimini.",
                    len(outside),
                )
            )
    return warnings


def review_event(data: EventInput, event: Event | None = None) -> list[str]:
    """Before saving: raises EventError for what would be refused, returns the warnings about
    what is unusual (a date already past, registrations open after the start…)."""
    return _check_event_input(data, event)


def unique_slug(base: str, *, exclude_id: int | None = None) -> str:
    base = slugify(base)
    candidate, n = base, 2
    while True:
        query = select(Event.id).where(Event.slug == candidate)
        if exclude_id is not None:
            query = query.where(Event.id != exclude_id)
        if db.session.scalar(query) is None:
            return candidate
        candidate, n = f"{base}-{n}", n + 1


def themes_by_name(names: list[str]) -> list[Theme]:
    """Existing themes by slug, creating the missing ones."""
    themes: dict[str, Theme] = {}
    for name in names:
        name = name.strip()
        if not name:
            continue
        slug = slugify(name, 80)
        if slug in themes:
            continue
        theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
        if theme is None:
            theme = Theme(slug=slug, name=name[:80])
            db.session.add(theme)
        themes[slug] = theme
    return list(themes.values())


def _snapshot(event: Event) -> SimpleNamespace:
    """When and where an event was, before a change: what participants knew, for messages
    that say "it was…". Shaped like an event for the date formatting (formatting.event_when)."""
    return SimpleNamespace(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        all_day=event.all_day,
        first_day=event.first_day,
        last_day=event.last_day,
        is_multi_day=event.is_multi_day,
        place=event.venue.full_address if event.has_venue and event.venue else None,
    )


def _schedule_signature(event: Event) -> tuple:
    return (event.starts_at, event.ends_at, event.all_day, event.venue_id, event.online_url, event.status)


def _related(model, key: int | None):
    """The row an id names, so the event's relationships (not only its columns) say what was
    saved: whatever renders the event next in this transaction, such as the "Evento modificato"
    email, reads the new place, not the one loaded before the change."""
    return db.session.get(model, key) if key is not None else None


def _apply(event: Event, data: EventInput) -> None:
    event.title = data.title.strip()
    event.type = _related(EventType, data.type_id)
    event.series = _related(Series, data.series_id)
    event.summary = (data.summary or "").strip() or None
    event.description_html = sanitize_html(data.description)
    event.translations = clean_translations(data.translations, ("title", "summary", "description_html"))
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.all_day = data.all_day
    event.opening_hours = (data.opening_hours or "").strip() or None
    event.attendance_mode = data.attendance_mode
    event.venue = _related(Venue, data.venue_id if data.attendance_mode != AttendanceMode.ONLINE else None)
    event.online_url = data.online_url if data.attendance_mode != AttendanceMode.IN_PERSON else None
    event.online_url_public = data.online_url_public
    event.capacity = data.capacity
    event.registration_required = data.registration_required
    event.registration_opens_at = data.registration_opens_at
    event.registration_closes_at = data.registration_closes_at
    event.registration_moderated = data.registration_moderated
    event.reminder_offsets = (data.reminder_offsets or "").strip() or None
    event.themes = themes_by_name(data.theme_names)
    links = [
        EventOrganization(organization_id=i, role=OrganizationRole.ORGANIZER) for i in dict.fromkeys(data.organizer_ids)
    ]
    links += [
        EventOrganization(organization_id=i, role=OrganizationRole.PARTNER) for i in dict.fromkeys(data.partner_ids)
    ]
    event.organization_links = links


def create_event(data: EventInput) -> Event:
    _check_event_input(data)
    with committed():
        event = Event(status=EventStatus.DRAFT, sequence=0)
        event.slug = unique_slug(data.slug or data.title)
        db.session.add(event)  # before _apply: the series it joins lists it
        with db.session.no_autoflush:  # half-filled until _apply ends
            _apply(event, data)
    return event


def lock_event(event_id: int) -> Event | None:
    """Lock the event row for the rest of the transaction and return it freshly loaded: every
    change that can move a seat takes it first, so two requests never both take the last seat.
    SELECT … FOR UPDATE on PostgreSQL; on SQLite a write, which takes the database's write lock."""
    take_sqlite_write_lock(Event)
    return db.session.scalar(
        select(Event).where(Event.id == event_id).with_for_update(of=Event).execution_options(populate_existing=True)
    )


def update_event(event: Event, data: EventInput) -> Event:
    """Save the organizer's changes. A change of capacity takes the registrations lock: more
    seats go at once to the waiting list, and fewer than those already confirmed is refused."""
    _check_event_input(data)
    with committed():
        capacity_changed = data.capacity != event.capacity
        before_capacity = event.capacity
        if capacity_changed:
            event = lock_event(event.id)
            if data.capacity is not None and data.capacity < event.confirmed_count:
                raise EventError(
                    _l(
                        "Ci sono già %(n)s iscritti confermati: la capienza non può scendere sotto questo numero.",
                        n=event.confirmed_count,
                    ),
                    field="capacity",
                )
        before = _schedule_signature(event)
        previous = _snapshot(event)
        if data.slug and data.slug != event.slug:
            event.slug = unique_slug(data.slug, exclude_id=event.id)
        _apply(event, data)
        db.session.flush()  # the id columns follow the relationships _apply set
        if capacity_changed and (event.capacity is None or event.capacity > (before_capacity or 0)):
            signals.capacity_raised.send(event)  # under the lock taken above
        if _schedule_signature(event) != before:
            event.sequence += 1
            # Participants hear of a new date, time or place in the same transaction that makes it.
            signals.event_rescheduled.send(event, previous=previous)
    return event


#: What each status change announces.
STATUS_SIGNALS = {
    EventStatus.PUBLISHED: signals.event_published,
    EventStatus.CANCELLED: signals.event_cancelled,
    EventStatus.POSTPONED: signals.event_postponed,
    EventStatus.DRAFT: signals.event_unpublished,
}


def _set_status(event: Event, status: EventStatus) -> None:
    """Change the status, bump SEQUENCE and announce it (callers set the reason or note first:
    the messages that follow quote it)."""
    if event.status == status:
        return
    previous = event.status
    event.status = status
    event.sequence += 1
    db.session.flush()
    STATUS_SIGNALS[status].send(event, previous=previous)


def publish_event(event: Event) -> Event:
    event.cancellation_reason = None
    event.cancelled_at = None
    event.postponement_note = None
    event.published_at = event.published_at or utcnow()
    _set_status(event, EventStatus.PUBLISHED)
    db.session.commit()
    return event


def unpublish_event(event: Event) -> Event:
    _set_status(event, EventStatus.DRAFT)
    db.session.commit()
    return event


def cancel_event(event: Event, reason: str) -> Event:
    reason = (reason or "").strip()
    if not reason:
        raise EventError(_l("Indichi il motivo dell'annullamento."))
    event.cancellation_reason = reason
    event.cancelled_at = event.cancelled_at or utcnow()
    _set_status(event, EventStatus.CANCELLED)
    db.session.commit()
    return event


def postpone_event(event: Event, note: str) -> Event:
    """Mark as postponed; the note tells what is known of the new date."""
    event.postponement_note = (note or "").strip() or None
    _set_status(event, EventStatus.POSTPONED)
    db.session.commit()
    return event


def venue_changed(venue: Venue) -> int:
    """After an edit of a venue: if its name or address changed, its coming events and lessons
    have a new place for calendars and participants. The caller commits. Returns the events told."""
    state = inspect(venue)
    if state.pending or not any(state.attrs[name].history.has_changes() for name in ("name", "address", "comune")):
        return 0
    now = utcnow()
    coming = (Event.ends_at > now, Event.status.in_(PUBLIC_STATUSES))
    moved = set(db.session.scalars(select(Event).where(Event.venue_id == venue.id, *coming)))
    for event in moved:
        event.sequence += 1
    sessions = db.session.scalars(
        select(EventSession)
        .join(EventSession.event)
        .where(EventSession.venue_id == venue.id, *coming)
        .options(contains_eager(EventSession.event))
    ).all()
    #: Events whose own place is unchanged, with the lessons held at this venue.
    lessons_moved: dict[Event, list[EventSession]] = {}
    for session in sessions:
        session.sequence += 1
        if session.event not in moved:
            lessons_moved.setdefault(session.event, []).append(session)
    told = 0
    for event in sorted(moved | set(lessons_moved), key=lambda e: e.id):
        results = signals.event_rescheduled.send(event, sessions=lessons_moved.get(event))
        if any(told_now for _receiver, told_now in results):
            told += 1
    return told


def duplicate_event(event: Event) -> Event:
    """A draft copy with the same programme, to prepare the next meeting of a cycle."""
    copy = Event(
        slug=unique_slug(f"{event.slug}-copia"),
        title=f"{event.title} (copia)"[:200],
        status=EventStatus.DRAFT,
        sequence=0,
    )
    for column in (
        "type_id",
        "series_id",
        "translations",
        "summary",
        "description_html",
        "starts_at",
        "ends_at",
        "all_day",
        "opening_hours",
        "attendance_mode",
        "venue_id",
        "online_url",
        "online_url_public",
        "capacity",
        "registration_required",
        "registration_opens_at",
        "registration_closes_at",
        "registration_moderated",
        "reminder_offsets",
    ):
        setattr(copy, column, getattr(event, column))
    copy.themes = list(event.themes)
    copy.organization_links = [
        EventOrganization(organization_id=link.organization_id, role=link.role) for link in event.organization_links
    ]
    copy.sessions = [
        EventSession(
            position=s.position,
            title=s.title,
            description=s.description,
            translations=s.translations,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            venue_id=s.venue_id,
            online_url=s.online_url,
            speakers=list(s.speakers),
        )
        for s in event.sessions
    ]
    db.session.add(copy)
    db.session.flush()
    signals.event_duplicated.send(event, copy=copy)
    db.session.commit()
    return copy


def delete_event(event: Event, upload_folder: str) -> None:
    """Only drafts may be deleted; published events are cancelled instead, so links stay valid."""
    if event.status != EventStatus.DRAFT:
        raise EventError(_l("Si possono eliminare solo le bozze: un evento pubblicato si annulla."))
    stored = [m.stored_name for m in event.materials if m.stored_name]
    db.session.delete(event)
    db.session.commit()
    for name in stored:
        (Path(upload_folder) / name).unlink(missing_ok=True)


# -- programme -------------------------------------------------------------------------


@dataclass
class SessionInput:
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    description: str | None = None
    venue_id: int | None = None
    online_url: str | None = None
    speaker_ids: list[int] = field(default_factory=list)
    online_only: bool = False
    #: The title and description in English and French: {"fr": {"title": …}}.
    translations: dict = field(default_factory=dict)


def _within_period(starts_at: datetime, ends_at: datetime | None, first: datetime, last: datetime) -> bool:
    return first <= starts_at < last and (ends_at is None or ends_at <= last)


def _check_session_input(data: SessionInput, event: Event, session: EventSession | None = None) -> list[str]:
    """Refuse a programme item outside its event's period (EventError naming the form field);
    return warnings about what is unusual, such as two items at the same time."""
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise EventError(_l("La fine deve essere successiva all'inizio."), field="end_time")
    if data.online_only and not (data.online_url or event.online_url):
        raise EventError(_l("Per una lezione solo online serve il link per collegarsi."), field="online_url")
    if not _within_period(data.starts_at, data.ends_at, event.starts_at, event.ends_at):
        day = data.starts_at.astimezone(ROME).date()
        if not event.first_day <= day <= event.last_day:
            where = "date"
        elif data.starts_at < event.starts_at or data.starts_at >= event.ends_at:
            where = "start_time"
        else:
            where = "end_time"
        raise EventError(
            _l(
                "Questa voce cade fuori dal periodo dell'evento (%(when)s): scelga data e orari in quel periodo "
                "o cambi prima le date dell'evento.",
                when=event_when(event),
            ),
            field=where,
        )
    warnings = []
    end = data.ends_at or data.starts_at
    for other in event.sessions:
        if other is session:
            continue
        other_end = other.ends_at or other.starts_at
        if other.starts_at == data.starts_at or (other.starts_at < end and data.starts_at < other_end):
            warnings.append(gettext("Si sovrappone a «%(title)s» del programma.", title=other.title))
            break
    return warnings


def review_session(data: SessionInput, event: Event, session: EventSession | None = None) -> list[str]:
    """Before saving a programme item: raises EventError for what would be refused, returns the
    warnings about what is unusual."""
    return _check_session_input(data, event, session)


def _apply_session(session: EventSession, data: SessionInput) -> None:
    session.title = data.title.strip()
    session.description = (data.description or "").strip() or None
    session.translations = clean_translations(data.translations, ("title", "description"))
    session.starts_at = data.starts_at
    session.ends_at = data.ends_at
    session.online_only = data.online_only
    session.venue = None if data.online_only else _related(Venue, data.venue_id)
    session.online_url = data.online_url or None
    session.speakers = list(
        db.session.scalars(select(Speaker).where(Speaker.id.in_(data.speaker_ids))) if data.speaker_ids else []
    )


def add_session(event: Event, data: SessionInput) -> EventSession:
    position = db.session.scalar(
        select(func.coalesce(func.max(EventSession.position) + 1, 0)).where(EventSession.event_id == event.id)
    )
    _check_session_input(data, event)
    with committed():
        session = EventSession(event_id=event.id, position=position)
        db.session.add(session)
        _apply_session(session, data)
    db.session.refresh(event)
    return session


def update_session(session: EventSession, data: SessionInput) -> EventSession:
    _check_session_input(data, session.event, session)
    with committed():
        before = (session.starts_at, session.ends_at, session.venue_id, session.online_url, session.online_only)
        _apply_session(session, data)
        db.session.flush()  # venue_id follows the venue _apply_session set
        if (session.starts_at, session.ends_at, session.venue_id, session.online_url, session.online_only) != before:
            session.sequence += 1
            if session.event.status != EventStatus.DRAFT:
                signals.event_rescheduled.send(session.event, sessions=[session])
    return session


def delete_session(session: EventSession) -> None:
    session.event.updated_at = utcnow()  # the agenda in the event's calendar entry changes
    db.session.delete(session)
    db.session.commit()


def move_session(session: EventSession, offset: int) -> None:
    """Swap a session with its neighbour (offset -1 = up, +1 = down)."""
    siblings = list(session.event.sessions)
    index = siblings.index(session)
    other_index = index + offset
    if not 0 <= other_index < len(siblings):
        return
    other = siblings[other_index]
    # Three steps through a free position, so the (event, position) unique constraint holds at every flush.
    a, b = session.position, other.position
    session.position = max(s.position for s in siblings) + 1
    db.session.flush()
    other.position = a
    db.session.flush()
    session.position = b
    session.event.updated_at = utcnow()
    db.session.commit()


# -- materials -------------------------------------------------------------------------

#: Extensions organizers may upload: documents, slides, sheets, images, archives.
MATERIAL_EXTENSIONS = {
    "pdf",
    "doc",
    "docx",
    "odt",
    "ppt",
    "pptx",
    "odp",
    "xls",
    "xlsx",
    "ods",
    "csv",
    "txt",
    "jpg",
    "jpeg",
    "png",
    "zip",
}


def add_material_link(event: Event, title: str, url: str, translations: dict | None = None) -> Material:
    material = Material(
        event=event,
        title=title.strip(),
        url=url.strip(),
        position=len(event.materials),
        translations=clean_translations(translations, ("title",)),
    )
    db.session.add(material)
    db.session.commit()
    return material


def add_material_file(
    event: Event, title: str, file_storage, upload_folder: str, translations: dict | None = None
) -> Material:
    original = Path(file_storage.filename or "").name
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if extension not in MATERIAL_EXTENSIONS:
        raise EventError(_l("Tipo di file non ammesso."))
    folder = Path(upload_folder)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    path = folder / stored_name
    file_storage.save(path)
    size = path.stat().st_size
    if size == 0:
        path.unlink()
        raise EventError(_l("Il file è vuoto."))
    material = Material(
        event=event,
        title=(title or original).strip()[:200],
        stored_name=stored_name,
        original_name=original[:200],
        content_type=file_storage.mimetype or "application/octet-stream",
        size_bytes=size,
        position=len(event.materials),
        translations=clean_translations(translations, ("title",)),
    )
    db.session.add(material)
    try:
        db.session.commit()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return material


def delete_material(material: Material, upload_folder: str) -> None:
    stored = material.stored_name
    db.session.delete(material)
    db.session.commit()
    if stored:
        (Path(upload_folder) / stored).unlink(missing_ok=True)


def event_overview_counts() -> dict[str, int]:
    rows = db.session.execute(select(Event.status, func.count()).group_by(Event.status))
    return {status: count for status, count in rows}


# -- reference data: series, types, speakers, organizations, venues --------------------------


def save_reference(row, values: dict, *, slug_from: str | None = None, translated: tuple[str, ...] = ()) -> None:
    """Create or change a row of a reference list with the values an organizer gave. A venue's
    new name or address reaches its coming events' participants (venue_changed). A name or code
    already taken is refused with EventError, and nothing is saved. `values["translations"]`
    holds what was written in the other languages, for the attributes `translated` names."""
    with committed():
        for name, value in values.items():
            if name == "translations":
                value = clean_translations(value, translated)
            setattr(row, name, value)
        if slug_from and not getattr(row, "slug", None):
            row.slug = slugify(getattr(row, slug_from))
        db.session.add(row)
        if isinstance(row, Venue):
            venue_changed(row)
        try:
            db.session.flush()
        except IntegrityError as error:
            raise EventError(_l("Esiste già un elemento con lo stesso nome o codice.")) from error


def delete_reference(row) -> None:
    """Delete a row of a reference list; one still used by an event is refused (the foreign keys
    are RESTRICT), and nothing changes."""
    with committed():
        db.session.delete(row)
        try:
            db.session.flush()
        except IntegrityError as error:
            raise EventError(_l("Non si può eliminare: è usato da almeno un evento.")) from error
