"""Attendance and certificates: who was present at which lesson and for how long, whether that
meets the course's rule, and the certificates that say so.

A lesson (or, for an event without lessons, the event itself) is a Slot. Presence is a row;
partial presence stores the minutes. Time is counted in whole minutes, so the rule's share is
compared exactly (no rounding): attended × 100 ≥ required percent × total.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.courses.models import Attendance, Certificate, CertificateRule, RuleBasis
from app.events.models import Event, EventSession, EventStatus
from app.extensions import db
from app.formatting import long_date
from app.i18n import lazy_gettext as _l
from app.registrations import services as registrations
from app.registrations.models import ActivityKind, Actor, Registration, RegistrationStatus
from app.signing import sign, unsign
from app.timeutil import ROME, utcnow
from app.transaction import committed

#: The desk opens a little before a lesson starts: people may be marked present from then on.
EARLY_CHECK_IN = timedelta(minutes=30)
#: A lesson without an end time counts as this long, as its calendar entry does.
DEFAULT_LESSON = timedelta(hours=1)


class CourseError(Exception):
    """A rule of attendance or certificates refused the change; the message is for the user."""


# -- what can be attended --------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A lesson, or the event itself when it has none."""

    event: Event
    session: EventSession | None

    @property
    def starts_at(self) -> datetime:
        return self.session.starts_at if self.session else self.event.starts_at

    @property
    def ends_at(self) -> datetime:
        if self.session is None:
            return self.event.ends_at
        return self.session.ends_at or self.session.starts_at + DEFAULT_LESSON

    @property
    def minutes(self) -> int:
        return max(int((self.ends_at - self.starts_at).total_seconds() // 60), 0)

    @property
    def session_id(self) -> int | None:
        return self.session.id if self.session else None

    @property
    def title(self) -> str:
        return self.session.title if self.session else self.event.title

    def has_started(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.starts_at - EARLY_CHECK_IN


def slots(event: Event) -> list[Slot]:
    """What people attend: each lesson of a course, or the event itself."""
    if event.lessons:
        return [Slot(event, lesson) for lesson in event.lessons]
    return [Slot(event, None)]


def slot_for(event: Event, session_id: int | None) -> Slot:
    """The lesson of this event named by `session_id` (None: the event without lessons)."""
    for slot in slots(event):
        if slot.session_id == session_id:
            return slot
    raise CourseError(_l("Questa lezione non appartiene all'evento."))


def current_slot(event: Event, now: datetime | None = None) -> Slot:
    """The lesson to show first on the attendance page: the one in progress, else the last one
    that has started, else the first."""
    now = now or utcnow()
    started = [slot for slot in slots(event) if slot.has_started(now)]
    in_progress = [slot for slot in started if now < slot.ends_at]
    if in_progress:
        return in_progress[0]
    return started[-1] if started else slots(event)[0]


# -- marking attendance ------------------------------------------------------------------------------


def _describe(slot: Slot, minutes: int | None) -> str:
    when = long_date(slot.starts_at)
    base = f"{slot.title}, {when}" if slot.session else when
    return f"{base}, {minutes} min" if minutes is not None else base


def attendance_of(registration: Registration, slot: Slot) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(
            Attendance.registration_id == registration.id,
            Attendance.session_id.is_(None) if slot.session is None else Attendance.session_id == slot.session_id,
        )
    )


def mark_present(
    registration: Registration,
    slot: Slot,
    *,
    minutes: int | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
) -> Attendance:
    """Record that the person attended the lesson, wholly or for `minutes`. Only confirmed
    registrations of this event, only lessons that have started; recorded in the history."""
    if registration.event_id != slot.event.id:
        raise CourseError(_l("Questa iscrizione è di un altro evento."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise CourseError(_l("Si può segnare la presenza solo per un'iscrizione confermata."))
    if not slot.has_started(now):
        raise CourseError(_l("La lezione non è ancora cominciata: la presenza si segna dal suo inizio."))
    if minutes is not None:
        if minutes <= 0:
            raise CourseError(_l("Indicare i minuti di presenza, più di zero."))
        if minutes > slot.minutes:
            raise CourseError(
                _l("La lezione dura %(n)s minuti: non si possono segnare più minuti di così.", n=slot.minutes)
            )
        if minutes == slot.minutes:
            minutes = None
    with committed():
        attendance = attendance_of(registration, slot)
        if attendance is None:
            attendance = Attendance(registration_id=registration.id, session_id=slot.session_id)
            db.session.add(attendance)
        elif attendance.minutes == minutes:
            return attendance  # nothing changes: nothing to record
        attendance.minutes = minutes
        attendance.user_id = user_id
        attendance.recorded_at = utcnow()
        registrations.record_activity(
            registration, ActivityKind.CHECKED_IN, Actor.ORGANIZER, user_id, _describe(slot, minutes)
        )
    return attendance


def mark_absent(registration: Registration, slot: Slot, *, user_id: int | None = None) -> None:
    """Take a presence back (a tap by mistake): recorded in the history too."""
    with committed():
        attendance = attendance_of(registration, slot)
        if attendance is None:
            return
        db.session.delete(attendance)
        registrations.record_activity(
            registration, ActivityKind.ATTENDANCE_REMOVED, Actor.ORGANIZER, user_id, _describe(slot, None)
        )


def mark_all_present(slot: Slot, *, user_id: int | None = None, now: datetime | None = None) -> int:
    """'Tutti presenti': every confirmed person not yet marked. Returns how many were marked."""
    if not slot.has_started(now):
        raise CourseError(_l("La lezione non è ancora cominciata: la presenza si segna dal suo inizio."))
    marked = 0
    present = set(present_ids(slot))
    for registration in confirmed(slot.event):
        if registration.id not in present:
            mark_present(registration, slot, user_id=user_id, now=now)
            marked += 1
    return marked


def confirmed(event: Event) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Registration.last_name, Registration.first_name, Registration.id)
        )
    )


def present_ids(slot: Slot) -> list[int]:
    condition = Attendance.session_id.is_(None) if slot.session is None else Attendance.session_id == slot.session_id
    return list(
        db.session.scalars(
            select(Attendance.registration_id)
            .join(Registration, Registration.id == Attendance.registration_id)
            .where(condition, Registration.event_id == slot.event.id)
        )
    )


# -- the rule and each person's standing --------------------------------------------------------------


def rule_for(event: Event) -> CertificateRule:
    """The course's rule; until the organizer sets one, 75 % of the hours, and certificates
    only for courses (types with lessons)."""
    rule = db.session.get(CertificateRule, event.id)
    default = CertificateRule(event_id=event.id, enabled=event.type.has_lessons, basis=RuleBasis.HOURS, min_percent=75)
    return rule or default


def set_rule(event: Event, *, enabled: bool, basis: str, min_percent: int) -> CertificateRule:
    if basis not in {b.value for b in RuleBasis}:
        raise CourseError(_l("Criterio non valido."))
    if not 1 <= min_percent <= 100:
        raise CourseError(_l("La quota minima va da 1 a 100 per cento."))
    with committed():
        rule = db.session.get(CertificateRule, event.id) or CertificateRule(event_id=event.id)
        rule.enabled, rule.basis, rule.min_percent = enabled, basis, min_percent
        db.session.add(rule)
    return rule


class Standing(enum.StrEnum):
    ELIGIBLE = "eligible"
    NOT_YET = "not_yet"
    NOT_ELIGIBLE = "not_eligible"


@dataclass
class Progress:
    """One person's attendance of a course against its rule."""

    registration: Registration
    attended_minutes: int
    total_minutes: int
    attended: list[Slot]
    total_lessons: int
    #: Minutes (or lessons, by the rule's basis) still reachable in lessons not yet held.
    reachable: int
    rule: CertificateRule
    #: Minutes attended per lesson (by session id; None for an event without lessons).
    minutes_by_lesson: dict[int | None, int] = field(default_factory=dict)

    @property
    def missing_minutes(self) -> int:
        needed = -(-self.rule.min_percent * self.total_minutes // 100)  # ceiling
        return max(needed - self.attended_minutes, 0)

    def _meets(self, attended: int, total: int) -> bool:
        return total > 0 and attended * 100 >= self.rule.min_percent * total

    @property
    def standing(self) -> Standing:
        if self.rule.basis == RuleBasis.LESSONS:
            done, total = len(self.attended), self.total_lessons
        else:
            done, total = self.attended_minutes, self.total_minutes
        if self._meets(done, total):
            return Standing.ELIGIBLE
        if self._meets(done + self.reachable, total):
            return Standing.NOT_YET
        return Standing.NOT_ELIGIBLE


def progress(event: Event, people: list[Registration] | None = None, now: datetime | None = None) -> list[Progress]:
    """Everyone's attendance against the rule, in two queries whatever the number of people."""
    now = now or utcnow()
    people = confirmed(event) if people is None else people
    rule = rule_for(event)
    course_slots = slots(event)
    by_id = {slot.session_id: slot for slot in course_slots}
    rows = db.session.execute(
        select(Attendance.registration_id, Attendance.session_id, Attendance.minutes).where(
            Attendance.registration_id.in_([p.id for p in people])
        )
    ).all()
    attended: dict[int, list[tuple[Slot, int]]] = {}
    for registration_id, session_id, minutes in rows:
        slot = by_id.get(session_id)
        if slot is not None:
            attended.setdefault(registration_id, []).append((slot, minutes if minutes is not None else slot.minutes))
    total_minutes = sum(slot.minutes for slot in course_slots)
    upcoming = [slot for slot in course_slots if not slot.has_started(now)]
    reachable = len(upcoming) if rule.basis == RuleBasis.LESSONS else sum(slot.minutes for slot in upcoming)
    return [
        Progress(
            registration=person,
            attended_minutes=sum(m for _slot, m in attended.get(person.id, [])),
            total_minutes=total_minutes,
            attended=sorted((slot for slot, _m in attended.get(person.id, [])), key=lambda s: s.starts_at),
            total_lessons=len(course_slots),
            reachable=reachable,
            rule=rule,
            minutes_by_lesson={slot.session_id: m for slot, m in attended.get(person.id, [])},
        )
        for person in people
    ]


def hours(minutes: int) -> str:
    """'12', '12,5' or '1,25': hours as a certificate states them, exactly."""
    whole, rest = divmod(minutes, 60)
    if not rest:
        return str(whole)
    return f"{minutes / 60:.2f}".rstrip("0").replace(".", ",")


# -- certificates ------------------------------------------------------------------------------------


def facts(event: Event, item: Progress) -> dict:
    """What a certificate states, frozen when it is issued."""
    registration = item.registration
    venue = event.venue.full_address if event.has_venue and event.venue else None
    return {
        "name": registration.full_name,
        "organization": registration.organization,
        "course": event.title,
        "first_day": event.first_day.isoformat(),
        "last_day": event.last_day.isoformat(),
        "attended_minutes": item.attended_minutes,
        "total_minutes": item.total_minutes,
        "lessons": [
            {"title": slot.title, "day": slot.starts_at.astimezone(ROME).date().isoformat(), "minutes": slot.minutes}
            for slot in item.attended
        ],
        "total_lessons": item.total_lessons,
        "place": venue,
    }


def certificate_of(registration: Registration) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.registration_id == registration.id))


