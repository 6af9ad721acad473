"""After the event: who attended and so is asked for feedback, the signed link that leads to the
form, each answer saved once, and what the organizers read of them (counts, the distribution of
ratings, the comments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.courses.models import Attendance, Feedback
from app.courses.services import CourseError, slots
from app.events.models import Event, EventStatus
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.outbox.models import OutboxMessage
from app.registrations.export import write_csv
from app.registrations.models import Registration, RegistrationStatus
from app.signing import sign, unsign
from app.timeutil import utcnow
from app.transaction import committed

PURPOSE = "feedback"
#: The follow-up's link stays good this long: time enough to answer after a holiday.
LINK_MAX_AGE_SECONDS = 60 * 24 * 3600
#: Events that ended this recently get their follow-up; older ones are left alone, so turning
#: the feature on does not write to everyone who ever attended anything.
FOLLOW_UP_WINDOW = timedelta(days=7)
#: The email's kind in the outbox, and the start of its dedupe key.
KIND = "follow_up"
RATINGS = (1, 2, 3, 4, 5)
RATING_LABELS = {
    1: _l("1 – Insufficiente"),
    2: _l("2 – Mediocre"),
    3: _l("3 – Sufficiente"),
    4: _l("4 – Buono"),
    5: _l("5 – Ottimo"),
}
USEFUL_MAX = 2000
COMMENT_MAX = 2000


class AlreadyAnswered(CourseError):
    """The person has answered already: an answer is given once."""


def link_code(registration: Registration) -> str:
    """The signed code of a person's feedback link: the registration's id only, never its token
    (which opens the person's own page)."""
    return sign(PURPOSE, {"r": registration.id})


def registration_for(code: str) -> Registration | None:
    """The registration a genuine, unexpired feedback link names; None for anything else."""
    payload = unsign(PURPOSE, code, max_age=LINK_MAX_AGE_SECONDS)
    registration_id = payload.get("r") if payload else None
    if not isinstance(registration_id, int) or isinstance(registration_id, bool):
        return None
    return db.session.get(Registration, registration_id)


def follow_up_key(registration: Registration) -> str:
    return f"follow-up:{registration.id}"


def recently_ended(now: datetime | None = None) -> list[Event]:
    """Published events that ended in the last week: cancelled, postponed or draft ones never
    ask for feedback."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.ends_at <= now,
                Event.ends_at > now - FOLLOW_UP_WINDOW,
            )
            .order_by(Event.ends_at, Event.id)
        )
    )


def attendees(event: Event) -> list[Registration]:
    """The confirmed people present at least once: at a lesson of a course, or at the event
    itself when it has no lessons. Absent people are not asked about what they did not see."""
    session_ids = [slot.session_id for slot in slots(event)]
    lessons = [session_id for session_id in session_ids if session_id is not None]
    present = []
    if None in session_ids:
        present.append(Attendance.session_id.is_(None))
    if lessons:
        present.append(Attendance.session_id.in_(lessons))
    attended = select(Attendance.registration_id).where(or_(*present))
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.id.in_(attended),
            )
            .order_by(Registration.id)
        )
    )


def answer_of(registration: Registration) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(Feedback.registration_id == registration.id))


def _clean(text: str | None, limit: int) -> str | None:
    text = (text or "").strip()
    return text[:limit] or None


def record(registration: Registration, rating: int, useful: str | None = None, comment: str | None = None) -> Feedback:
    """Save a person's answer, once. The form has checked the input; the rules are checked
    again here, and the database's unique index settles two submissions at the same moment."""
    if not isinstance(rating, int) or isinstance(rating, bool) or rating not in RATINGS:
        raise CourseError(_l("Scegliere un voto da 1 a 5."))
    if answer_of(registration) is not None:
        raise AlreadyAnswered(_l("Risposta già registrata, grazie."))
    answer = Feedback(
        registration_id=registration.id,
        event_id=registration.event_id,
        rating=rating,
        useful=_clean(useful, USEFUL_MAX),
        comment=_clean(comment, COMMENT_MAX),
    )
    try:
        with committed():
            db.session.add(answer)
    except IntegrityError:
        raise AlreadyAnswered(_l("Risposta già registrata, grazie.")) from None
    return answer


# -- what the organizers read ----------------------------------------------------------------------


@dataclass
class Results:
    answers: int
    #: Follow-up emails written for the event (queued or sent).
    invited: int
    #: How many answers gave each rating, 1 to 5.
    distribution: dict[int, int]
    average: float | None
    #: The answers with something written, oldest first.
    written: list[Feedback]


def results(event: Event) -> Results:
    counts = dict(
        db.session.execute(
            select(Feedback.rating, func.count()).where(Feedback.event_id == event.id).group_by(Feedback.rating)
        ).all()
    )
    distribution = {rating: counts.get(rating, 0) for rating in RATINGS}
    answers = sum(distribution.values())
    average = sum(r * n for r, n in distribution.items()) / answers if answers else None
    invited = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.event_id == event.id, OutboxMessage.kind == KIND)
    )
    written = list(
        db.session.scalars(
            select(Feedback)
            .where(Feedback.event_id == event.id, or_(Feedback.useful.is_not(None), Feedback.comment.is_not(None)))
            .order_by(Feedback.created_at, Feedback.id)
        )
    )
    return Results(answers=answers, invited=invited or 0, distribution=distribution, average=average, written=written)


def comments_csv(event: Event) -> bytes:
    """The written answers, without names: people answered about the event, not to be quoted."""
    header = [_("Data"), _("Voto"), _("Che cosa è stato utile"), _("Commento")]
    body = [
        [answer.created_at, str(answer.rating), answer.useful or "", answer.comment or ""]
        for answer in results(event).written
    ]
    return write_csv(header, body)
