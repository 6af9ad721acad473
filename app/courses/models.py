"""Courses end in a certificate: who attended which lesson and for how long, each course's rule
for a certificate, and the certificates issued, with the facts they state."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit import services as audit
from app.constraints import one_of
from app.events.models import Event, EventSession
from app.extensions import db
from app.privacy import PERSONAL
from app.registrations.models import Registration
from app.timeutil import UTCDateTime, utcnow


class Attendance(db.Model):
    """One person present at one lesson (or at an event without lessons: session_id NULL).
    No row: absent. `minutes` is set only for a partial presence (arrived late, left early)."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    #: The lesson; NULL for the event itself when it has no lessons.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    #: Minutes attended when less than the whole lesson; NULL: the whole lesson.
    minutes: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The organizer who recorded it.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()
    session: Mapped[EventSession | None] = relationship()

    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_non_negative"),
        # One row per person and lesson, and one per person for an event without lessons.
        Index(
            "uq_attendances_registration_session",
            "registration_id",
            "session_id",
            unique=True,
            sqlite_where=text("session_id IS NOT NULL"),
            postgresql_where=text("session_id IS NOT NULL"),
        ),
        Index(
            "uq_attendances_registration_event",
            "registration_id",
            unique=True,
            sqlite_where=text("session_id IS NULL"),
            postgresql_where=text("session_id IS NULL"),
        ),
    )


class RuleBasis(enum.StrEnum):
    HOURS = "hours"
    LESSONS = "lessons"


class CertificateRule(db.Model):
    """What a course asks for a certificate: a share of its hours (default) or of its lessons."""

    __tablename__ = "certificate_rules"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    #: Whether the course gives certificates at all.
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    basis: Mapped[str] = mapped_column(String(10), default=RuleBasis.HOURS)
    #: The share required, in percent of the hours or of the lessons.
    min_percent: Mapped[int] = mapped_column(Integer, default=75)

    event: Mapped[Event] = relationship()

    __table_args__ = (
        CheckConstraint(one_of("basis", RuleBasis), name="basis_known"),
        CheckConstraint("min_percent BETWEEN 1 AND 100", name="percent_range"),
    )


#: Letters and digits that cannot be mistaken for each other when typed from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_code() -> str:
    """A certificate's code: 10 characters of a 31-letter alphabet (about 49 bits), random."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Certificate(db.Model):
    """An attestato di partecipazione, with the facts it states frozen when issued: it stays
    verifiable as it was, whatever later happens to the course."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_code)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), unique=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    #: What the certificate states: name, ente, course, dates, hours, lessons, place (see services.facts).
    facts: Mapped[dict] = mapped_column(JSON, info=PERSONAL)
    locale: Mapped[str] = mapped_column(String(5), default="it")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    registration: Mapped[Registration | None] = relationship()

    __table_args__ = (
        CheckConstraint("revoked_at IS NULL OR revocation_reason IS NOT NULL", name="revocation_has_reason"),
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Feedback(db.Model):
    """An attendee's answer to the follow-up after the event: a rating and, if they wish, what
    was useful and a comment. One per registration, given once."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: From 1 (not at all satisfied) to 5 (very satisfied).
    rating: Mapped[int] = mapped_column(Integer)
    useful: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    comment: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)


def _certificate_action(certificate: Certificate, changes: dict) -> str | None:
    if "revoked_at" in changes:
        return "attestato.revocato" if changes["revoked_at"][1] else "attestato.ripristinato"
    return None


# Attendance and certificates are organizer actions on people: the audit log keeps them.
audit.track(
    Attendance,
    "presenza",
    event_id=lambda a: a.registration.event_id if a.registration else None,
    registration_id=lambda a: a.registration_id,
    label=lambda a: f"Presenza dell'iscrizione {a.registration_id}",
    ignore={"recorded_at", "user_id"},
)
audit.track(
    Certificate,
    "attestato",
    event_id=lambda c: c.event_id,
    registration_id=lambda c: c.registration_id,
    label=lambda c: f"Attestato {c.code}",
    classify=_certificate_action,
    ignore={"facts"},
)
audit.track(CertificateRule, "regola_attestato", event_id=lambda r: r.event_id)
