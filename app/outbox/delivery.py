"""Delivering the outbox: claim due rows, send them over one SMTP connection, record the result.

Claims are short transactions of their own. On PostgreSQL they use SELECT … FOR UPDATE SKIP
LOCKED, so several workers on several machines never take the same row; on SQLite the single
writer lock does the same. A row is marked sent right after the server accepted it, so a worker
killed mid-batch leaves at most the message in flight to be sent again once its claim expires.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from email_validator import validate_email
from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.extensions import db, mail
from app.locks import is_sqlite, take_sqlite_write_lock
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import write_unwritten
from app.text import one_line
from app.timeutil import utcnow
from app.urls import host_of

log = logging.getLogger(__name__)

#: Failures worth trying again later: the server or the network, not the message.
TRANSIENT = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError, OSError)


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def build_mime(message: OutboxMessage) -> MIMEMultipart:
    """multipart/alternative text + HTML (+ text/calendar with its METHOD, for Gmail and
    Outlook to show an invitation), and the same calendar as an .ics attachment; the stored
    attachments, if any, after it.

    Built with the email package's classic MIME classes: they write the same standard
    message as EmailMessage, several times faster, which matters at thousands per batch."""
    config = current_app.config
    sender_name, sender_address = parseaddr(config["MAIL_DEFAULT_SENDER"])
    alternative = MIMEMultipart("alternative")
    # Quoted-printable keeps every line short, whatever the template wrote (RFC 5321: 998).
    alternative.attach(_text_part(message.text_body, "plain"))
    alternative.attach(_text_part(message.html_body, "html"))
    if message.calendar:
        invite = _text_part(message.calendar, "calendar")
        invite.set_param("method", message.calendar_method)
        alternative.attach(invite)
        mime = MIMEMultipart("mixed")
        mime.attach(alternative)
        attachment = MIMEApplication(message.calendar.encode(), "ics")
        name = "invito.ics" if message.calendar_method == "REQUEST" else "annullamento.ics"
        attachment.add_header("Content-Disposition", "attachment", filename=name)
        mime.attach(attachment)
    else:
        mime = alternative
    if message.attachments:
        if mime is alternative:
            mime = MIMEMultipart("mixed")
            mime.attach(alternative)
        for stored in message.attachments:
            mime.attach(_attachment_part(stored))
    mime["From"] = formataddr(
        (sender_name or config["ORGANIZATION_NAME"], ascii_address(sender_address)), charset="utf-8"
    )
    # Whatever was stored, a header gets one line: no way to smuggle in another header.
    subject = one_line(message.subject)
    mime["To"] = formataddr((one_line(message.recipient_name), ascii_address(message.recipient)), charset="utf-8")
    reply_to = message.reply_to or config.get("MAIL_REPLY_TO")
    if reply_to:
        reply_name, reply_address = parseaddr(one_line(reply_to))
        mime["Reply-To"] = formataddr((reply_name, ascii_address(reply_address)), charset="utf-8")
    mime["Subject"] = subject if subject.isascii() else Header(subject, _B64_UTF8, header_name="Subject")
    mime["Date"] = format_datetime(utcnow())
    # Stable per outbox row: if a message ever goes out twice, clients can tell it is the same.
    mime["Message-ID"] = f"<outbox-{message.id}.{message.dedupe_key.replace(':', '.')}@{host_of(config['BASE_URL'])}>"
    mime["Auto-Submitted"] = "auto-generated"
    return mime


#: What goes on the wire: SMTP wants CRLF line ends, which the classic classes do not default to.
WIRE = compat32.clone(linesep="\r\n")
_QP_UTF8 = Charset("utf-8")
_QP_UTF8.body_encoding = QP
#: Headers in base64 encoded-words: the email package's "shortest of QP and base64" costs more
#: than the sending itself.
_B64_UTF8 = Charset("utf-8")
_B64_UTF8.header_encoding = BASE64


def ascii_address(address: str) -> str:
    """The address as SMTP and headers carry it: a domain such as città.it in its ASCII form
    (IDNA, xn--…). Letters outside ASCII before the @ would need SMTPUTF8, which few servers
    offer: the registration form refuses them, and an address stored before raises here, so
    its message fails alone with the reason recorded."""
    if address.isascii():
        return address
    return validate_email(address, check_deliverability=False, allow_smtputf8=False).ascii_email


def _attachment_part(stored: dict) -> MIMEBase:
    """A stored attachment as a base64 MIME part; its name encoded (RFC 2231) when not ASCII."""
    maintype, _, subtype = (stored.get("content_type") or "application/octet-stream").partition("/")
    part = MIMEBase(maintype, subtype or "octet-stream")
    part.set_payload(base64.b64decode(stored["data"]))
    encoders.encode_base64(part)
    filename = one_line(stored.get("filename")) or "allegato"
    part.add_header(
        "Content-Disposition", "attachment", filename=filename if filename.isascii() else ("utf-8", "", filename)
    )
    return part


def _text_part(text: str, subtype: str) -> MIMEText:
    return MIMEText(text, subtype, _QP_UTF8)


def _claim(limit: int) -> list[OutboxMessage]:
    """Take up to `limit` due rows for this worker, in a transaction of their own."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = or_(
        and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at <= now - lease),
    )
    take_sqlite_write_lock(OutboxMessage)  # so the rows read are still free when updated
    candidates = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if not is_sqlite():
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.commit()
        return []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    batch = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )
    # Detached copies: each result below is its own small UPDATE and commit, and must not make
    # the session expire and reload the whole batch every time.
    for message in batch:
        db.session.expunge(message)
    return batch


