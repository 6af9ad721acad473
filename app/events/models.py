"""The events domain: types, events, series, programme sessions, people, places, materials."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy import event as orm_event
from sqlalchemy import inspect as inspect_state
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit import services as audit
from app.constraints import one_of
from app.extensions import db
from app.timeutil import ROME, UTCDateTime, days, utcnow


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"


class AttendanceMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class OrganizationRole(enum.StrEnum):
    ORGANIZER = "organizer"
    PARTNER = "partner"


#: Statuses the public may see; drafts are invisible (404).
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.POSTPONED)


class EventType(db.Model):
    __tablename__ = "event_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    #: Colour of badges and calendar entries, as #rrggbb.
    color: Mapped[str] = mapped_column(String(7), default="#0066cc")
    requires_registration: Mapped[bool] = mapped_column(Boolean, default=True)
    default_capacity: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: When reminders go out before an event (or, for courses, before each lesson): "7g, 1g".
    reminder_offsets: Mapped[str] = mapped_column(String(100), default="7g, 1g")
    #: Whether the programme items of its events are lessons, appointments of their own (a
    #: course): each lesson is its own calendar entry, gets its own reminders and invitation,
    #: and the programme is headed "Lezioni". Otherwise the sessions are one event's programme.
    #: A column, not the slug, so that renaming the type keeps what it does.
    has_lessons: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Whether a new event of this type starts as lasting whole days (an exhibition): the
    #: organizer's form then asks for days, not hours. A column, not the slug, as above.
    all_day_by_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The content in other languages, {"en": {"label": …}, "fr": {…}}; Italian is the columns
    #: themselves and the fallback (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    #: Calendar feeds compare this to decide whether they changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("default_capacity IS NULL OR default_capacity > 0", name="capacity_positive"),
        CheckConstraint("length(color) = 7", name="color_hex"),
    )

    def __repr__(self) -> str:
        return f"<EventType {self.slug}>"


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Short name shown in lists, such as "COP" or "ACAL".
    acronym: Mapped[str | None] = mapped_column(String(40))
    #: ISO 3166-1 alpha-2 code; partners abroad (ACAL, Benin) are "BJ".
    country: Mapped[str] = mapped_column(String(2), default="IT")
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    #: Calendar feeds compare this to decide whether they changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    speakers: Mapped[list[Speaker]] = relationship(back_populates="organization")

    @property
    def display_name(self) -> str:
        """'COP – Consorzio Ong Piemontesi'; the name alone when it already holds the acronym."""
        if self.acronym and self.acronym.casefold() not in self.name.casefold():
            return f"{self.acronym} – {self.name}"
        return self.name

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"


class Speaker(db.Model):
    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Role within the organization, e.g. "Presidente" or "Sindaco di Pinerolo".
    role: Mapped[str | None] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    #: Calendar feeds compare this to decide whether they changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="speakers")

    def __repr__(self) -> str:
        return f"<Speaker {self.name}>"


class Venue(db.Model):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    comune: Mapped[str | None] = mapped_column(String(120), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: Calendar feeds compare this to decide whether they changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_pair"),
    )

    @property
    def full_address(self) -> str:
        return ", ".join(part for part in (self.name, self.address, self.comune) if part)

    def __repr__(self) -> str:
        return f"<Venue {self.name}>"


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    #: {"en": {"name": …}, "fr": {…}}: the name in the partners' languages (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))


class Series(db.Model):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Word for one event of the cycle, used in "2° incontro".
    item_label: Mapped[str] = mapped_column(String(40), default="incontro")
    description: Mapped[str | None] = mapped_column(Text)
    #: The content in other languages, {"en": {"title": …}, "fr": {…}}; Italian is the columns
    #: themselves and the fallback (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    #: Calendar feeds compare this to decide whether they changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    #: passive_deletes="all": the database refuses to delete a series still in use.
    events: Mapped[list[Event]] = relationship(
        back_populates="series", order_by="Event.starts_at", passive_deletes="all"
    )

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"


event_themes = Table(
    "event_themes",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

session_speakers = Table(
    "session_speakers",
    db.metadata,
    Column("session_id", ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class EventOrganization(db.Model):
    """An organization's part in an event: who organizes it and who takes part as partner."""

    __tablename__ = "event_organizations"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    organization: Mapped[Organization] = relationship()

    __table_args__ = (CheckConstraint(one_of("role", OrganizationRole), name="role_known"),)


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    type_id: Mapped[int] = mapped_column(ForeignKey("event_types.id", ondelete="RESTRICT"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="RESTRICT"), index=True)
    summary: Mapped[str | None] = mapped_column(String(500))
    #: Organizer-written HTML, already sanitised by the service before it is stored.
    description_html: Mapped[str] = mapped_column(Text, default="")
    #: The content in other languages, {"en": {"title": …}, "fr": {…}}; Italian is the columns
    #: themselves and the fallback (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: For all-day events, the midnight (Rome) after the last day: an exclusive end.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Free text for exhibitions, e.g. "da lunedì a venerdì, 9–17".
    opening_hours: Mapped[str | None] = mapped_column(String(300))
    attendance_mode: Mapped[str] = mapped_column(String(20), default=AttendanceMode.IN_PERSON)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="RESTRICT"), index=True)
    online_url: Mapped[str | None] = mapped_column(String(500))
    #: The online link (the event's and its sessions') on the public page, feeds and API; when
    #: False, as for reserved meetings, only confirmed participants get it: their page, emails
    #: and invitations.
    online_url_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT, index=True)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    #: When it was cancelled: feeds keep a cancelled event for a while so subscribers see it go.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What participants should know about a postponement (new date when known).
    postponement_note: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_required: Mapped[bool] = mapped_column(Boolean, default=True)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Moderated events (e.g. meetings reserved to members): each registration awaits approval.
    registration_moderated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Reminders for this event, overriding its type's ("nessuno" for none); None: the type's.
    reminder_offsets: Mapped[str | None] = mapped_column(String(100))
    #: Confirmed registrations, kept by the registrations service while it holds the row lock;
    #: the CHECK below makes overbooking impossible even for a buggy writer.
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Bumped whenever date, time, place or status change (calendar clients rely on it).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last change to what the event publishes (not to its seat counter): DTSTAMP and LAST-MODIFIED.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    type: Mapped[EventType] = relationship(lazy="joined")
    series: Mapped[Series | None] = relationship(back_populates="events")
    venue: Mapped[Venue | None] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(secondary=event_themes, order_by=Theme.name)
    organization_links: Mapped[list[EventOrganization]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event",
        order_by="EventSession.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    materials: Mapped[list[Material]] = relationship(
        back_populates="event",
        order_by="Material.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(one_of("status", EventStatus), name="status_known"),
        CheckConstraint(one_of("attendance_mode", AttendanceMode), name="attendance_mode_known"),
        CheckConstraint(
            "status <> 'cancelled' OR (cancellation_reason IS NOT NULL AND cancellation_reason <> '')",
            name="cancelled_has_reason",
        ),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_window_order",
        ),
        CheckConstraint("sequence >= 0", name="sequence_non_negative"),
        CheckConstraint("confirmed_count >= 0", name="confirmed_count_non_negative"),
        CheckConstraint("capacity IS NULL OR confirmed_count <= capacity", name="not_overbooked"),
    )

    # -- derived views of the row ------------------------------------------------------

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_postponed(self) -> bool:
        return self.status == EventStatus.POSTPONED

    @property
    def is_past(self) -> bool:
        return self.ends_at <= utcnow()

    @property
    def first_day(self) -> date:
        return self.starts_at.astimezone(ROME).date()

    @property
    def last_day(self) -> date:
        """The last day the event takes place on, in Rome (ends_at is exclusive for all-day)."""
        end = self.ends_at.astimezone(ROME)
        if self.all_day or (end.hour, end.minute, end.second) == (0, 0, 0):
            return (end - days(1)).date() if end.date() > self.first_day else end.date()
        return end.date()

    @property
    def is_multi_day(self) -> bool:
        return self.last_day > self.first_day

    @property
    def has_venue(self) -> bool:
        return self.venue is not None and self.attendance_mode != AttendanceMode.ONLINE

    @property
    def has_online(self) -> bool:
        return bool(self.online_url) and self.attendance_mode != AttendanceMode.IN_PERSON

    @property
    def organizers(self) -> list[Organization]:
        return [link.organization for link in self.organization_links if link.role == OrganizationRole.ORGANIZER]

    @property
    def partners(self) -> list[Organization]:
        return [link.organization for link in self.organization_links if link.role == OrganizationRole.PARTNER]

    @property
    def lessons(self) -> list[EventSession]:
        """The sessions that are appointments of their own (a course's lessons), else []."""
        return self.sessions if self.type.has_lessons else []

    @property
    def seats_left(self) -> int | None:
        """Free seats, or None when the event has no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def registration_is_open(self) -> bool:
        if not self.registration_required or self.status != EventStatus.PUBLISHED or self.is_past:
            return False
        now = utcnow()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.starts_at
        return now < closes

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventSession(db.Model):
    """One item of an event's programme: an agenda item of a meeting or a lesson of a course."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The content in other languages, {"en": {"title": …}, "fr": {…}}; Italian is the columns
    #: themselves and the fallback (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    #: A lesson may be held elsewhere than the event's venue, or online.
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="RESTRICT"), index=True)
    online_url: Mapped[str | None] = mapped_column(String(500))
    #: Held only online, whatever the event's place: calendars and messages then say "Online",
    #: so nobody travels to the venue for it.
    online_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="sessions")
    venue: Mapped[Venue | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(secondary=session_speakers, order_by=Speaker.name)

    __table_args__ = (
        UniqueConstraint("event_id", "position", name="uq_event_sessions_event_position"),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("position >= 0", name="position_non_negative"),
        CheckConstraint("NOT online_only OR venue_id IS NULL", name="online_only_has_no_venue"),
    )


class Material(db.Model):
    """A file or link published with an event, usually after it (slides, minutes, recordings)."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    #: The content in other languages, {"en": {"title": …}, "fr": {…}}; Italian is the columns
    #: themselves and the fallback (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    #: Name of the stored file under UPLOAD_FOLDER; random, never the uploader's name.
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    original_name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(120))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="materials")

    __table_args__ = (CheckConstraint("(url IS NULL) <> (stored_name IS NULL)", name="link_or_file"),)

    @property
    def is_file(self) -> bool:
        return self.stored_name is not None


#: Changes that are not part of what an event publishes: the seat counter moves with every
#: registration, and must not make calendar clients think the event changed.
_NOT_PUBLISHED = {"confirmed_count", "updated_at"}


@orm_event.listens_for(Event, "before_update")
@orm_event.listens_for(EventSession, "before_update")
def _touch_when_published_data_changes(_mapper, _connection, target) -> None:
    state = inspect_state(target)
    if any(attr.key not in _NOT_PUBLISHED and attr.history.has_changes() for attr in state.attrs):
        target.updated_at = utcnow()


def _event_action(event: Event, changes: dict) -> str | None:
    if "status" in changes:
        return f"evento.{changes['status'][1]}"
    return None


# The audit log records organizers' edits of published content, with old → new.
audit.track(
    Event,
    "evento",
    event_id=lambda e: e.id,
    label=lambda e: f"Evento {e.id} «{e.title}»",
    classify=_event_action,
    ignore={"confirmed_count", "published_at", "cancelled_at"},
)
audit.track(EventSession, "lezione", event_id=lambda s: s.event_id, label=lambda s: f"Lezione {s.id} dell'evento {s.event_id}")
audit.track(Material, "materiale", event_id=lambda m: m.event_id, label=lambda m: f"Materiale «{m.title}»", ignore={"stored_name"})
audit.track(EventOrganization, "partner_evento", event_id=lambda o: o.event_id)
audit.track(EventType, "tipo", label=lambda t: f"Tipo «{t.label}»")
audit.track(Series, "serie", label=lambda s: f"Serie «{s.title}»")
audit.track(Venue, "luogo", label=lambda v: f"Luogo «{v.name}»")
audit.track(Speaker, "relatore", label=lambda s: f"Relatore «{s.name}»")
audit.track(Organization, "organizzazione", label=lambda o: f"Organizzazione «{o.name}»")
audit.track(Theme, "tema", label=lambda t: f"Tema «{t.name}»")
