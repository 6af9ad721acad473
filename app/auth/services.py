"""Accounts: creation, invitation, passwords and their links, authentication with its lockout,
and the session version that ends sessions."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app import signing
from app.audit import services as audit
from app.auth import signals
from app.auth.models import Role, User, UserEventType, UserSeries
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.timeutil import utcnow
from app.transaction import committed

MIN_PASSWORD_LENGTH = 10
#: zxcvbn's score (0–4): 3 is "safely unguessable" against an online attack that has leaked a
#: slow hash; anything lower is a dictionary word with decorations.
MIN_PASSWORD_SCORE = 3
#: Invitation and reset links: single use (they name the password they replace) and short-lived.
LINK_MAX_AGE_SECONDS = 72 * 3600
#: zxcvbn's dictionaries are English: the words anyone would try first against this site.
SITE_WORDS = ("anci", "piemonte", "torino", "comune", "comuni", "incontri", "gestione", "organizzatore", "password")
INVITE_PURPOSE = "account-invitation"
RESET_PURPOSE = "password-reset"


class AccountError(Exception):
    """The account cannot be created or changed; the message is for the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.args[0])


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(_l("Indirizzo email non valido: %(error)s", error=str(error)), "email") from error


def find_user(email: str) -> User | None:
    try:
        normalized = normalize_email(email)
    except AccountError:
        return None
    return db.session.scalar(select(User).where(User.email == normalized))


