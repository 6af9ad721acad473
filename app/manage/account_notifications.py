"""The emails about organizer accounts: invitation, password reset, lockout notice. Written
here, above both the accounts and the outbox, in reply to the accounts' signals and inside
their transaction; always in Italian, the organizers' language."""

from __future__ import annotations

import hashlib

from app.auth import signals
from app.auth.models import User
from app.i18n import lazy_gettext as _l
from app.outbox import services as outbox
from app.timeutil import utcnow
from app.urls import absolute_url

LOCALE = "it"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def _send(key: str, kind: str, user: User, subject, **context) -> None:
    email = outbox.render_email(kind, LOCALE, subject, None, name=user.name, email=user.email, **context)
    outbox.queue(key, kind, email, recipient=user.email, recipient_name=user.name or None)


@signals.invitation_requested.connect
def invitation(user: User, token: str, invited_by: User, **_) -> None:
    _send(
        f"account-invitation:{user.id}:{_digest(token)}",
        "account_invitation",
        user,
        _l("Invito all'area organizzatori"),
        link=absolute_url("auth.accept_invitation", token=token),
        inviter=invited_by.name or invited_by.email,
    )


@signals.password_reset_requested.connect
def password_reset(user: User, token: str, **_) -> None:
    # One message per password and quarter of an hour: asking again and again sends no more.
    window = int(utcnow().timestamp()) // 900
    _send(
        f"password-reset:{user.id}:{_digest(user.password_hash)}:{window}",
        "password_reset",
        user,
        _l("Nuova password per l'area organizzatori"),
        link=absolute_url("auth.reset_password", token=token),
    )


@signals.account_locked.connect
def account_locked(user: User, until, **_) -> None:
    _send(
        f"account-locked:{user.id}:{until.isoformat()}",
        "account_locked",
        user,
        _l("Accesso sospeso per troppi tentativi"),
        until=until,
        link=absolute_url("auth.forgot_password"),
    )
