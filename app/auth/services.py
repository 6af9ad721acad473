"""Accounts: creation and authentication."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db

MIN_PASSWORD_LENGTH = 10


class AccountError(Exception):
    """The account cannot be created or changed; the message is for the user."""


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"Indirizzo email non valido: {error}") from error


def find_user(email: str) -> User | None:
    try:
        normalized = normalize_email(email)
    except AccountError:
        return None
    return db.session.scalar(select(User).where(User.email == normalized))


def create_user(email: str, password: str, *, role: Role = Role.ORGANIZER, name: str = "") -> User:
    normalized = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"La password deve avere almeno {MIN_PASSWORD_LENGTH} caratteri.")
    if db.session.scalar(select(User.id).where(User.email == normalized)) is not None:
        raise AccountError("Esiste già un account con questo indirizzo.")
    user = User(email=normalized, role=role, name=name)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
