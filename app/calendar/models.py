"""Personal calendar feeds: one secret address per participant's email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.registrations.models import new_token
from app.timeutil import UTCDateTime, utcnow


class PersonalFeed(db.Model):
    """The key to the feed of every event one email address is registered for.

    Revoking it gives a new token: the old address stops working at once."""

    __tablename__ = "personal_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: When the current token was issued.
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
