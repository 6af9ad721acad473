"""Organizer accounts, the limits of limited organizers, and what ends their sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import services as audit
from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored normalised (lower-case domain, as email-validator gives it).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=Role.ORGANIZER)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Part of every session and remember cookie (get_id): raising it ends them all. Raised on
    #: logout, password change and deactivation.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Wrong passwords in a row; reset by a successful login or a new password.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: While in the future, even the right password is refused (and the owner has been told).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Whether the person has chosen a password (an invited account has not, yet).
    password_set: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: The shared key of the authenticator app (base32); None while two-factor login is off.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last 30-second step whose code was accepted: a code is good once, even within its step.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    #: SHA-256 of each unused recovery code (random, 50 bits: a fast hash is enough).
    recovery_codes: Mapped[list | None] = mapped_column(JSON)

    __table_args__ = (
        CheckConstraint("role IN ('admin', 'organizer')", name="role_known"),
        CheckConstraint("session_version >= 0 AND failed_logins >= 0", name="counters_not_negative"),
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What the session and the remember cookie hold: the id and the session version, so a
        raised version makes every earlier cookie worthless (load_user checks it)."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts.
        return self.active

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserEventType(db.Model):
    """An organizer limited to events of this type (with the other rows of theirs). No row: no
    limit by type. The type cannot be deleted while it limits someone: deleting it would
    silently widen that person's rights to every type."""

    __tablename__ = "user_event_types"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    type_id: Mapped[int] = mapped_column(
        ForeignKey("event_types.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class UserSeries(db.Model):
    """An organizer limited to events of this series; as UserEventType."""

    __tablename__ = "user_series"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="RESTRICT"), primary_key=True, index=True)


# Account changes are in the audit log; the hash and the session counters never are.
audit.track(
    User,
    "utente",
    label=lambda u: f"Utente {u.id} <{u.email}>",
    secret={"password_hash", "totp_secret", "recovery_codes"},
    ignore={"session_version", "failed_logins", "locked_until", "totp_last_step"},
)
audit.track(UserEventType, "utente_tipo", label=lambda link: f"Utente {link.user_id}: tipo {link.type_id}")
audit.track(UserSeries, "utente_serie", label=lambda link: f"Utente {link.user_id}: serie {link.series_id}")