def _backoff(attempts: int) -> timedelta:
    base = current_app.config["OUTBOX_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _set(message: OutboxMessage, **values) -> None:
    """Record one message's outcome at once: a single autocommitted UPDATE, one round trip,
    since this runs once per message sent."""
    table = OutboxMessage.__table__
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(update(table).where(table.c.id == message.id).values(**values))
    for name, value in values.items():
        setattr(message, name, value)


def _mark_sent(message: OutboxMessage) -> None:
    _set(message, status=OutboxStatus.SENT, sent_at=utcnow(), last_error=None)


def _mark_failure(message: OutboxMessage, error: Exception, *, permanent: bool, report: Report) -> None:
    last_error = f"{type(error).__name__}: {error}"[:2000]
    if permanent or message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _set(message, status=OutboxStatus.FAILED, last_error=last_error)
        report.failed += 1
        log.warning("outbox %s failed for good: %s", message.id, last_error)
    else:
        _set(
            message,
            status=OutboxStatus.QUEUED,
            next_attempt_at=utcnow() + _backoff(message.attempts),
            last_error=last_error,
        )
        report.retried += 1


def _release(messages: list[OutboxMessage]) -> None:
    """Give back rows claimed but not tried (the worker is stopping)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in messages]), OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.QUEUED, attempts=OutboxMessage.attempts - 1, claimed_at=None)
    )
    db.session.commit()


class FileTransport:
    """Without MAIL_SERVER: each message becomes an .eml file in instance/mail/, to open and read."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, message: OutboxMessage, payload: bytes) -> None:
        path = self.folder / f"{message.id:06d}-{message.kind}.eml"
        path.write_bytes(payload)
        log.info("mail for %s written to %s", message.recipient, path)


class SmtpTransport:
    """One SMTP connection for the whole batch, opened by Flask-Mail from the MAIL_* settings."""

    def __enter__(self):
        self.connection = mail.connect().__enter__()
        return self

    def __exit__(self, *exc):
        # The server may have gone away after accepting our messages: nothing to undo then.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.__exit__(*exc)
        return False

    def send(self, message: OutboxMessage, payload: bytes) -> None:
        sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
        self.connection.host.sendmail(ascii_address(sender), [ascii_address(message.recipient)], payload)


def transport():
    if current_app.config.get("MAIL_SERVER"):
        return SmtpTransport()
    return FileTransport(Path(current_app.config["MAIL_FOLDER"]))


def deliver_due(stop: threading.Event | None = None, max_batches: int | None = None) -> Report:
    """Deliver every due message, batch after batch, until none is left (or asked to stop);
    messages owed but not yet written are written first."""
    write_unwritten(stop)
    report = Report()
    batches = 0
    size = current_app.config["OUTBOX_BATCH_SIZE"]
    while not (stop and stop.is_set()) and (max_batches is None or batches < max_batches):
        batch = _claim(size)
        if not batch:
            break
        batches += 1
        _deliver_batch(batch, report, stop)
    return report


def _deliver_batch(batch: list[OutboxMessage], report: Report, stop: threading.Event | None) -> None:
    try:
        with transport() as channel:
            for index, message in enumerate(batch):
                if stop and stop.is_set():
                    _release(batch[index:])
                    return
                try:
                    payload = build_mime(message).as_bytes(policy=WIRE)
                except Exception as error:  # a message that cannot be written must not block the rest
                    log.exception("outbox %s cannot be built", message.id)
                    _mark_failure(message, error, permanent=True, report=report)
                    continue
                try:
                    channel.send(message, payload)
                except smtplib.SMTPRecipientsRefused as error:
                    _mark_failure(message, error, permanent=_permanent(error), report=report)
                    continue
                except smtplib.SMTPResponseException as error:
                    _mark_failure(message, error, permanent=500 <= error.smtp_code < 600, report=report)
                    if error.smtp_code in (421,):  # the server is closing the connection
                        for rest in batch[index + 1 :]:
                            _mark_failure(rest, error, permanent=False, report=report)
                        return
                    continue
                _mark_sent(message)
                report.sent += 1
    except TRANSIENT as error:
        # The connection could not be opened or broke: whatever is not sent yet waits and retries.
        db.session.rollback()
        for message in batch:
            if message.status == OutboxStatus.SENDING:
                _mark_failure(message, error, permanent=False, report=report)


def _permanent(error: smtplib.SMTPRecipientsRefused) -> bool:
    codes = [code for code, _ in error.recipients.values()]
    return all(500 <= code < 600 for code in codes)
