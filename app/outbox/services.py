"""The outbox's surface: write an email from its templates, put it in the outbox inside the
caller's transaction, and retry what failed. It knows no domain: the domains decide what to say
and to whom (registrations/notifications.py…); the worker (delivery.py) sends it later.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.locks import is_sqlite, take_sqlite_write_lock
from app.outbox.models import OutboxMessage, OutboxStatus
from app.text import one_line
from app.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass
class Email:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a certificate's PDF…)."""

    filename: str
    content_type: str
    data: bytes

    def stored(self) -> dict:
        return {
            "filename": one_line(self.filename)[:200],
            "content_type": self.content_type,
            "data": base64.b64encode(self.data).decode("ascii"),
        }


_silenced: ContextVar[bool] = ContextVar("outbox_silenced", default=False)


@contextmanager
def silenced():
    """Changes made inside write no email: for loading demo or imported data about people who
    never asked to hear from us. What the domains record is still recorded."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def is_silenced() -> bool:
    return _silenced.get()


def _render_alone(name: str, context: dict) -> str:
    """A template rendered from its own context and the app's plain globals only. Flask makes
    the current request's `request`, `session` and `g` visible to every template: an email
    written while someone is signed in must not see their session (a template asking
    `if session` would read it) nor depend on who happened to cause it."""
    request_bound = {"request": None, "session": None, "g": None}
    return current_app.jinja_env.get_template(name).render({**request_bound, **context})


def render_email(template: str, locale: str, subject, subject_values: dict | None = None, **context) -> Email:
    """templates/email/<template>.txt and .html in the recipient's language. `subject` is a
    (lazy) text, filled with `subject_values` in that language. Needs only the application
    context: links come in `context`, built by the caller with app.urls.absolute_url."""
    with force_locale(locale):
        subject = one_line(str(subject) % subject_values if subject_values is not None else str(subject))
        context.setdefault("organization", current_app.config["ORGANIZATION_NAME"])
        context.setdefault("base_url", current_app.config["BASE_URL"])
        context.update(subject=subject, locale=locale)
        text = _render_alone(f"email/{template}.txt", context)
        html = _render_alone(f"email/{template}.html", context)
    # Template tags leave blank lines behind; a message reads better without them.
    lines = "\n".join(line if line == "-- " else line.rstrip() for line in text.strip().splitlines())
    return Email(subject, re.sub(r"\n{3,}", "\n\n", lines) + "\n", html)


def _record(**values) -> int | None:
    """Insert one outbox row in the caller's transaction, in one statement that a cause already
    recorded leaves alone (INSERT … ON CONFLICT DO NOTHING on `dedupe_key`, which also makes a
    concurrent writer of the same cause lose quietly). Its id; None when the cause already had
    its message, or while silenced."""
    if _silenced.get():
        return None
    now = utcnow()
    values = {"status": OutboxStatus.QUEUED, "attempts": 0, "next_attempt_at": now, "created_at": now, **values}
    insert = sqlite_insert if is_sqlite() else postgresql_insert
    return db.session.scalar(
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[OutboxMessage.dedupe_key])
        .returning(OutboxMessage.id)
    )


def queue(
    dedupe_key: str,
    kind: str,
    email: Email,
    *,
    recipient: str,
    recipient_name: str | None = None,
    calendar: bytes | None = None,
    calendar_method: str | None = None,
    registration_id: int | None = None,
    event_id: int | None = None,
    broadcast_id: int | None = None,
    reply_to: str | None = None,
    attachments: list[Attachment] | None = None,
) -> int | None:
    """Add a message to the outbox in the caller's transaction; its id. None when its cause
    already has one (`dedupe_key`: one message per cause, ever), or while silenced.
    `attachments` are stored with the row, so the worker sends what was decided now."""
    return _record(
        dedupe_key=dedupe_key,
        kind=kind,
        recipient=recipient,
        recipient_name=recipient_name,
        subject=email.subject[:300],
        text_body=email.text,
        html_body=email.html,
        calendar=calendar.decode() if calendar else None,
        calendar_method=calendar_method,
        registration_id=registration_id,
        event_id=event_id,
        broadcast_id=broadcast_id,
        reply_to=reply_to,
        attachments=[attachment.stored() for attachment in attachments] if attachments else None,
    )


def queue_unwritten(
    dedupe_key: str,
    kind: str,
    *,
    recipient: str,
    recipient_name: str | None = None,
    registration_id: int | None = None,
    event_id: int | None = None,
    context: dict | None = None,
) -> int | None:
    """Record in the caller's transaction that a message is owed, without its words: the
    worker writes it (write_unwritten) with the writer its domain registered for the first part
    of `dedupe_key`, then sends it. For messages caused by a request that must stay short (a
    registration: rendering the confirmation, its invitation and its QR code took most of the
    request, under the event's lock). `context`: plain JSON its writer needs besides the rows
    the cause names. Its id; None as for `queue`."""
    return _record(
        dedupe_key=dedupe_key,
        kind=kind,
        recipient=recipient,
        recipient_name=recipient_name,
        subject="",
        text_body="",
        html_body="",
        status=OutboxStatus.UNWRITTEN,
        registration_id=registration_id,
        event_id=event_id,
        writer_context=context,
    )


def fill(
    message: OutboxMessage,
    email: Email,
    *,
    calendar: bytes | None = None,
    calendar_method: str | None = None,
    attachments: list[Attachment] | None = None,
) -> int:
    """Write the words of an unwritten message (a writer's job); it is then sent as any other."""
    message.subject = email.subject[:300]
    message.text_body = email.text
    message.html_body = email.html
    message.calendar = calendar.decode() if calendar else None
    message.calendar_method = calendar_method
    message.attachments = [attachment.stored() for attachment in attachments] if attachments else None
    message.status = OutboxStatus.QUEUED
    message.next_attempt_at = utcnow()
    message.writer_context = None
    return message.id


#: Who writes an unwritten message, by the first part of its dedupe key ("activity"…).
_writers: dict[str, Callable[[OutboxMessage], None]] = {}


def writer(prefix: str):
    """Register the function that writes unwritten messages whose dedupe key starts with
    `prefix:`. It fills the message (`fill`) or, when nothing is to be said any more, deletes it."""

    def register(function: Callable[[OutboxMessage], None]) -> Callable[[OutboxMessage], None]:
        _writers[prefix] = function
        return function

    return register


def _take_unwritten(limit: int, up_to: int) -> list[OutboxMessage]:
    """Up to `limit` unwritten messages (ids up to `up_to`), locked for this transaction: several
    workers never write the same one."""
    take_sqlite_write_lock(OutboxMessage)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.UNWRITTEN, OutboxMessage.id <= up_to)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if not is_sqlite():
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


#: Messages written per transaction. On SQLite each batch holds the database's only write lock,
#: which registrations wait for: a few at a time there.
WRITE_BATCH = 50
SQLITE_WRITE_BATCH = 5


def write_unwritten(stop: threading.Event | None = None) -> int:
    """Write the messages owed when this pass began (the ones recorded meanwhile wait for the
    next pass, so a rush of registrations never holds back the sending), a batch per
    transaction, each by its domain's writer. One that cannot be written fails alone, with the
    reason, for an organizer to see; the rest go on. Stops between batches when asked. Returns
    how many were taken."""
    up_to = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    db.session.commit()
    size = SQLITE_WRITE_BATCH if is_sqlite() else WRITE_BATCH
    taken = 0
    while not (stop and stop.is_set()) and (batch := _take_unwritten(size, up_to)):
        for message in batch:
            write = _writers.get(message.dedupe_key.split(":", 1)[0])
            try:
                with db.session.begin_nested():
                    if write is None:
                        raise LookupError(f"nessuno scrive i messaggi {message.dedupe_key!r}")
                    write(message)
                    db.session.flush()
                    if message in db.session and message.status == OutboxStatus.UNWRITTEN:
                        raise RuntimeError("il messaggio non è stato scritto")
            except Exception as error:  # one message must not hold back the others
                log.exception("outbox %s cannot be written", message.id)
                message.status = OutboxStatus.FAILED
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
        taken += len(batch)
    db.session.commit()
    return taken


def withdraw_queued(event_id: int, kind: str) -> int:
    """Drop messages of a kind about an event that are still waiting to be sent (reminders
    written for a date that has changed). Returns how many went."""
    result = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.event_id == event_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.QUEUED,
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def retry(*message_ids: int) -> int:
    """An organizer asks to try failed messages again, now; none given: every failed one (one
    that could not be written is written again first). Returns how many were queued again."""
    query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if message_ids:
        query = query.where(OutboxMessage.id.in_(message_ids))
    never_written = OutboxMessage.text_body == ""
    status = case((never_written, OutboxStatus.UNWRITTEN.value), else_=OutboxStatus.QUEUED.value)
    result = db.session.execute(
        query.values(status=status, attempts=0, next_attempt_at=utcnow()),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.commit()
    return result.rowcount


# -- what the organizer sees ---------------------------------------------------------------------


def status_counts(*, event_id: int | None = None, broadcast_id: int | None = None) -> dict[str, int]:
    """How many messages are in each status (every status present, zero or not): all of them,
    or those about one event or of one broadcast."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if event_id is not None:
        query = query.where(OutboxMessage.event_id == event_id)
    if broadcast_id is not None:
        query = query.where(OutboxMessage.broadcast_id == broadcast_id)
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update(dict(db.session.execute(query).all()))
    return counts


def messages_query(status: str | None = None):
    """The outbox as an organizer reads it, optionally one status only: failures first, since
    they are what an organizer must act on, then the newest."""
    query = select(OutboxMessage)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    return query.order_by(case((OutboxMessage.status == OutboxStatus.FAILED, 0), else_=1), OutboxMessage.id.desc())
