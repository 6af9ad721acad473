"""The organizer's feedback page of an event: how many answered of those asked, the average and
the distribution of ratings (a chart and the same numbers as a table), the written answers, and
those answers as CSV. Every route reaches its event through the one door, `events.access`."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import format_decimal
from flask_login import login_required

from app.courses import feedback
from app.events import access
from app.events.models import Event
from app.responses import download, private
from app.text import slugify

bp = Blueprint("manage_feedback", __name__)


@bp.before_request
@login_required
def require_login():
    """Answers are tied to people: organizers only."""


def _event(event_id: int) -> Event:
    """Through the door: feedback comes from the registrants."""
    return access.event_for(event_id, access.Action.REGISTRANTS)




@bp.get("/eventi/<int:event_id>/riscontri")
def feedback_results(event_id: int):
    event = _event(event_id)
    results = feedback.results(event)
    average = format_decimal(results.average, format="0.0") if results.average is not None else None
    return private(
        render_template(
            "courses/feedback_manage.html",
            event=event,
            results=results,
            average=average,
            rating_labels=feedback.RATING_LABELS,
            window_days=feedback.FOLLOW_UP_WINDOW.days,
        )
    )


@bp.get("/eventi/<int:event_id>/riscontri.csv")
def feedback_csv(event_id: int):
    event = _event(event_id)
    name = slugify(event.title, max_length=60) or "evento"
    return download(feedback.comments_csv(event), "text/csv; charset=utf-8", f"riscontri-{name}.csv")