def issue(event: Event, registration: Registration, *, user_id: int | None = None, now: datetime | None = None):
    """Issue the certificate of one person who meets the rule, once the course has ended.
    Returns the certificate (the existing one if already issued)."""
    now = now or utcnow()
    rule = rule_for(event)
    if not rule.enabled:
        raise CourseError(_l("Questo corso non rilascia attestati."))
    if event.ends_at > now:
        raise CourseError(_l("Gli attestati si rilasciano alla fine del corso."))
    [item] = progress(event, [registration], now)
    if registration.status != RegistrationStatus.CONFIRMED or item.standing != Standing.ELIGIBLE:
        raise CourseError(
            _l("%(name)s non ha raggiunto la frequenza richiesta per l'attestato.", name=registration.full_name)
        )
    existing = certificate_of(registration)
    if existing is not None and not existing.is_revoked:
        return existing
    with committed():
        if existing is not None:  # revoked earlier, issued again: a new code for the new facts
            db.session.delete(existing)
            db.session.flush()
        certificate = Certificate(
            registration_id=registration.id, event_id=event.id, facts=facts(event, item), locale=registration.locale
        )
        db.session.add(certificate)
        db.session.flush()
        registrations.record_activity(
            registration, ActivityKind.CERTIFICATE_ISSUED, Actor.ORGANIZER if user_id else Actor.SYSTEM, user_id,
            certificate.code,
        )
    return certificate


