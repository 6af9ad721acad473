"""Calendar downloads. This release has the one-event file; feeds follow the same rules."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, request, url_for

from app.calendar.ical import build_calendar, event_components, host_of
from app.events.services import get_public_event, load_programme

bp = Blueprint("calendar", __name__)


def _organizer() -> tuple[str, str]:
    config = current_app.config
    sender = config.get("MAIL_DEFAULT_SENDER") or f"noreply@{host_of(config['BASE_URL'])}"
    return config["ORGANIZATION_NAME"], sender if isinstance(sender, str) else sender[1]


def ics_response(body: bytes, filename: str, last_modified) -> Response:
    """text/calendar, never gzipped, with a strong ETag so clients can revalidate for free."""
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=900"
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.last_modified = last_modified
    return response.make_conditional(request)


@bp.get("/eventi/<slug>.ics")
def event_ics(slug: str):
    event = get_public_event(slug)
    if event is None:
        abort(404)
    load_programme(event)
    base = current_app.config["BASE_URL"]
    page_url = base + url_for("events.event_detail", slug=event.slug)
    components = event_components(event, page_url, host_of(base), _organizer())
    calendar = build_calendar(components, name=event.title)
    last_modified = max([event.updated_at] + [s.updated_at for s in event.sessions])
    return ics_response(calendar.to_ical(), f"{event.slug}.ics", last_modified)
