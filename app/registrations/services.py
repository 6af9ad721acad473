"""Business rules of registrations: seats, the waiting list, moderation, self-service.

Every change that can move a seat takes the event's row lock first, so two requests can never
both take the last seat: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a write to the row,
which takes the database's single write lock until the transaction ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.comuni import closest, from_label, match_free_text
from app.countries import normalise as normalise_country
from app.events import services as events
from app.events import signals as event_signals
from app.events.models import Event, EventStatus
from app.extensions import db
from app.formatting import long_datetime
from app.i18n import lazy_gettext as _l
from app.registrations import signals
from app.registrations.models import (
    ACTIVE_STATUSES,
    Activity,
    ActivityKind,
    Actor,
    Answer,
    EnteKind,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    Source,
    new_token,
)
from app.registrations.notifications import queue_address_change, queue_email_change
from app.registrations.queries import waitlist_position, waitlist_query  # noqa: F401  (part of this service)
from app.search import LIKE_ESCAPE, like_pattern
from app.signing import sign, unsign
from app.text import one_line
from app.timeutil import ROME, utcnow
from app.transaction import committed


class RegistrationError(Exception):
    """A rule of registrations refused the change; the message is for the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        #: The form field the message is about, when there is one.
        self.field = field


# -- the event row lock ---------------------------------------------------------------------


def lock_event(event_id: int) -> Event:
    """The event row, locked for the rest of the transaction (events.services.lock_event)."""
    event = events.lock_event(event_id)
    if event is None:
        raise RegistrationError(_l("Evento non trovato."))
    return event


# -- status changes: the only places that move confirmed_count ------------------------------


def record_activity(
    registration: Registration, kind: ActivityKind, actor: Actor, user_id: int | None, detail: str | None = None
) -> Activity:
    """Write what happened to a registration into its history and announce it, in the caller's
    transaction: the email it calls for (registrations/notifications.py) and anything else that
    reacts is saved with it, or nothing. Higher domains record their own changes here too."""
    activity = Activity(registration=registration, kind=kind, actor=actor, user_id=user_id, detail=detail)
    db.session.add(activity)
    db.session.flush()
    signals.registration_activity.send(activity)
    return activity


_record = record_activity


def _confirm(event: Event, registration: Registration) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = utcnow()
    event.confirmed_count += 1


def _waitlist(registration: Registration) -> None:
    registration.status = RegistrationStatus.WAITLISTED
    registration.waitlisted_at = utcnow()


def _leave(event: Event, registration: Registration, status: RegistrationStatus) -> None:
    if registration.status == RegistrationStatus.CONFIRMED:
        event.confirmed_count -= 1
    registration.status = status
    if status == RegistrationStatus.CANCELLED:
        registration.cancelled_at = utcnow()


def _has_free_seat(event: Event) -> bool:
    return event.capacity is None or event.confirmed_count < event.capacity


def fill_seats(event: Event) -> list[Registration]:
    """Promote from the waiting list while seats are free, first in first out, in one query.
    The caller holds the event lock."""
    query = waitlist_query(event.id)
    if event.capacity is not None:
        free = event.capacity - event.confirmed_count
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        _confirm(event, registration)
        _record(registration, ActivityKind.PROMOTED, Actor.SYSTEM, None)
    return promoted


# -- registering ----------------------------------------------------------------------------


def normalize_email(raw: str) -> str:
    """Validated and normalised address; raises RegistrationError with an Italian message.

    Letters with accents or of other alphabets are refused before the @ (SMTPUTF8): few mail
    servers of public offices accept them, so the confirmation would never arrive. A domain
    such as città.it is accepted: delivery writes it in its ASCII form (IDNA)."""
    address = (raw or "").strip()
    try:
        result = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        if not address.rpartition("@")[0].isascii():
            raise RegistrationError(
                _l(
                    "Prima della @ l'indirizzo email può contenere solo lettere senza accento, cifre e i segni "
                    ". _ - +: molti server di posta non consegnano gli altri caratteri. Indicare un altro indirizzo."
                )
            ) from error
        raise RegistrationError(_l("Indirizzo email non valido.")) from error
    return result.normalized.lower()