def check_password_strength(password: str, *, email: str = "", name: str = "") -> None:
    """Refuse a password that is short or that a strength estimator finds guessable (words,
    names, dates, keyboard runs, the person's own email or name)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("La password deve avere almeno %(count)d caratteri.", count=MIN_PASSWORD_LENGTH), "password"
        )
    organization = current_app.config["ORGANIZATION_NAME"].lower()
    hints = [part for part in (email, email.split("@")[0], name, *name.split(), *organization.split()) if part]
    hints += SITE_WORDS
    # Imported here: its dictionaries add some 12 MiB to a process, which only the ones where
    # an organizer chooses a password should carry, not every web worker (bench/README.md).
    from zxcvbn import zxcvbn

    if zxcvbn(password[:100], user_inputs=hints)["score"] < MIN_PASSWORD_SCORE:
        raise AccountError(
            _l(
                "Password troppo facile da indovinare: meglio alcune parole non collegate tra loro, "
                "senza nome, email o date."
            ),
            "password",
        )


def create_user(email: str, password: str, *, role: Role = Role.ORGANIZER, name: str = "") -> User:
    normalized = normalize_email(email)
    check_password_strength(password, email=normalized, name=name)
    if db.session.scalar(select(User.id).where(User.email == normalized)) is not None:
        raise AccountError(_l("Esiste già un account con questo indirizzo."), "email")
    user = User(email=normalized, role=role, name=name)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


# Links ---------------------------------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does: a link bound to it works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def password_link_token(user: User, purpose: str) -> str:
    return signing.sign(purpose, {"u": user.id, "p": _password_fingerprint(user)})


def user_for_password_link(purpose: str, token: str) -> User | None:
    """The account a genuine, unexpired, unused link is for; None otherwise (forged, expired,
    already used, account deactivated)."""
    payload = signing.unsign(purpose, token, max_age=LINK_MAX_AGE_SECONDS)
    if payload is None or not isinstance(payload.get("u"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or not user.active:
        return None
    if not secrets.compare_digest(str(payload.get("p", "")), _password_fingerprint(user)):
        return None
    return user


def invite_user(
    email: str, *, name: str = "", role: Role = Role.ORGANIZER, type_ids=(), series_ids=(), invited_by: User
) -> User:
    """An account without a usable password, and an email with the link to choose one."""
    normalized = normalize_email(email)
    with committed():
        if db.session.scalar(select(User.id).where(User.email == normalized)) is not None:
            raise AccountError(_l("Esiste già un account con questo indirizzo."), "email")
        user = User(email=normalized, name=name.strip()[:120], role=role, password_set=False)
        # Nobody knows this password; the invitation replaces it.
        user.set_password(secrets.token_urlsafe(32))
        db.session.add(user)
        db.session.flush()
        _set_limits(user, role, type_ids, series_ids)
        signals.invitation_requested.send(user, token=password_link_token(user, INVITE_PURPOSE), invited_by=invited_by)
    return user


def resend_invitation(user: User, invited_by: User) -> None:
    with committed():
        user.set_password(secrets.token_urlsafe(32))  # the earlier link stops working
        db.session.flush()
        signals.invitation_requested.send(user, token=password_link_token(user, INVITE_PURPOSE), invited_by=invited_by)


def request_password_reset(email: str) -> None:
    """Queue a reset link when the address has an active account with a password; say nothing
    either way (the caller shows the same answer)."""
    user = find_user(email)
    if user is None or not user.active:
        _dummy_check("")  # the same work whether or not the account exists
        return
    with committed():
        signals.password_reset_requested.send(user, token=password_link_token(user, RESET_PURPOSE))


def set_password(user: User, password: str) -> None:
    """A new password (from a link or the account page): it ends every session of the account,
    lifts a lockout, and used links stop working."""
    check_password_strength(password, email=user.email, name=user.name)
    with committed():
        user.set_password(password)
        user.password_set = True
        user.failed_logins = 0
        user.locked_until = None
        user.session_version = (user.session_version or 0) + 1


def end_sessions(user: User) -> None:
    """Every session and remember cookie of the account stops working (logout does this)."""
    with committed():
        user.session_version = (user.session_version or 0) + 1


def _actor(user: User) -> audit.Actor:
    return audit.Actor(id=user.id, label=user.email)


def record_login(user: User) -> None:
    with committed():
        audit.record("accesso", actor=_actor(user))


def record_failed_login(email: str) -> None:
    """A failed login names the account it tried; an address without an account is not kept,
    since it may be anyone's (a participant's address typed here by mistake)."""
    user = find_user(email)
    with committed():
        if user is None:
            audit.record("accesso.fallito", detail="indirizzo senza account")
        else:
            audit.record("accesso.fallito", actor=_actor(user))


def record_failed_second_factor(user: User) -> None:
    with committed():
        audit.record("accesso.secondo_fattore_fallito", actor=_actor(user))


def record_logout(user: User) -> None:
    with committed():
        audit.record("uscita", actor=_actor(user))


# Administration ------------------------------------------------------------------------------


def _set_limits(user: User, role: Role, type_ids, series_ids) -> None:
    db.session.execute(delete(UserEventType).where(UserEventType.user_id == user.id))
    db.session.execute(delete(UserSeries).where(UserSeries.user_id == user.id))
    if role != Role.ORGANIZER:
        return
    for type_id in sorted(set(type_ids)):
        db.session.add(UserEventType(user_id=user.id, type_id=type_id))
    for series_id in sorted(set(series_ids)):
        db.session.add(UserSeries(user_id=user.id, series_id=series_id))


def limits_of(user: User) -> tuple[set[int], set[int]]:
    """The event types and series an organizer is limited to; two empty sets: no limit."""
    types = set(db.session.scalars(select(UserEventType.type_id).where(UserEventType.user_id == user.id)))
    series = set(db.session.scalars(select(UserSeries.series_id).where(UserSeries.user_id == user.id)))
    return types, series


def change_role(user: User, role: Role, *, type_ids=(), series_ids=(), by: User) -> None:
    if user.id == by.id and role != Role.ADMIN:
        raise AccountError(_l("Non si può togliere il ruolo di amministratore al proprio account."), "role")
    with committed():
        user.role = role
        _set_limits(user, role, type_ids, series_ids)


def set_active(user: User, active: bool, *, by: User) -> None:
    """Deactivating ends every session of the account at once."""
    if user.id == by.id and not active:
        raise AccountError(_l("Non si può disattivare il proprio account."))
    with committed():
        user.active = active
        if not active:
            user.session_version = (user.session_version or 0) + 1


def users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.email)))


# Login ---------------------------------------------------------------------------------------


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def _dummy_check(password: str) -> None:
    """Spend what checking a real password costs, so an unknown address answers as slowly."""
    check_password_hash(_dummy_hash(), password)


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open, or None. Every path checks one password hash, so
    whether the address has an account does not show in the time taken. After
    LOGIN_LOCKOUT_FAILURES wrong passwords in a row the account refuses every password for
    LOGIN_LOCKOUT_MINUTES, and its owner is told once per lockout."""
    user = find_user(email)
    if user is None:
        _dummy_check(password)
        return None
    now = utcnow()
    correct = user.check_password(password)
    if not user.active or is_locked(user, now):
        return None
    if correct and user.password_set:
        if user.failed_logins or user.locked_until:
            with committed():
                user.failed_logins = 0
                user.locked_until = None
        return user
    with committed():
        # Counted in the database: two workers failing at once both count.
        db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        db.session.refresh(user)
        if user.failed_logins >= current_app.config["LOGIN_LOCKOUT_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            signals.account_locked.send(user, until=user.locked_until)
    return None
