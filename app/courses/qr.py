"""The QR code a participant shows at the door: on their page, and as a PNG attached to the
message that confirms their seat. It encodes the signed check-in link (services.check_in_code):
the registration's id, never personal data nor the token of their page."""

from __future__ import annotations

import io

import segno
from flask_babel import force_locale

from app.courses import services as courses
from app.i18n import lazy_gettext as _l
from app.outbox.services import Attachment
from app.registrations import signals
from app.registrations.models import Registration
from app.urls import absolute_url

#: The attachment's name, which the message also mentions: in the participant's language.
PNG_NAME = _l("codice-accoglienza.png")


def check_in_url(registration: Registration) -> str:
    return absolute_url("manage_courses.qr_check_in", code=courses.check_in_code(registration))


def png(registration: Registration) -> bytes:
    """An image mail clients show inline or as an attachment (many block data URIs)."""
    buffer = io.BytesIO()
    segno.make(check_in_url(registration), error="m").save(buffer, kind="png", scale=6, border=3)
    return buffer.getvalue()


@signals.message_attachments.connect
def attach_check_in_code(registration: Registration, kind: str, **_) -> list[Attachment]:
    with force_locale(registration.locale):
        name = str(PNG_NAME)
    return [Attachment(name, "image/png", png(registration))]