@dataclass
class ParticipantInput:
    first_name: str
    last_name: str
    email: str
    organization: str
    role: str
    phone: str | None = None
    #: {question id: answer}; empty answers are dropped.
    answers: dict[int, str] = field(default_factory=dict)
    #: The kind of body (EnteKind); None: guessed from `organization` where it names a comune.
    ente_tipo: str | None = None
    #: For a comune: its ISTAT code or its name as suggested ("Alba (CN)").
    comune: str | None = None
    #: For a body abroad: its country.
    ente_country: str | None = None


@dataclass(frozen=True)
class Ente:
    """What a registration records of the body a person represents."""

    kind: str | None
    comune_istat: str | None
    country: str | None
    organization: str


def resolve_ente(data: ParticipantInput) -> Ente:
    """The ente as data: the comune's ISTAT code from a code or a suggested name, the country
    of a body abroad. Without a kind, a free-text ente that names one comune without doubt is
    taken as that comune, so forms posted by other sites keep working and still count."""
    kind = (data.ente_tipo or "").strip() or None
    organization = one_line(data.organization)[:200]
    if kind is not None and kind not in {k.value for k in EnteKind}:
        raise RegistrationError(_l("Tipo di ente non valido: sceglierne uno dall'elenco."), "ente_tipo")
    if kind is None:
        if not organization:
            raise RegistrationError(_l("Indicare il nome dell'ente."), "organization")
        comune = match_free_text(organization)
        return Ente(EnteKind.COMUNE if comune else None, comune.code if comune else None, None, organization)
    if kind == EnteKind.COMUNE:
        typed = one_line(data.comune)[:120]
        comune = from_label(typed) if typed else match_free_text(organization)
        if not typed and comune is None:
            raise RegistrationError(
                _l("Indicare il Comune: scrivendo le prime lettere compaiono i suggerimenti."), "comune"
            )
        if comune is None:
            near = closest(typed)
            if near:
                raise RegistrationError(
                    _l(
                        "Comune «%(typed)s» non trovato. Forse: %(names)s? Sceglierlo tra i suggerimenti "
                        "o indicare il codice ISTAT (6 cifre).",
                        typed=typed[:60],
                        names=", ".join(f"«{c.label}»" for c in near),
                    ),
                    "comune",
                )
            raise RegistrationError(
                _l(
                    "Comune «%(typed)s» non trovato: scrivendo le prime lettere del nome compaiono i "
                    "suggerimenti; in alternativa indicare il codice ISTAT (6 cifre).",
                    typed=typed[:60],
                ),
                "comune",
            )
        return Ente(kind, comune.code, None, organization or f"Comune di {comune.name}")
    # an ISO code where the country is recognised, so statistics group "Francia" and "France"
    country = normalise_country(one_line(data.ente_country)[:80])
    if kind == EnteKind.ESTERO and not country:
        raise RegistrationError(_l("Indicare il paese dell'ente estero."), "paese")
    if not organization and kind != EnteKind.PRIVATO:
        raise RegistrationError(_l("Indicare il nome dell'ente."), "organization")
    return Ente(kind, None, country if kind == EnteKind.ESTERO else None, organization)


def set_ente(registrations: list[Registration], ente: Ente, *, user_id: int | None = None) -> int:
    """An organizer's correction of the ente of some registrations (those the same free text
    named, for instance). Returns how many changed."""
    changed = 0
    for registration in registrations:
        before = (registration.ente_tipo, registration.comune_istat, registration.ente_country)
        registration.ente_tipo = ente.kind
        registration.comune_istat = ente.comune_istat
        registration.ente_country = ente.country
        if ente.organization:
            registration.organization = ente.organization
        if before != (ente.kind, ente.comune_istat, ente.country):
            _record(registration, ActivityKind.UPDATED, Actor.ORGANIZER, user_id)
            changed += 1
    db.session.commit()
    return changed


@dataclass
class Consent:
    version: str
    text: str


@dataclass
class Outcome:
    registration: Registration
    #: False when the email already had an active registration: its link is sent again.
    created: bool


