"""The messages of the courses domain: each certificate sent to its holder, PDF attached, once;
after the event, a follow-up to each attendee with the materials and the feedback link, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.courses import certificates, feedback
from app.courses.models import Certificate
from app.events.models import Event
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.i18n import localized
from app.outbox import services as outbox
from app.outbox.models import OutboxMessage
from app.outbox.signals import worker_pass
from app.registrations.models import Registration
from app.registrations.notifications import participant_url
from app.transaction import committed
from app.urls import absolute_url

SUBJECT = _l("Attestato di partecipazione: %(title)s")


def dedupe_key(certificate: Certificate) -> str:
    """One message per certificate, ever: a certificate issued again after a revocation is a
    new row, with a new code, and is sent again."""
    return f"certificate:{certificate.id}"


def sendable(event: Event) -> list[Certificate]:
    """The course's valid certificates whose holder is still registered (an email to write to)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.event_id == event.id,
                Certificate.revoked_at.is_(None),
                Certificate.registration_id.is_not(None),
            )
            .order_by(Certificate.id)
        )
    )


def queue_certificate(certificate: Certificate) -> bool:
    """Put the certificate's message in the outbox, in the caller's transaction. False when it
    was already written once (or cannot be: revoked, or its registration erased)."""
    registration = certificate.registration
    if registration is None or certificate.is_revoked:
        return False
    email = outbox.render_email(
        "certificate",
        certificate.locale or registration.locale,
        SUBJECT,
        {"title": certificate.facts["course"]},
        registration=registration,
        facts=certificate.facts,
        code=certificate.code,
        verify_url=certificates.verification_url(certificate),
        manage_url=participant_url("registrations.registration", registration, token=registration.token),
    )
    attachment = outbox.Attachment(
        certificates.filename(certificate), "application/pdf", certificates.render_pdf(certificate)
    )
    message = outbox.queue(
        dedupe_key(certificate),
        "certificate",
        email,
        recipient=registration.email,
        recipient_name=registration.full_name,
        registration_id=registration.id,
        event_id=certificate.event_id,
        attachments=[attachment],
    )
    return message is not None


def send_certificates(event: Event) -> int:
    """Every valid certificate of the course to its holder, at most once each. Returns how many
    messages were written now."""
    queued = 0
    with committed():
        already = set(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.event_id == event.id, OutboxMessage.kind == "certificate"
                )
            )
        )
        for certificate in sendable(event):
            if dedupe_key(certificate) in already:
                continue  # no PDF rendered for a message that would be refused anyway
            queued += queue_certificate(certificate)
    return queued


# -- after the event -------------------------------------------------------------------------------

FOLLOW_UP_SUBJECT = _l("Grazie per la partecipazione: %(title)s")


def _material_links(event: Event, language: str) -> list[tuple[str, str]]:
    return [
        (
            localized(material, "title", language),
            material.url
            or absolute_url(
                "events.material_file", material_id=material.id, filename=material.original_name or material.stored_name
            ),
        )
        for material in event.materials
    ]


def queue_follow_up(registration: Registration, event: Event) -> bool:
    """The follow-up to one attendee, in the caller's transaction. False when it was written
    already (one per registration, ever) or the outbox is silenced."""
    email = outbox.render_email(
        "follow_up",
        registration.locale,
        FOLLOW_UP_SUBJECT,
        {"title": localized(event, "title", registration.locale)},
        registration=registration,
        event=event,
        materials=_material_links(event, registration.locale),
        event_url=participant_url("events.event_detail", registration, slug=event.slug),
        feedback_url=participant_url("courses.feedback_form", registration, code=feedback.link_code(registration)),
        manage_url=participant_url("registrations.registration", registration, token=registration.token),
    )
    message = outbox.queue(
        feedback.follow_up_key(registration),
        feedback.KIND,
        email,
        recipient=registration.email,
        recipient_name=registration.full_name,
        registration_id=registration.id,
        event_id=event.id,
    )
    return message is not None


def queue_follow_ups(now: datetime | None = None) -> int:
    """For each published event that ended in the last week, the follow-up to everyone who
    attended, once each. Returns how many messages were written now."""
    if outbox.is_silenced():
        return 0
    queued = 0
    for event in feedback.recently_ended(now):
        people = feedback.attendees(event)
        if not people:
            continue
        already = set(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.event_id == event.id, OutboxMessage.kind == feedback.KIND
                )
            )
        )
        with committed():
            for registration in people:
                if feedback.follow_up_key(registration) not in already:
                    queued += queue_follow_up(registration, event)
    return queued


@worker_pass.connect
def _on_worker_pass(_sender, now: datetime | None = None, **_kwargs) -> int:
    return queue_follow_ups(now)
