"""Personal calendar feeds: one secret address per email, listing every event that address is
registered for. Because it spans a person's registrations, its page opens only from a signed
link mailed to that address."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.registrations.models import PersonalFeed, new_token
from app.signing import sign, unsign
from app.timeutil import utcnow


def personal_feed_for(email: str) -> PersonalFeed:
    """The feed of everything this address is registered for, created the first time it is asked."""
    feed = db.session.scalar(select(PersonalFeed).where(PersonalFeed.email == email))
    if feed is None:
        feed = PersonalFeed(email=email, token=new_token(), issued_at=utcnow())
        db.session.add(feed)
        try:
            db.session.commit()
        except IntegrityError:  # created meanwhile by a concurrent request
            db.session.rollback()
            feed = db.session.scalar(select(PersonalFeed).where(PersonalFeed.email == email))
    return feed


def revoke_personal_feed(feed: PersonalFeed) -> PersonalFeed:
    feed.token = new_token()
    feed.issued_at = utcnow()
    db.session.commit()
    return feed


#: Salt of the signed links that open a personal feed's page (app.signing).
FEED_PAGE = "personal-feed"


def feed_page_token(feed: PersonalFeed) -> str:
    """The signed key to the page that shows a personal feed's address and replaces it. It is
    sent only by email, to the feed's own address, and stops working once the feed's address is
    replaced: whoever opens it has proved they read that mailbox."""
    return sign(FEED_PAGE, {"f": feed.id, "k": _digest(feed.token)})


def feed_from_page_token(token: str) -> PersonalFeed | None:
    payload = unsign(FEED_PAGE, token)
    if payload is None or not isinstance(payload.get("f"), int):
        return None
    feed = db.session.get(PersonalFeed, payload["f"])
    if feed is None or payload.get("k") != _digest(feed.token):
        return None
    return feed


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def get_personal_feed(token: str) -> PersonalFeed | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(PersonalFeed).where(PersonalFeed.token == token))
