"""GET /api/v1/events and /api/v1/events/<slug>: public fields only, stable names; the content
in the language asked for (?lang=it|en|fr, else Accept-Language), else Italian."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale

from app.events import services
from app.events.models import Event, EventSession
from app.events.routes import filters_from_request
from app.extensions import csrf
from app.i18n import localized
from app.inputs import MAX_PAGE, int_arg
from app.registrations import services as registrations
from app.text import html_to_text
from app.urls import absolute_url

bp = Blueprint("api", __name__)
csrf.exempt(bp)


def api_language() -> str | None:
    """?lang= if given (None when it names no language of the site), else the best language of
    Accept-Language, else Italian. No cookie: the API answers the same to every client that
    asks the same way."""
    languages = list(current_app.config["LANGUAGES"])
    if "lang" in request.args:
        chosen = request.args.get("lang")
        return chosen if chosen in languages else None
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def in_language(view):
    """Runs the view in the language asked for and says which it is (Content-Language); the
    answer varies with Accept-Language, so shared caches must key on it."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        language = api_language()
        if language is None:
            languages = ", ".join(current_app.config["LANGUAGES"])
            return jsonify({"error": {"status": 400, "message": f"lang must be one of {languages}"}}), 400
        with force_locale(language):
            response = current_app.make_response(view(*args, **kwargs))
        response.headers["Content-Language"] = language
        response.vary.add("Accept-Language")
        return response

    return wrapper


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def event_summary(event: Event, numbers: dict[int, int]) -> dict:
    return {
        "slug": event.slug,
        "title": localized(event, "title"),
        "type": event.type.slug,
        "type_label": localized(event.type, "label"),
        "status": event.status,
        "start": _iso(event.starts_at),
        "end": _iso(event.ends_at),
        "all_day": event.all_day,
        "attendance_mode": event.attendance_mode,
        "comune": event.venue.comune if event.has_venue else None,
        "series": event.series.slug if event.series else None,
        "series_number": numbers.get(event.id),
        "summary": localized(event, "summary"),
        "url": absolute_url("events.event_detail", slug=event.slug),
    }


def _venue(venue) -> dict | None:
    if venue is None:
        return None
    return {
        "name": venue.name,
        "address": venue.address,
        "comune": venue.comune,
        "latitude": venue.latitude,
        "longitude": venue.longitude,
    }


def _organization(org) -> dict:
    return {"name": org.name, "acronym": org.acronym, "country": org.country, "website": org.website}


def _session(session: EventSession) -> dict:
    return {
        "position": session.position,
        "title": localized(session, "title"),
        "description": localized(session, "description"),
        "start": _iso(session.starts_at),
        "end": _iso(session.ends_at),
        "venue": _venue(session.venue),
        # A reserved meeting's links reach its confirmed participants only, never the open data.
        "online_url": session.online_url if session.event.online_url_public else None,
        "speakers": [
            {
                "name": s.name,
                "role": s.role,
                "organization": _organization(s.organization) if s.organization else None,
            }
            for s in session.speakers
        ],
    }


def event_detail(event: Event, numbers: dict[int, int], waitlist_count: int) -> dict:
    data = event_summary(event, numbers)
    data.update(
        {
            "description_html": localized(event, "description_html"),
            "description_text": html_to_text(localized(event, "description_html")),
            "opening_hours": event.opening_hours,
            "venue": _venue(event.venue) if event.has_venue else None,
            "online_url": event.online_url if event.has_online and event.online_url_public else None,
            "cancellation_reason": event.cancellation_reason if event.is_cancelled else None,
            "postponement_note": event.postponement_note if event.is_postponed else None,
            "series_title": localized(event.series, "title") if event.series else None,
            "themes": [{"slug": t.slug, "name": localized(t, "name")} for t in event.themes],
            "organizers": [_organization(o) for o in event.organizers],
            "partners": [_organization(o) for o in event.partners],
            "registration_required": event.registration_required,
            "registration_opens": _iso(event.registration_opens_at),
            "registration_closes": _iso(event.registration_closes_at),
            "registration_open": event.registration_is_open,
            "registration_moderated": event.registration_moderated,
            "capacity": event.capacity,
            # Counts only: no personal data of participants in the public API.
            "seats_left": event.seats_left,
            "waitlist_count": waitlist_count,
            "sessions": [_session(s) for s in event.sessions],
            "materials": [
                {
                    "title": localized(m, "title"),
                    "url": m.url or absolute_url("events.material_file", material_id=m.id, filename=m.original_name),
                }
                for m in event.materials
            ],
            "updated": _iso(event.updated_at),
        }
    )
    return data


@bp.get("/events")
@in_language
def list_events():
    filters = filters_from_request()
    page = int_arg("page", low=1, high=MAX_PAGE)
    if page is None and "page" in request.args:
        return jsonify({"error": {"status": 400, "message": f"page must be an integer from 1 to {MAX_PAGE}"}}), 400
    when = request.args.get("when", "upcoming")
    if when not in ("upcoming", "past", "all"):
        return jsonify({"error": {"status": 400, "message": "when must be upcoming, past or all"}}), 400
    pagination = services.paginate_events(
        filters,
        when=when,
        page=page or 1,
        per_page=current_app.config["EVENTS_PER_PAGE"],
    )
    numbers = services.series_numbers(pagination.items)
    return jsonify(
        {
            "items": [event_summary(e, numbers) for e in pagination.items],
            "page": pagination.page,
            "pages": pagination.pages,
            "total": pagination.total,
        }
    )


@bp.get("/events/<slug>")
@in_language
def get_event(slug: str):
    event = services.get_public_event(slug, programme=True)
    if event is None:
        return jsonify({"error": {"status": 404, "message": "event not found"}}), 404
    return jsonify(event_detail(event, services.series_numbers([event]), registrations.waitlist_count(event.id)))
