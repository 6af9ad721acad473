"""Signed links for what only the owner of an email address may open: the link travels by
email to that address, so opening it proves the address. Each purpose has its own salt, so a
link for one thing never opens another."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: A link sent by email stays good this long.
LINK_MAX_AGE_SECONDS = 7 * 24 * 3600


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"incontri:{purpose}")


def sign(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: int = LINK_MAX_AGE_SECONDS) -> dict | None:
    """The payload of a genuine, unexpired link for this purpose; None for anything else."""
    if not token or len(token) > 1000:
        return None
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # also SignatureExpired, its subclass
        return None
    return payload if isinstance(payload, dict) else None
