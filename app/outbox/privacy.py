"""What the outbox holds about a person (every message written to them) and how it goes: bodies,
invitations and attachments blanked, the address replaced; delivered bodies purged after
OUTBOX_KEEP_DAYS by each worker pass."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, and_, cast, func, literal, null, or_, select, update

from app import privacy
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.signals import worker_pass
from app.timeutil import utcnow


def _messages_of(subject: privacy.Subject):
    """The messages of these registrations, and those written to these addresses for no registration."""
    return or_(
        OutboxMessage.registration_id.in_(subject.registration_ids),
        and_(OutboxMessage.registration_id.is_(None), OutboxMessage.recipient.in_(subject.emails)),
    )


def _export(subject: privacy.Subject) -> list[dict]:
    messages = db.session.scalars(select(OutboxMessage).where(_messages_of(subject)).order_by(OutboxMessage.id))
    return [
        {
            "kind": message.kind,
            "recipient": message.recipient,
            "subject": message.subject,
            "status": message.status,
            "created_at": message.created_at.isoformat(),
            "sent_at": message.sent_at.isoformat() if message.sent_at else None,
            "text": message.text_body,
        }
        for message in messages
    ]


def _anonymise(subject: privacy.Subject) -> None:
    """Blank every message to the person. Rows stay, so that a cause never writes its message
    again (dedupe_key), but one that still named the address gets a key of its own; what was
    not yet sent never will be."""
    where = _messages_of(subject)
    db.session.execute(
        update(OutboxMessage)
        .where(where, OutboxMessage.status.in_((OutboxStatus.UNWRITTEN, OutboxStatus.QUEUED, OutboxStatus.SENDING)))
        .values(status=OutboxStatus.FAILED, claimed_at=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(OutboxMessage)
        .where(where, OutboxMessage.dedupe_key.contains("@"))
        .values(dedupe_key=literal("anonimo:", String) + cast(OutboxMessage.id, String)),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(OutboxMessage)
        .where(where)
        .values(
            recipient=literal("anonimo-", String) + cast(OutboxMessage.id, String) + "@anonimo.invalid",
            recipient_name=None,
            subject="",
            text_body="",
            html_body="",
            calendar=None,
            calendar_method=None,
            attachments=null(),
            last_error=None,
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()


privacy.register(
    privacy.Shredder(
        name="messaggi",
        export=_export,
        anonymise=_anonymise,
        covers=frozenset(
            f"outbox.{column}"
            for column in (
                "dedupe_key",
                "recipient",
                "recipient_name",
                "subject",
                "text_body",
                "html_body",
                "calendar",
                "attachments",
                "last_error",
            )
        ),
        keeps={
            "outbox.kind": "the template's name",
            "outbox.reply_to": "the association's or the organizer's address, not the participant's",
            "outbox.calendar_method": "REQUEST or CANCEL",
            "outbox.status": "a state",
            "outbox.writer_context": "lesson ids and the event's former date and place, cleared once written",
        },
    )
)


# -- delivered bodies go sooner ----------------------------------------------------------------------


def _purgeable(now: datetime):
    cutoff = now - timedelta(days=current_app.config["OUTBOX_KEEP_DAYS"])
    return (
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at < cutoff,
        or_(
            OutboxMessage.text_body != "",
            OutboxMessage.html_body != "",
            # Every message has a text body: once it is blank, the row is done.
            OutboxMessage.calendar.is_not(None),
        ),
    )


def purgeable_count(now: datetime | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*_purgeable(now or utcnow())))


def purge_delivered_bodies(now: datetime | None = None) -> int:
    """Blank the bodies, invitations and attachments of messages delivered more than
    OUTBOX_KEEP_DAYS ago; who got what and when stays for the organizers' list. Commits."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(*_purgeable(now or utcnow()))
        .values(text_body="", html_body="", calendar=None, calendar_method=None, attachments=null()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount


@worker_pass.connect
def _on_worker_pass(_sender, now: datetime | None = None, **_) -> int:
    return purge_delivered_bodies(now)
