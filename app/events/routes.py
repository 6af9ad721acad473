"""Public pages: home, event list and detail, month calendar, archive, series, materials."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_from_directory
from flask_login import current_user
from sqlalchemy import select

from app.events import services
from app.events.models import PUBLIC_STATUSES, EventType, Material, Series
from app.extensions import db
from app.inputs import MAX_YEAR, MIN_YEAR, int_arg, month_arg, page_arg, text_arg
from app.timeutil import ROME, month_bounds, today_rome

bp = Blueprint("events", __name__)

#: Events lasting at least this many days are not repeated in every cell of the month view.
LONG_EVENT_DAYS = 3


def _filter_choices() -> dict:
    choices = services.filter_choices()
    return {"types": choices.types, "series_list": choices.series, "themes": choices.themes, "comuni": choices.comuni}


def _status_of(pagination) -> int:
    """404 for a page past the last (an old link: the page says so and links the first)."""
    return 404 if pagination.page > 1 and not pagination.items else 200


def filters_from_request() -> services.EventFilters:
    """The list filters of the query string (same names for the HTML list and the JSON API)."""
    return services.EventFilters(
        type=text_arg("type", 40),
        series=text_arg("series"),
        theme=text_arg("theme"),
        month=month_arg("month"),
        comune=text_arg("comune"),
        q=text_arg("q", 200),
    )


@bp.get("/")
def home():
    # A postponed event keeps its old place in time but has no date: dated events come first.
    groups = [
        (event_type, sorted(events, key=lambda e: e.is_postponed)) for event_type, events in services.upcoming_by_type()
    ]
    return render_template("events/home.html", groups=groups)


@bp.get("/eventi")
def event_list():
    filters = filters_from_request()
    pagination = services.paginate_events(filters, page=page_arg(), per_page=current_app.config["EVENTS_PER_PAGE"])
    numbers = services.series_numbers(pagination.items)
    return render_template(
        "events/list.html",
        pagination=pagination,
        numbers=numbers,
        filters=filters,
        **_filter_choices(),
    ), _status_of(pagination)


@bp.get("/eventi/<slug>")
def event_detail(slug: str):
    event = services.get_public_event(slug, programme=True)
    if event is None:
        abort(404)
    number = services.series_numbers([event]).get(event.id)
    return render_template(
        "events/detail.html",
        event=event,
        series_label=services.series_label(event, number),
    )


@bp.get("/archivio")
def archive():
    filters = filters_from_request()
    pagination = services.paginate_events(
        filters,
        when="past",
        page=page_arg(),
        per_page=current_app.config["EVENTS_PER_PAGE"],
    )
    return render_template(
        "events/archive.html",
        pagination=pagination,
        numbers=services.series_numbers(pagination.items),
        filters=filters,
        **_filter_choices(),
    ), _status_of(pagination)


@bp.get("/calendario")
def month_calendar():
    today = today_rome()
    year = int_arg("anno", low=MIN_YEAR, high=MAX_YEAR) or today.year
    month = int_arg("mese", low=1, high=12) or today.month
    start, end = month_bounds(year, month)
    events = services.events_in_range(start, end)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    grid_first, grid_last = weeks[0][0], weeks[-1][-1]
    # Each cell holds (event, lesson): a course is on the days of its lessons, each at its
    # own time, not only on its first day. Long events without lessons (an exhibition of
    # several weeks) are listed once above the grid and shown only on their first day,
    # instead of filling every cell they span.
    long_events = [e for e in events if (e.last_day - e.first_day).days >= LONG_EVENT_DAYS]
    by_day: dict[date, list] = {}
    for event in events:
        if event.lessons:
            for lesson in event.lessons:
                day = lesson.starts_at.astimezone(ROME).date()
                if grid_first <= day <= grid_last:
                    by_day.setdefault(day, []).append((event, lesson))
            continue
        if event in long_events:
            by_day.setdefault(event.first_day, []).append((event, None))
            continue
        day, last = max(event.first_day, grid_first), min(event.last_day, grid_last)
        while day <= last:
            by_day.setdefault(day, []).append((event, None))
            day += timedelta(days=1)
    for entries in by_day.values():
        entries.sort(key=lambda entry: (entry[1] or entry[0]).starts_at)
    prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return render_template(
        "events/calendar.html",
        year=year,
        month=month,
        month_start=date(year, month, 1),
        weeks=weeks,
        by_day=by_day,
        events=events,
        long_events=long_events,
        today=today,
        prev_month=prev_month,
        next_month=next_month,
        numbers=services.series_numbers(events),
        rome=ROME,
        types=services.event_types(),
    )


@bp.get("/serie/<slug>")
def series_detail(slug: str):
    series = db.first_or_404(select(Series).where(Series.slug == slug))
    events = [e for e in series.events if e.status in PUBLIC_STATUSES]
    return render_template("events/series.html", series=series, events=events, numbers=services.series_numbers(events))


@bp.get("/materiali/<int:material_id>/<path:filename>")
def material_file(material_id: int, filename: str):
    material = db.get_or_404(Material, material_id)
    visible = material.event.status in PUBLIC_STATUSES or current_user.is_authenticated
    if not material.is_file or not visible:
        abort(404)
    return send_from_directory(
        Path(current_app.config["UPLOAD_FOLDER"]),
        material.stored_name,
        as_attachment=True,
        download_name=material.original_name or material.stored_name,
        mimetype=material.content_type,
    )


@bp.get("/tipi.css")
def type_styles():
    """Badge colours of the event types as a stylesheet: no inline styles, so a strict CSP holds."""
    types = db.session.scalars(select(EventType)).all()
    response = current_app.response_class(render_template("events/types.css", types=types), mimetype="text/css")
    response.cache_control.max_age = 300
    response.cache_control.public = True
    return response