def issue_all(event: Event, *, user_id: int | None = None, now: datetime | None = None) -> list[Certificate]:
    """Certificates for everyone who meets the rule (those already issued stay as they are)."""
    now = now or utcnow()
    issued = []
    for item in progress(event, now=now):
        if item.standing == Standing.ELIGIBLE:
            issued.append(issue(event, item.registration, user_id=user_id, now=now))
    return issued


def revoke(certificate: Certificate, reason: str, *, user_id: int | None = None) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise CourseError(_l("Indicare il motivo della revoca."))
    if certificate.is_revoked:
        raise CourseError(_l("L'attestato è già revocato."))
    with committed():
        certificate.revoked_at = utcnow()
        certificate.revocation_reason = reason[:1000]
        if certificate.registration is not None:
            registrations.record_activity(
                certificate.registration, ActivityKind.CERTIFICATE_REVOKED, Actor.ORGANIZER, user_id,
                f"{certificate.code}: {reason[:200]}",
            )
    return certificate


def find_certificate(code: str) -> Certificate | None:
    """By the code typed or scanned: case and spaces do not matter."""
    code = "".join((code or "").split()).upper()[:16]
    if not code:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


# -- the attendance page and the QR check-in -----------------------------------------------------------


def attendance_minutes(slot: Slot) -> dict[int, int | None]:
    """Who is present at the lesson, in one query: registration id → minutes (None: the whole lesson)."""
    condition = Attendance.session_id.is_(None) if slot.session is None else Attendance.session_id == slot.session_id
    return dict(
        db.session.execute(
            select(Attendance.registration_id, Attendance.minutes)
            .join(Registration, Registration.id == Attendance.registration_id)
            .where(condition, Registration.event_id == slot.event.id)
        ).all()
    )


