"""Two-factor login with an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

The login asks for a code after the password when the account has turned it on; admins must
turn it on when REQUIRE_2FA_FOR_ADMINS is set. A code is accepted once: the step it belongs
to is remembered, so a code seen over someone's shoulder cannot be replayed within its 30 s.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import update

from app.audit import services as audit
from app.auth.models import User
from app.extensions import db
from app.i18n import gettext as _
from app.transaction import committed

RECOVERY_CODES = 10
#: One step before and after the present one: a phone's clock a little off still works.
VALID_WINDOW = 1
ISSUER = "Incontri"
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config.get("TOTP_ISSUER") or ISSUER
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The key as a QR code for the authenticator app, as an image from a data URI (no request
    leaves the page)."""
    data_uri = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return Markup('<img src="{}" alt="{}" width="200" height="200" class="img-fluid">').format(
        data_uri, _("Codice QR da inquadrare con l'app di autenticazione")
    )


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The 30-second step this code belongs to, within the window; None when it matches none."""
    code = _digits(code)
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now) // totp.interval
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().replace("-", "").encode()).hexdigest()


def _recovery_codes() -> list[str]:
    # 10 characters from 32 that cannot be mistaken for one another (no l/1, o/0), shown as
    # xxxxx-xxxxx: 50 bits, typed once in an emergency.
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Turn two-factor login on once the app shows the right code; returns the recovery codes
    to show once, or None when the code does not match the key being set up."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    codes = _recovery_codes()
    with committed():
        user.totp_secret = secret
        user.totp_last_step = step
        user.recovery_codes = [_hash(c) for c in codes]
        audit.record("due_fattori.attivato", target=f"Utente {user.id}")
    return codes


def disable(user: User) -> None:
    with committed():
        user.totp_secret = None
        user.totp_last_step = None
        user.recovery_codes = None
        audit.record("due_fattori.disattivato", target=f"Utente {user.id}")


def new_recovery_codes(user: User) -> list[str]:
    codes = _recovery_codes()
    with committed():
        user.recovery_codes = [_hash(c) for c in codes]
    return codes


def verify(user: User, code: str, now: float | None = None) -> bool:
    """A current code from the app, or an unused recovery code (then spent). The accepted step
    is written with a guarded UPDATE, so two requests racing with one code cannot both win."""
    if not user.two_factor_enabled:
        return False
    step = _matching_step(user.totp_secret, code, now)
    if step is not None:
        with committed():
            won = db.session.execute(
                update(User)
                .where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
                .values(totp_last_step=step)
            ).rowcount
        db.session.refresh(user)
        return bool(won)
    hashed = _hash(code)
    if hashed in (user.recovery_codes or []):
        with committed():
            user.recovery_codes = [h for h in user.recovery_codes if h != hashed]
        return True
    return False


def remaining_recovery_codes(user: User) -> int:
    return len(user.recovery_codes or [])


def required_for(user: User) -> bool:
    return bool(current_app.config.get("REQUIRE_2FA_FOR_ADMINS")) and user.is_admin