def registration_refusal(event: Event) -> str | None:
    """Why the public cannot register now, in words for the page; None when they can."""
    if event.status == EventStatus.CANCELLED:
        return str(_l("L'evento è stato annullato: non è più possibile iscriversi."))
    if event.status == EventStatus.POSTPONED:
        return str(_l("L'evento è stato rinviato: le iscrizioni riapriranno con la nuova data."))
    if event.status != EventStatus.PUBLISHED:
        return str(_l("Le iscrizioni a questo evento non sono aperte."))
    if not event.registration_required:
        return str(_l("Per questo evento non serve iscriversi: l'ingresso è libero."))
    if event.is_past:
        return str(_l("L'evento si è già svolto."))
    now = utcnow()
    if event.registration_opens_at and now < event.registration_opens_at:
        return str(_l("Le iscrizioni apriranno %(when)s.", when=long_datetime(event.registration_opens_at)))
    if now >= (event.registration_closes_at or event.starts_at):
        return str(_l("Le iscrizioni sono chiuse."))
    return None


def _clean_answers(event_id: int, answers: dict[int, str]) -> list[Answer]:
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.event_id == event_id))}
    cleaned = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        value = (value or "").strip()
        if question is None or not value:
            continue
        if question.kind == QuestionKind.CHOICE and value not in question.options:
            raise RegistrationError(_l("Risposta non valida alla domanda «%(q)s».", q=question.label))
        if question.kind == QuestionKind.YES_NO and value not in ("si", "no"):
            raise RegistrationError(_l("Risposta non valida alla domanda «%(q)s».", q=question.label))
        cleaned.append(Answer(question_id=question_id, value=value[:2000]))
    missing = [q.label for q in questions.values() if q.required and q.id not in {a.question_id for a in cleaned}]
    if missing:
        raise RegistrationError(_l("Rispondere alla domanda «%(q)s».", q=missing[0]))
    return cleaned


def _apply_participant(registration: Registration, data: ParticipantInput, email: str) -> None:
    registration.first_name = one_line(data.first_name)[:100]
    registration.last_name = one_line(data.last_name)[:100]
    registration.email = email
    ente = resolve_ente(data)
    registration.organization = ente.organization
    registration.ente_tipo = ente.kind
    registration.comune_istat = ente.comune_istat
    registration.ente_country = ente.country
    registration.role = data.role
    registration.phone = one_line(data.phone)[:40] or None


#: A participant who registers again is sent their link again, but not more than this often.
LINK_RESEND_INTERVAL = timedelta(minutes=10)


def _request_link(registration: Registration) -> None:
    last = db.session.scalar(
        select(func.max(Activity.created_at)).where(
            Activity.registration_id == registration.id, Activity.kind == ActivityKind.LINK_REQUESTED
        )
    )
    if last is None or utcnow() - last >= LINK_RESEND_INTERVAL:
        _record(registration, ActivityKind.LINK_REQUESTED, Actor.PARTICIPANT, None)


def find_active(event_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.email == email,
            Registration.status.in_(ACTIVE_STATUSES),
        )
    )


def register(
    event_id: int,
    data: ParticipantInput,
    consent: Consent,
    *,
    locale: str = "it",
    source: Source = Source.ONLINE,
    user_id: int | None = None,
) -> Outcome:
    """Register a participant: confirmed while seats last, then the waiting list in arrival
    order; pending on moderated events. The same email again gets its link re-sent."""
    email = normalize_email(data.email)
    resolve_ente(data)  # refused before the event is locked
    try:
        event = lock_event(event_id)
        if source == Source.ONLINE:
            refusal = registration_refusal(event)
            if refusal:
                raise RegistrationError(refusal)
        elif event.status == EventStatus.CANCELLED:
            raise RegistrationError(_l("L'evento è stato annullato: non si possono aggiungere iscrizioni."))
        existing = find_active(event.id, email)
        if existing is not None:
            if source == Source.ONLINE:
                _request_link(existing)
            db.session.commit()
            return Outcome(existing, created=False)

        registration = Registration(
            event_id=event.id,
            token=new_token(),
            locale=locale,
            source=source,
            consent_version=consent.version,
            consent_text=consent.text,
        )
        _apply_participant(registration, data, email)
        registration.answers = _clean_answers(event.id, data.answers)
        fill_seats(event)  # nobody may jump a queue that a free seat should already have served
        if event.registration_moderated and source == Source.ONLINE:
            registration.status = RegistrationStatus.PENDING
            kind = ActivityKind.PENDING
        elif _has_free_seat(event):
            _confirm(event, registration)
            kind = ActivityKind.CONFIRMED
        else:
            _waitlist(registration)
            kind = ActivityKind.WAITLISTED
        db.session.add(registration)
        actor = Actor.ORGANIZER if source == Source.ORGANIZER else Actor.PARTICIPANT
        _record(registration, kind, actor, user_id)
        db.session.commit()
    except IntegrityError:
        # Only reachable if the lock was bypassed: the unique index still keeps one registration.
        db.session.rollback()
        existing = find_active(event_id, email)
        if existing is None:
            raise
        return Outcome(existing, created=False)
    except Exception:
        db.session.rollback()
        raise
    return Outcome(registration, created=True)