#: The purpose (salt) of the codes printed on participants' pages: a code of another kind never opens here.
CHECK_IN_PURPOSE = "check-in"
#: A check-in code stays good until a day after its event ends.
CHECK_IN_GRACE = timedelta(days=1)
#: The signature's own limit, beyond any course's length; the event's end decides before it.
_CHECK_IN_MAX_AGE = 400 * 24 * 3600


class CheckInRefused(CourseError):
    """A scanned code that cannot check anyone in; `status` is the HTTP answer that fits."""

    def __init__(self, message, status: int):
        super().__init__(message)
        self.status = status


def check_in_code(registration: Registration) -> str:
    """The signed code of a person's QR check-in: the registration's id only, never personal data
    nor the registration's token (which opens the person's own page)."""
    return sign(CHECK_IN_PURPOSE, {"r": registration.id})


def registration_for_check_in(code: str, now: datetime | None = None) -> Registration:
    """The confirmed registration a scanned code names, or CheckInRefused saying why not."""
    payload = unsign(CHECK_IN_PURPOSE, code, max_age=_CHECK_IN_MAX_AGE)
    registration_id = payload.get("r") if payload else None
    if not isinstance(registration_id, int) or isinstance(registration_id, bool):
        raise CheckInRefused(_l("Codice non valido: non è un codice di accoglienza di questo sito."), 400)
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise CheckInRefused(_l("Questa iscrizione non esiste più."), 404)
    if (now or utcnow()) > registration.event.ends_at + CHECK_IN_GRACE:
        raise CheckInRefused(_l("Codice scaduto: l'evento è terminato."), 400)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise CheckInRefused(_l("Questa iscrizione non è confermata: non si può segnare la presenza."), 409)
    return registration


def attendance_grid(event: Event) -> dict[tuple[int, int | None], int | None]:
    """The whole course in one query: (registration id, lesson id) → minutes (None: the whole lesson)."""
    rows = db.session.execute(
        select(Attendance.registration_id, Attendance.session_id, Attendance.minutes)
        .join(Registration, Registration.id == Attendance.registration_id)
        .where(Registration.event_id == event.id)
    ).all()
    return {(registration_id, session_id): minutes for registration_id, session_id, minutes in rows}


def issuing_refusal(event: Event, now: datetime | None = None) -> str | None:
    """Why certificates cannot be issued for this course now, or None: the organizer's page
    says it before anyone presses the button."""
    if not rule_for(event).enabled:
        return str(_l("Questo corso non rilascia attestati."))
    if event.ends_at > (now or utcnow()):
        return str(_l("Gli attestati si rilasciano alla fine del corso."))
    return None


def certificates_of(event: Event) -> dict[int, Certificate]:
    """The course's certificates (valid or revoked) by registration id, in one query."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.event_id == event.id, Certificate.registration_id.is_not(None))
    )
    return {certificate.registration_id: certificate for certificate in rows}


def issued_certificates(event: Event) -> list[Certificate]:
    """The course's valid certificates, in the holders' alphabetical order: what the ZIP holds."""
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Registration, Registration.id == Certificate.registration_id, isouter=True)
            .where(Certificate.event_id == event.id, Certificate.revoked_at.is_(None))
            .order_by(Registration.last_name, Registration.first_name, Certificate.id)
        )
    )


#: Courses that ended within this many days get their certificates issued by the worker.
AUTO_ISSUE_DAYS = 30


def issue_due(now: datetime | None = None) -> int:
    """Certificates for the courses that have ended: each person who met the rule and has none
    yet (a revoked one is not issued again by itself). Returns how many were issued."""
    now = now or utcnow()
    ended = db.session.scalars(
        select(Event).where(
            Event.status == EventStatus.PUBLISHED,
            Event.ends_at <= now,
            Event.ends_at > now - timedelta(days=AUTO_ISSUE_DAYS),
        )
    ).all()
    issued = 0
    for event in ended:
        if not event.lessons or not rule_for(event).enabled:
            continue
        holders = set(certificates_of(event))
        for item in progress(event, now=now):
            if item.standing == Standing.ELIGIBLE and item.registration.id not in holders:
                issue(event, item.registration, now=now)
                issued += 1
    return issued
