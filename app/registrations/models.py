"""The registrations domain: who signed up for which event, their answers and their history."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit import services as audit
from app.constraints import one_of
from app.events.models import Event
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.privacy import PERSONAL
from app.text import linkify
from app.timeutil import UTCDateTime, utcnow


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


#: Statuses that hold a place (or a claim to one): only one per email and event.
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


class ParticipantRole(enum.StrEnum):
    MAYOR = "sindaco"
    ALDERMAN = "assessore"
    COUNCILLOR = "consigliere"
    SECRETARY = "segretario"
    STAFF = "funzionario"
    OTHER = "altro"


class EnteKind(enum.StrEnum):
    """Which kind of body a participant represents (the form's `ente_tipo`)."""

    COMUNE = "comune"
    UNIONE = "unione"
    PROVINCIA = "provincia"
    REGIONE = "regione"
    PUBBLICO = "ente_pubblico"
    ASSOCIAZIONE = "associazione"
    ESTERO = "estero"
    PRIVATO = "privato"


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"


class Source(enum.StrEnum):
    ONLINE = "online"
    ORGANIZER = "organizer"


def new_token() -> str:
    """The key to a registration's own page: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


_ACTIVE_SQL = "status IN ('confirmed', 'waitlisted', 'pending')"


class Registration(db.Model):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: The only key to the self-service page; replaced when the participant asks for a new link.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    status: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100), info=PERSONAL)
    last_name: Mapped[str] = mapped_column(String(100), info=PERSONAL)
    #: Normalised (lower-case domain and local part) so that one person is one address.
    email: Mapped[str] = mapped_column(String(254), index=True, info=PERSONAL)
    #: The ente: a comune (suggested from ISTAT data) or any organization, as typed.
    organization: Mapped[str] = mapped_column(String(200))
    #: Which kind of body the ente is (EnteKind); NULL for registrations made before it was asked
    #: and not yet resolved by the organizers.
    ente_tipo: Mapped[str | None] = mapped_column(String(20))
    #: The comune's ISTAT code when the ente is a comune (a merged comune's successor).
    comune_istat: Mapped[str | None] = mapped_column(String(6), index=True)
    #: The country of a body abroad, as typed.
    ente_country: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(40), info=PERSONAL)
    #: Language of the pages the participant used, for the emails they will receive.
    locale: Mapped[str] = mapped_column(String(5), default="it")
    source: Mapped[str] = mapped_column(String(20), default=Source.ONLINE)
    #: What the participant agreed to, word for word, and which version of the notice it was.
    consent_version: Mapped[str] = mapped_column(String(40))
    consent_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: When the person entered the waiting list: the list is served in this order.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its personal data was removed (retention or the person's request): names, address,
    #: phone and answers are gone; ente, role and attendance stay for the statistics.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="registration",
        order_by="Activity.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint(one_of("status", RegistrationStatus), name="status_known"),
        CheckConstraint(one_of("role", ParticipantRole), name="role_known"),
        CheckConstraint(one_of("source", Source), name="source_known"),
        CheckConstraint(f"ente_tipo IS NULL OR {one_of('ente_tipo', EnteKind)}", name="ente_tipo_known"),
        CheckConstraint("comune_istat IS NULL OR ente_tipo = 'comune'", name="comune_is_a_comune"),
        CheckConstraint("status <> 'waitlisted' OR waitlisted_at IS NOT NULL", name="waitlist_has_time"),
        # One active registration per person and event; cancelled and rejected ones stay as history.
        Index(
            "uq_registrations_event_email_active",
            "event_id",
            "email",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_registrations_event_status", "event_id", "status"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def answer_for(self, question_id: int) -> str | None:
        for answer in self.answers:
            if answer.question_id == question_id:
                return answer.value
        return None

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class Question(db.Model):
    """A question the organizer adds to an event's registration form."""

    __tablename__ = "registration_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default=QuestionKind.TEXT)
    #: For choice questions, one option per line.
    options_text: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint(one_of("kind", QuestionKind), name="kind_known"),
        CheckConstraint("kind <> 'choice' OR options_text IS NOT NULL", name="choice_has_options"),
        UniqueConstraint("event_id", "position", name="uq_registration_questions_event_position"),
    )

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in (self.options_text or "").splitlines() if line.strip()]


class Answer(db.Model):
    __tablename__ = "registration_answers"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    #: RESTRICT: a question that has answers cannot be deleted, so no answer is ever lost.
    question_id: Mapped[int] = mapped_column(
        ForeignKey("registration_questions.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    value: Mapped[str] = mapped_column(Text, info=PERSONAL)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class ActivityKind(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    UPDATED = "updated"
    LINK_REQUESTED = "link_requested"
    CHECKED_IN = "checked_in"
    #: Recorded by the courses domain: a presence taken back, a certificate issued or revoked.
    ATTENDANCE_REMOVED = "attendance_removed"
    CERTIFICATE_ISSUED = "certificate_issued"
    CERTIFICATE_REVOKED = "certificate_revoked"


class Actor(enum.StrEnum):
    PARTICIPANT = "participant"
    ORGANIZER = "organizer"
    SYSTEM = "system"


class Activity(db.Model):
    """One thing that happened to a registration, written in the same transaction as the change.
    The message it calls for, if any, is the outbox row whose dedupe_key is "activity:<id>"."""

    __tablename__ = "registration_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(20))
    #: The organizer's account, when an organizer acted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What it concerned, in words: the lesson and minutes of an attendance, a certificate's code…
    detail: Mapped[str | None] = mapped_column(Text, info=PERSONAL)

    registration: Mapped[Registration] = relationship(back_populates="activities")

    __table_args__ = (
        CheckConstraint(one_of("kind", ActivityKind), name="kind_known"),
        CheckConstraint(one_of("actor", Actor), name="actor_known"),
    )


class PersonalFeed(db.Model):
    """The key to the feed of every event one email address is registered for.

    Revoking it gives a new token: the old address stops working at once."""

    __tablename__ = "personal_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, info=PERSONAL)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: When the current token was issued.
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Broadcast(db.Model):
    """A message an organizer wrote to an event's registrants: one outbox row per person."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: Which registrants: "all" active, or one status.
    audience: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    messages: Mapped[list[OutboxMessage]] = relationship(passive_deletes=True)

    @property
    def body_paragraphs(self) -> list[Markup]:
        """The message as HTML paragraphs, its web addresses made links; nothing typed is markup."""
        return linkify(self.body)


def _registration_action(registration: Registration, changes: dict) -> str | None:
    return f"iscrizione.{changes['status'][1]}" if "status" in changes else None


# Organizers' actions on registrations, questions and messages go to the audit log; a
# participant's own actions are in the registration's history (Activity) instead.
audit.track(
    Registration,
    "iscrizione",
    event_id=lambda r: r.event_id,
    registration_id=lambda r: r.id,
    label=lambda r: f"Iscrizione {r.id}",
    classify=_registration_action,
    ignore={"token", "waitlisted_at", "confirmed_at", "cancelled_at", "consent_text"},
)
audit.track(Question, "domanda", event_id=lambda q: q.event_id, label=lambda q: f"Domanda «{q.label}»")
audit.track(
    Broadcast,
    "messaggio",
    event_id=lambda b: b.event_id,
    label=lambda b: f"Messaggio «{b.subject}»",
    ignore={"user_id"},
)
