"""A real SMTP server (aiosmtpd) on 127.0.0.1, and what it received, parsed by the email package."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Set to an SMTP reply such as "451 try later" to refuse the next messages.
    refuse_with: str | None = None
    #: Called with each accepted message (e.g. to kill a worker mid-batch).
    on_message: object = None

    def by_recipient(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


class Handler:
    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        if self.inbox.refuse_with:
            return self.inbox.refuse_with
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.inbox.lock:
            self.inbox.messages.append(message)
        if self.inbox.on_message:
            self.inbox.on_message(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.inbox = Inbox()
        self.port = port or free_port()
        self.controller = Controller(Handler(self.inbox), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


@contextmanager
def mail_sent_to(app, port: int) -> Iterator[None]:
    """The app's mail pointed at 127.0.0.1:port, and back where it was afterwards."""
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    app.extensions["mail"].server = "127.0.0.1"
    app.extensions["mail"].port = port
    yield
    app.config.update(saved)
    app.extensions["mail"].server = saved["MAIL_SERVER"]
    app.extensions["mail"].port = saved["MAIL_PORT"]


def calendar_part(message: email.message.EmailMessage):
    """The text/calendar alternative (what Gmail and Outlook show as an invitation)."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def attachment(message: email.message.EmailMessage, filename: str):
    for part in message.iter_attachments():
        if part.get_filename() == filename:
            return part
    return None