# -- changes by the participant or the organizer ------------------------------------------------


def _locked(registration: Registration) -> tuple[Event, Registration]:
    """Lock the registration's event, then reload the registration under that lock."""
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    return event, registration


def cancel(registration: Registration, *, by: Actor = Actor.PARTICIPANT, user_id: int | None = None) -> list:
    """Cancel; a freed seat goes to the first on the waiting list in the same transaction.
    Returns the promoted registrations."""
    event, registration = _locked(registration)
    if not registration.is_active:
        db.session.rollback()
        raise RegistrationError(_l("Questa iscrizione non è attiva."))
    _leave(event, registration, RegistrationStatus.CANCELLED)
    _record(registration, ActivityKind.CANCELLED, by, user_id)
    promoted = fill_seats(event)
    db.session.commit()
    return promoted


def approve(registration: Registration, *, user_id: int | None = None) -> Registration:
    """Approve a pending registration: confirmed if a seat is free, otherwise the waiting list."""
    event, registration = _locked(registration)
    if registration.status != RegistrationStatus.PENDING:
        db.session.rollback()
        raise RegistrationError(_l("Solo le iscrizioni in attesa di approvazione si possono approvare."))
    fill_seats(event)
    if _has_free_seat(event):
        _confirm(event, registration)
        _record(registration, ActivityKind.APPROVED, Actor.ORGANIZER, user_id)
    else:
        _waitlist(registration)
        _record(registration, ActivityKind.WAITLISTED, Actor.ORGANIZER, user_id)
    db.session.commit()
    return registration


def reject(registration: Registration, *, user_id: int | None = None) -> Registration:
    event, registration = _locked(registration)
    if registration.status not in (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED):
        db.session.rollback()
        raise RegistrationError(_l("Si possono respingere solo le iscrizioni in attesa o in lista d'attesa."))
    _leave(event, registration, RegistrationStatus.REJECTED)
    _record(registration, ActivityKind.REJECTED, Actor.ORGANIZER, user_id)
    db.session.commit()
    return registration


def promote(registration: Registration, *, user_id: int | None = None) -> bool:
    """The organizer confirms this person out of the waiting list's order. When the event is
    full one seat is added, so nobody else loses theirs. Returns True if capacity grew."""
    event, registration = _locked(registration)
    if registration.status not in (RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING):
        db.session.rollback()
        raise RegistrationError(_l("Si può confermare solo chi è in lista d'attesa o in attesa di approvazione."))
    # Someone who asked and waited for approval was never on the waiting list: they are approved.
    kind = ActivityKind.APPROVED if registration.status == RegistrationStatus.PENDING else ActivityKind.PROMOTED
    grew = not _has_free_seat(event)
    if grew:
        event.capacity += 1
    _confirm(event, registration)
    _record(registration, kind, Actor.ORGANIZER, user_id)
    db.session.commit()
    return grew


