"""The organizer area's shell: its home page, the events at a glance. Each domain serves its
own pages (events/manage.py, registrations/manage.py, outbox/manage.py) behind the same login."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, select

from app.events import services
from app.events.access import visible_events
from app.events.models import Event, EventStatus
from app.extensions import db
from app.registrations.queries import waiting_counts
from app.search import LIKE_ESCAPE, like_pattern

bp = Blueprint("manage", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of the area needs an organizer; anonymous visitors go to the login."""


@bp.get("/")
def dashboard():
    status = request.args.get("stato")
    query = visible_events(select(Event).order_by(Event.starts_at.desc()))
    if status in {s.value for s in EventStatus}:
        query = query.where(Event.status == status)
    q = (request.args.get("q") or "").strip()[:200]
    if q:
        query = query.where(Event.title.ilike(like_pattern(q), escape=LIKE_ESCAPE))
    pagination = db.paginate(query, per_page=25, error_out=False)
    types = services.event_types()
    return render_template(
        "manage/dashboard.html",
        pagination=pagination,
        counts={
            status: count
            for status, count in db.session.execute(
                visible_events(select(Event.status, func.count()).group_by(Event.status))
            )
        },
        waiting=waiting_counts([event.id for event in pagination.items]),
        status=status,
        q=q,
        types=types,
    )
