"""The columns attendance and certificates add to the registrants' exports."""

from __future__ import annotations

from sqlalchemy import select

from app.courses import services
from app.courses.labels import STANDING_LABELS
from app.courses.models import Certificate
from app.events.models import Event
from app.extensions import db
from app.i18n import gettext as _
from app.registrations import signals
from app.registrations.models import Registration
from app.timeutil import utcnow


@signals.export_columns.connect
def attendance_columns(registrations: list[Registration], **_kwargs) -> list[tuple[str, dict]]:
    if not registrations:
        return []
    event = db.session.get(Event, registrations[0].event_id)
    confirmed = [r for r in registrations if r.status == "confirmed"]
    progress = {item.registration.id: item for item in services.progress(event, confirmed)}
    if not event.lessons:
        # Before the event nobody is absent yet: the column stays empty rather than saying "no".
        started = event.starts_at <= utcnow()
        return [
            (_("Presente"), {rid: _("sì") if item.attended else (_("no") if started else "") for rid, item in progress.items()})
        ]
    codes = dict(
        db.session.execute(
            select(Certificate.registration_id, Certificate.code).where(
                Certificate.registration_id.in_([r.id for r in registrations]), Certificate.revoked_at.is_(None)
            )
        ).all()
    )
    return [
        (_("Ore frequentate"), {rid: services.hours(item.attended_minutes) for rid, item in progress.items()}),
        (_("Lezioni frequentate"), {rid: f"{len(item.attended)}/{item.total_lessons}" for rid, item in progress.items()}),
        (_("Attestato"), {rid: str(STANDING_LABELS[item.standing]) for rid, item in progress.items()}),
        (_("Codice attestato"), codes),
    ]
