"""The outbox: every email is a row first, written in the same transaction as its cause."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.constraints import one_of
from app.extensions import db
from app.privacy import PERSONAL
from app.timeutil import UTCDateTime, utcnow


class OutboxStatus(enum.StrEnum):
    #: Its cause is recorded, its words not yet: the worker writes it (services.write_unwritten)
    #: before sending, so that the request that caused it does not have to.
    UNWRITTEN = "unwritten"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What made it: one message per cause, ever (e.g. "reminder:42:event:7d").
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True, info=PERSONAL)
    #: The template it was written from, for the organizers' list (confirmed, reminder…).
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254), info=PERSONAL)
    recipient_name: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    #: Where answers go ("Name <address>" or an address): for a message an organizer wrote,
    #: MAIL_REPLY_TO or else that organizer; empty: MAIL_REPLY_TO at sending time, if set.
    reply_to: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300), info=PERSONAL)
    text_body: Mapped[str] = mapped_column(Text, info=PERSONAL)
    html_body: Mapped[str] = mapped_column(Text, info=PERSONAL)
    #: An iMIP invitation (text/calendar part and .ics attachment), with its METHOD.
    calendar: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    #: For an unwritten message, what its writer needs besides the rows its cause names (the
    #: lessons a change concerns, where the event was before it…); plain JSON.
    writer_context: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    #: Files sent along: [{"filename", "content_type", "data" (base64)}], or NULL.
    attachments: Mapped[list | None] = mapped_column(JSON, info=PERSONAL)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a worker took it: a row left 'sending' by a worker that died is taken again later.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"), index=True)

    __table_args__ = (
        CheckConstraint(one_of("status", OutboxStatus), name="status_known"),
        CheckConstraint("calendar IS NULL OR calendar_method IN ('REQUEST', 'CANCEL')", name="calendar_method_known"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )
