"""One row per organizer action: never updated, never deleted from the web."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class AuditEntry(db.Model):
    """The log keeps plain numbers rather than foreign keys: an entry outlives the event, the
    registration or the account it names. Participants appear only by their registration's
    number; personal fields are recorded as changed, never with their values."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "evento.modificato", "accesso.fallito", "esportazione", … (see `ACTIONS`).
    action: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: The account's address when it acted, so the entry reads the same after the account changes.
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)
    registration_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: What was acted on, in words: "Evento 12", "Iscrizione 345", "Utente 3".
    target: Mapped[str] = mapped_column(String(300), default="")
    #: {field: [old, new]} for edits; personal fields as [PERSONAL_MARK, PERSONAL_MARK].
    changes: Mapped[dict | None] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