def update_participant(
    registration: Registration, data: ParticipantInput, *, by: Actor = Actor.PARTICIPANT
) -> str | None:
    """New contact data and answers. Status and place in the queue do not change. A participant's
    new email address takes effect only once a link sent to it has been opened (anyone holding
    this page's link could otherwise move the registration, its messages and its calendar to
    an address that never asked); an organizer's correction takes effect at once. Returns the
    address waiting for that confirmation, if any."""
    if not registration.is_active:
        raise RegistrationError(_l("Un'iscrizione annullata non si può modificare."))
    email = normalize_email(data.email)
    if email != registration.email and find_active(registration.event_id, email) is not None:
        raise RegistrationError(_l("Esiste già un'iscrizione a questo evento con questo indirizzo email."))
    answers = _clean_answers(registration.event_id, data.answers)  # refuse before changing anything
    resolve_ente(data)
    awaiting = email if email != registration.email and by == Actor.PARTICIPANT else None
    try:
        _apply_participant(registration, data, registration.email if awaiting else email)
        registration.answers = []
        db.session.flush()  # the old answers go before the new ones take their keys
        registration.answers = answers
        _record(registration, ActivityKind.UPDATED, by, None)
        if awaiting:
            queue_email_change(registration, awaiting, email_change_token(registration, awaiting))
        db.session.commit()
    except IntegrityError as error:  # a concurrent registration took the address meanwhile
        db.session.rollback()
        raise RegistrationError(_l("Esiste già un'iscrizione a questo evento con questo indirizzo email.")) from error
    return awaiting


EMAIL_CHANGE = "email-change"


def email_change_token(registration: Registration, new_email: str) -> str:
    """The signed link that moves this registration to `new_email`, good only while the
    registration still has the address it had when the change was asked."""
    return sign(EMAIL_CHANGE, {"r": registration.id, "from": registration.email, "to": new_email})


@dataclass
class EmailChange:
    registration: Registration
    new_email: str
    #: The link was already used: the registration has the new address.
    done: bool = False


def email_change_request(token: str) -> EmailChange | None:
    """The change a genuine link asks for, or that it already made; None otherwise."""
    payload = unsign(EMAIL_CHANGE, token)
    if payload is None or not isinstance(payload.get("r"), int):
        return None
    registration = db.session.get(Registration, payload["r"])
    if registration is None or not registration.is_active:
        return None
    if registration.email == payload.get("to"):
        return EmailChange(registration, registration.email, done=True)
    if registration.email != payload.get("from"):
        return None
    return EmailChange(registration, str(payload.get("to")))


def confirm_email_change(registration: Registration, new_email: str) -> Registration:
    """The new address proved itself: the registration moves to it."""
    if find_active(registration.event_id, new_email) is not None:
        raise RegistrationError(_l("Esiste già un'iscrizione a questo evento con questo indirizzo email."))
    old_email = registration.email
    # The old address is told, and its calendar entry withdrawn, while it is still the attendee.
    queue_address_change(registration, old_email, new_email, to_old=True)
    registration.email = new_email
    _record(registration, ActivityKind.UPDATED, Actor.PARTICIPANT, None)
    queue_address_change(registration, old_email, new_email, to_old=False)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise RegistrationError(_l("Esiste già un'iscrizione a questo evento con questo indirizzo email.")) from error
    return registration


def reissue_token(registration: Registration) -> str:
    """A new link replaces the old one, which stops working; the new one is sent by email."""
    registration.token = new_token()
    _record(registration, ActivityKind.LINK_REQUESTED, Actor.PARTICIPANT, None)
    db.session.commit()
    return registration.token


def get_by_token(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.token == token).options(selectinload(Registration.answers))
    )


# -- reading for organizers ---------------------------------------------------------------------


def status_counts(event_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event_id).group_by(Registration.status)
    )
    counts = {status.value: 0 for status in RegistrationStatus}
    counts.update({status: n for status, n in rows})
    return counts


def waitlist_count(event_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED
        )
    )


SORTS = {
    "cognome": (Registration.last_name, Registration.first_name, Registration.id),
    "ente": (Registration.organization, Registration.last_name, Registration.id),
    "data": (Registration.created_at, Registration.id),
    "stato": (
        case(
            {s.value: i for i, s in enumerate(RegistrationStatus)},
            value=Registration.status,
        ),
        Registration.waitlisted_at,
        Registration.created_at,
        Registration.id,
    ),
}


def registrations_query(event_id: int, *, status: str | None = None, q: str | None = None, sort: str = "data"):
    query = select(Registration).where(Registration.event_id == event_id)
    if status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == status)
    if q:
        needle = like_pattern(q.lower())
        query = query.where(
            or_(
                func.lower(Registration.first_name).like(needle, escape=LIKE_ESCAPE),
                func.lower(Registration.last_name).like(needle, escape=LIKE_ESCAPE),
                func.lower(Registration.first_name + " " + Registration.last_name).like(needle, escape=LIKE_ESCAPE),
                Registration.email.like(needle, escape=LIKE_ESCAPE),
                func.lower(Registration.organization).like(needle, escape=LIKE_ESCAPE),
            )
        )
    return query.order_by(*SORTS.get(sort, SORTS["data"])).options(selectinload(Registration.answers))


def registrations_over_time(event_id: int) -> list[dict]:
    """Per day (Rome) from the first registration: new registrations, cancellations, and the
    number of active registrations at the end of the day."""
    rows = db.session.execute(
        select(Registration.created_at, Registration.cancelled_at, Registration.status).where(
            Registration.event_id == event_id
        )
    ).all()
    if not rows:
        return []
    new: dict[date, int] = {}
    gone: dict[date, int] = {}
    for created_at, cancelled_at, status in rows:
        day = created_at.astimezone(ROME).date()
        new[day] = new.get(day, 0) + 1
        if status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
            left = (cancelled_at or created_at).astimezone(ROME).date()
            gone[left] = gone.get(left, 0) + 1
    first, last = min(new), max(max(new), max(gone, default=min(new)))
    series, active, day = [], 0, first
    while day <= last:
        active += new.get(day, 0) - gone.get(day, 0)
        series.append({"day": day.isoformat(), "new": new.get(day, 0), "left": gone.get(day, 0), "active": active})
        day += timedelta(days=1)
    return series


# -- questions ------------------------------------------------------------------------------------


@dataclass
class QuestionInput:
    label: str
    kind: str
    options_text: str | None = None
    required: bool = False


def _apply_question(question: Question, data: QuestionInput) -> None:
    question.label = data.label.strip()[:300]
    question.kind = data.kind
    options = [line.strip() for line in (data.options_text or "").splitlines() if line.strip()]
    if data.kind == QuestionKind.CHOICE and len(options) < 2:
        raise RegistrationError(_l("Una domanda a scelta ha bisogno di almeno due opzioni, una per riga."))
    question.options_text = "\n".join(options) if data.kind == QuestionKind.CHOICE else None
    question.required = data.required


def add_question(event: Event, data: QuestionInput) -> Question:
    """A new last question on the event's form; committed, or nothing saved if refused."""
    with committed():
        position = db.session.scalar(
            select(func.coalesce(func.max(Question.position) + 1, 0)).where(Question.event_id == event.id)
        )
        question = Question(event_id=event.id, position=position)
        _apply_question(question, data)
        db.session.add(question)
    return question


def update_question(question: Question, data: QuestionInput) -> Question:
    """Committed, or rolled back whole if refused: a refusal never leaves the question half changed."""
    with committed():
        if data.kind != question.kind and _has_answers(question):
            raise RegistrationError(_l("Ci sono già risposte: il tipo di domanda non si può più cambiare."))
        _apply_question(question, data)
    return question


def _has_answers(question: Question) -> bool:
    return db.session.scalar(select(func.count()).where(Answer.question_id == question.id)) > 0


def delete_question(question: Question) -> None:
    with committed():
        if _has_answers(question):
            raise RegistrationError(_l("Non si può eliminare: qualcuno ha già risposto a questa domanda."))
        db.session.delete(question)


def questions_for(event_id: int) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.event_id == event_id).order_by(Question.position)))


def attendance_question() -> QuestionInput:
    """The question hybrid events need: will the person come in person or follow online?"""
    return QuestionInput(
        label=str(_l("Modalità di partecipazione: in presenza o online?")),
        kind=QuestionKind.CHOICE,
        options_text="\n".join([str(_l("In presenza")), str(_l("Online"))]),
        required=True,
    )


def copy_questions(source: Event, target: Event) -> None:
    """Used when an event is duplicated: the next meeting asks the same things."""
    for question in questions_for(source.id):
        db.session.add(
            Question(
                event_id=target.id,
                position=question.position,
                label=question.label,
                kind=question.kind,
                options_text=question.options_text,
                required=question.required,
            )
        )


# -- reacting to the events domain -----------------------------------------------------------------


@event_signals.capacity_raised.connect
def _on_capacity_raised(event: Event, **_) -> None:
    fill_seats(event)  # the events service holds the event's lock


@event_signals.event_duplicated.connect
def _on_event_duplicated(event: Event, copy: Event, **_) -> None:
    copy_questions(event, copy)
