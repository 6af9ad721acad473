"""What registrants are told, and when: confirmations, waiting list, invitations for their
calendar, changes to the event, reminders, links on request and the organizers' messages. Each
is written to the outbox inside the transaction that causes it; the outbox sends it later.

The registrations services announce what happened to a registration (signals.registration_activity)
and the events domain what happened to an event (events.signals): the receivers at the end of
this module turn both into messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from app.events import signals as event_signals
from app.events.ical import invitation, organizer_identity
from app.events.models import Event, EventSession, EventStatus
from app.events.reminders import offset_label, offsets_for
from app.extensions import db
from app.formatting import long_datetime
from app.i18n import lazy_gettext as _l
from app.i18n import localized
from app.outbox import services as outbox
from app.outbox import signals as outbox_signals
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import Email
from app.registrations import signals
from app.registrations.feeds import feed_page_token, personal_feed_for
from app.registrations.models import (
    ACTIVE_STATUSES,
    Activity,
    ActivityKind,
    Broadcast,
    Registration,
    RegistrationStatus,
)
from app.registrations.queries import waitlist_position
from app.timeutil import utcnow
from app.urls import absolute_url, host_of

SUBJECTS = {
    "confirmed": _l("Iscrizione confermata: %(title)s"),
    "approved": _l("Richiesta approvata: %(title)s"),
    "promoted": _l("Iscrizione confermata dalla lista d'attesa: %(title)s"),
    "waitlisted": _l("Iscrizione in lista d'attesa: %(title)s"),
    "pending": _l("Richiesta ricevuta: %(title)s"),
    "rejected": _l("Richiesta non accolta: %(title)s"),
    "cancelled": _l("Iscrizione annullata: %(title)s"),
    "link": _l("Link all'iscrizione: %(title)s"),
    "event_changed": _l("Evento modificato: %(title)s"),
    "event_cancelled": _l("Evento annullato: %(title)s"),
    "reminder": _l("Promemoria: %(title)s, %(when)s"),
    "feed_link": _l("Il calendario personale degli eventi: %(title)s"),
    "email_change": _l("Conferma del nuovo indirizzo email: %(title)s"),
    "address_changed": _l("Indirizzo email dell'iscrizione cambiato: %(title)s"),
    "invitation": _l("Per il calendario: %(title)s – %(lesson)s, %(when)s"),
    "invitation_withdrawn": _l("Tolta dal calendario: %(title)s – %(lesson)s, %(when)s"),
}


def participant_url(endpoint: str, registration: Registration, **values) -> str:
    """A link for a participant's message: the page it opens speaks the message's language
    (?lang=), even in a browser that never chose one."""
    if registration.locale and registration.locale != current_app.config["BABEL_DEFAULT_LOCALE"]:
        values["lang"] = registration.locale
    return absolute_url(endpoint, **values)


def manage_url(registration: Registration) -> str:
    return participant_url("registrations.registration", registration, token=registration.token)


def render_email(template: str, locale: str, **context) -> Email:
    """A message to a registrant in their language: templates/email/<template>.*, its subject
    from SUBJECTS (or, for an organizer's message, the subject they wrote)."""
    event = context["event"]
    session = context.get("session")
    if template == "broadcast":
        subject, values = context["broadcast"].subject, None
    else:
        with force_locale(locale):  # the date in the subject, in the recipient's language
            when = long_datetime(context.get("starts_at") or event.starts_at)
        subject = SUBJECTS[template]
        lesson = localized(session, "title", locale) if session else ""
        values = {"title": localized(event, "title", locale), "when": when, "lesson": lesson}
    return outbox.render_email(template, locale, subject, values, **context)


def _render(template: str, registration: Registration, event: Event | None = None, **context) -> Email:
    return render_email(template, registration.locale, registration=registration, event=event or registration.event, **context)


def _queue(key: str, kind: str, registration: Registration, email: Email, **fields) -> int | None:
    fields.setdefault("recipient", registration.email)
    return outbox.queue(
        key,
        kind,
        email,
        recipient_name=registration.full_name,
        registration_id=registration.id,
        event_id=registration.event_id,
        **fields,
    )


def _withdrawn(event_id: int, email: str | None = None, before_id: int | None = None) -> dict[str, int]:
    """How many CANCELs each address already received for this event, from registrations that
    were confirmed and then cancelled or rejected: {email: count}."""
    query = select(Registration.email, func.count()).where(
        Registration.event_id == event_id,
        Registration.confirmed_at.is_not(None),
        Registration.status.in_((RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)),
    )
    if email is not None:
        query = query.where(Registration.email == email, Registration.id < before_id)
    return dict(db.session.execute(query.group_by(Registration.email)).all())


def _invite(
    registration: Registration,
    method: str,
    *,
    withdrawn: int,
    own_cancellation: bool = False,
    session: EventSession | None = None,
) -> bytes:
    """The invitation for one participant to one calendar entry (the event, or one lesson). A
    participant's own cancellation withdraws the entry with SEQUENCE + 1; if they register
    again, their new invitations must rise above every CANCEL they received (`withdrawn`), or
    calendar clients would ignore them."""
    event = registration.event
    with force_locale(registration.locale):  # its words in the participant's language
        return invitation(
            event,
            session=session,
            method=method,
            attendee=(registration.full_name, registration.email),
            page_url=participant_url("events.event_detail", registration, slug=event.slug),
            host=host_of(current_app.config["BASE_URL"]),
            organizer=organizer_identity(),
            sequence_bump=2 * withdrawn + (1 if own_cancellation else 0),
        )


#: Which template each recorded change becomes, and which invitation goes with it.
ACTIVITY_TEMPLATES = {
    ActivityKind.CONFIRMED: ("confirmed", "REQUEST"),
    ActivityKind.APPROVED: ("approved", "REQUEST"),
    ActivityKind.PROMOTED: ("promoted", "REQUEST"),
    ActivityKind.WAITLISTED: ("waitlisted", None),
    ActivityKind.PENDING: ("pending", None),
    ActivityKind.REJECTED: ("rejected", None),
    ActivityKind.CANCELLED: ("cancelled", "CANCEL"),
    ActivityKind.LINK_REQUESTED: ("link", None),
}


#: The messages that confirm a seat: higher domains may attach files to them (message_attachments).
CONFIRMATIONS = ("confirmed", "approved", "promoted")


def _entries(event: Event, sessions: list[EventSession] | None = None) -> list[EventSession | None]:
    """The calendar entries a message is about: the event itself, or a course's lessons (all of
    them, or those a change concerns)."""
    if not event.lessons:
        return [None]
    return list(event.lessons) if sessions is None else list(sessions)


def _queue_with_invitations(
    key: str,
    template: str,
    registration: Registration,
    method: str | None,
    *,
    withdrawn: int,
    own_cancellation: bool = False,
    sessions: list[EventSession] | None = None,
    into: OutboxMessage | None = None,
    **context,
) -> int | None:
    """The message about a change, with the invitations it calls for. One calendar entry rides
    in the message itself; several (a course's lessons) each get a short message of their own,
    because an iTIP message carries one UID and clients file only one entry per message.
    `into`: the unwritten message that the worker writes now (write_activity_message)."""
    event = registration.event
    invitations = []
    if method is not None:
        invitations = [
            (session, _invite(registration, method, withdrawn=withdrawn, own_cancellation=own_cancellation, session=session))
            for session in _entries(event, sessions)
        ]
    attached = invitations[0][1] if len(invitations) == 1 else None
    files = []
    if template in CONFIRMATIONS and registration.status == RegistrationStatus.CONFIRMED:
        files = [
            file for _receiver, found in signals.message_attachments.send(registration, kind=template) for file in found or []
        ]
    email = _render(
        template,
        registration,
        event=event,
        manage_url=manage_url(registration),
        has_invite=attached is not None,
        separate_invites=0 if attached is not None else len(invitations),
        invites_method=method,
        changed_lessons=sessions or [],
        attachment_names=[file.filename for file in files],
        **context,
    )
    fields = {"calendar": attached, "calendar_method": method if attached else None, "attachments": files or None}
    notice = outbox.fill(into, email, **fields) if into is not None else _queue(key, template, registration, email, **fields)
    if notice is None or attached is not None:
        return notice
    kind = "invitation_withdrawn" if method == "CANCEL" else "invitation"
    for position, (session, body) in enumerate(invitations, start=1):
        email = _render(
            kind,
            registration,
            event=event,
            session=session,
            starts_at=session.starts_at,
            position=position,
            total=len(invitations),
            manage_url=manage_url(registration),
        )
        _queue(f"{key}:lezione-{session.id}", kind, registration, email, calendar=body, calendar_method=method)
    return notice


def queue_for_activity(activity: Activity) -> int | None:
    """The message a change to a registration calls for (called by the registrations service):
    recorded in the change's transaction, written and sent by the worker (write_activity_message).
    Writing it here, the confirmation with its invitation and QR code, took most of a
    registration's time, with the event's row locked."""
    template, _method = ACTIVITY_TEMPLATES.get(activity.kind, (None, None))
    if template is None or outbox.is_silenced():
        return None
    registration = activity.registration
    return outbox.queue_unwritten(
        f"activity:{activity.id}",
        template,
        recipient=registration.email,
        recipient_name=registration.full_name,
        registration_id=registration.id,
        event_id=registration.event_id,
    )


#: The changes that move a registration to another status; each has its own message.
STATUS_CHANGES = tuple(kind for kind in ACTIVITY_TEMPLATES if kind != ActivityKind.LINK_REQUESTED)


def _superseded(activity: Activity) -> bool:
    """Whether the registration's status changed again after this change, before its message was
    written: the later change's own message tells where things stand (someone who cancels a
    second after registering gets the cancellation, not a confirmation of what they undid)."""
    if activity.kind not in STATUS_CHANGES:
        return False
    return (
        db.session.scalar(
            select(Activity.id).where(
                Activity.registration_id == activity.registration_id,
                Activity.id > activity.id,
                Activity.kind.in_(STATUS_CHANGES),
            ).limit(1)
        )
        is not None
    )


def _invited(registration: Registration) -> bool:
    """Whether an invitation was ever written for this registration (a confirmation overtaken
    before it was written never was)."""
    return (
        db.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.registration_id == registration.id,
                OutboxMessage.calendar_method == "REQUEST",
                OutboxMessage.status != OutboxStatus.UNWRITTEN,
            ).limit(1)
        )
        is not None
    )


def _registration_to_write_for(registration_id: int | None) -> Registration | None:
    """The registration a message is about, held (FOR SHARE) until the message is written, so
    an erasure running meanwhile waits and then blanks it with the rest; None when its data
    were removed already."""
    if registration_id is None:
        return None
    registration = db.session.scalar(
        select(Registration).where(Registration.id == registration_id).with_for_update(read=True)
    )
    return None if registration is None or registration.anonymised_at is not None else registration


def _addressed(message: OutboxMessage, registration: Registration) -> None:
    """To the address and name the registration has now (corrected since, or confirmed anew)."""
    message.recipient = registration.email
    message.recipient_name = registration.full_name


@outbox.writer("activity")
def write_activity_message(message: OutboxMessage) -> None:
    """Write the message of a recorded change to a registration, from what holds now: the
    event as it is, the waiting list as it stands. Its kind and invitation follow the change
    itself; a change overtaken by a later one before it was written is not told (_superseded).
    A registration whose data were removed since gets nothing."""
    activity = db.session.get(Activity, int(message.dedupe_key.split(":")[1]))
    registration = _registration_to_write_for(activity.registration_id if activity else None)
    if registration is None or _superseded(activity):
        db.session.delete(message)
        return
    _addressed(message, registration)
    template, method = ACTIVITY_TEMPLATES[activity.kind]
    event = registration.event
    if method == "CANCEL" and (registration.confirmed_at is None or not _invited(registration)):
        method = None  # never had an invitation: nothing to withdraw from a calendar
    if event.is_cancelled and (event.cancelled_at is None or event.cancelled_at <= activity.created_at):
        # The event's own CANCEL withdrew it. Cancelled after this change, the event told only
        # those still registered: this person's own CANCEL must go.
        method = None
    withdrawn = 0
    if method is not None:
        withdrawn = _withdrawn(event.id, registration.email, before_id=registration.id).get(registration.email, 0)
    _queue_with_invitations(
        message.dedupe_key,
        template,
        registration,
        method,
        withdrawn=withdrawn,
        own_cancellation=method == "CANCEL",
        by_organizer=activity.actor == "organizer",
        waitlist_position=waitlist_position(registration),
        into=message,
    )


def schedule_version(event: Event) -> int:
    """Grows with every change of date, time or place of the event or of any of its lessons."""
    return event.sequence + sum(s.sequence for s in event.sessions)


def withdraw_queued_reminders(event: Event) -> int:
    """Reminders written but not sent yet carry the old date, time or place: they go, and the
    next worker pass writes them again from what holds now."""
    return outbox.withdraw_queued(event.id, "reminder")


def queue_event_update(event: Event, sessions: list[EventSession] | None = None, previous=None) -> int:
    """After a change of date, time, place or status: every active participant is owed a
    message, with an updated (or cancelling) invitation for those who hold one, recorded in the
    change's transaction and written by the worker (write_event_update): an event of a
    thousand participants took the organizer's request several seconds to write them all.
    `sessions`: the lessons a change concerns, when only they changed; `previous`: where and
    when the event was (events.services._snapshot). Returns the number of participants told."""
    withdraw_queued_reminders(event)
    if outbox.is_silenced() or event.status not in (EventStatus.PUBLISHED, EventStatus.POSTPONED, EventStatus.CANCELLED):
        return 0
    registrations = db.session.execute(
        select(Registration.id, Registration.email).where(
            Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES)
        )
    ).all()
    version = schedule_version(event)
    template = "event_cancelled" if event.is_cancelled else "event_changed"
    context = {
        "sessions": [s.id for s in sessions] if sessions and not event.is_cancelled else None,
        "previous": _snapshot_context(previous),
    }
    overtaken = _take_back_unwritten_updates(event)
    queued = 0
    for registration_id, email in registrations:
        # The name too is the registration's when the message is written (_addressed).
        told = outbox.queue_unwritten(
            f"{template}:{event.id}:{version}:{registration_id}",
            template,
            recipient=email,
            registration_id=registration_id,
            event_id=event.id,
            context=_merged(overtaken.get(registration_id), context),
        )
        if told is not None:
            queued += 1
    return queued


def _take_back_unwritten_updates(event: Event) -> dict[int, dict]:
    """A change made before the worker wrote the messages of the previous one: those messages go,
    and each participant gets one message about both ({registration id: the oldest context})."""
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.registration_id, OutboxMessage.writer_context)
        .where(
            OutboxMessage.event_id == event.id,
            OutboxMessage.status == OutboxStatus.UNWRITTEN,
            OutboxMessage.kind.in_(("event_changed", "event_cancelled")),
        )
        .order_by(OutboxMessage.id)
    ).all()
    if not rows:
        return {}
    overtaken: dict[int, dict] = {}
    for _id, registration_id, context in rows:
        if registration_id is not None:
            overtaken[registration_id] = _merged(overtaken.get(registration_id), context or {})
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.id.in_([row[0] for row in rows])),
        execution_options={"synchronize_session": False},
    )
    return overtaken


def _merged(earlier: dict | None, later: dict) -> dict:
    """One change told for two: where and when the event was before the first, and the lessons
    of both (all of them when either concerned the whole event)."""
    if earlier is None:
        return later
    sessions = None
    if earlier.get("sessions") and later.get("sessions"):
        sessions = sorted(set(earlier["sessions"]) | set(later["sessions"]))
    return {"sessions": sessions, "previous": earlier.get("previous") or later.get("previous")}


def _snapshot_context(previous) -> dict | None:
    """events.services._snapshot as JSON."""
    if previous is None:
        return None
    return {
        "starts_at": previous.starts_at.isoformat(),
        "ends_at": previous.ends_at.isoformat(),
        "all_day": previous.all_day,
        "first_day": previous.first_day.isoformat(),
        "last_day": previous.last_day.isoformat(),
        "is_multi_day": previous.is_multi_day,
        "place": previous.place,
    }


def _snapshot_from(context: dict | None) -> SimpleNamespace | None:
    if context is None:
        return None
    return SimpleNamespace(
        starts_at=datetime.fromisoformat(context["starts_at"]),
        ends_at=datetime.fromisoformat(context["ends_at"]),
        all_day=context["all_day"],
        first_day=date.fromisoformat(context["first_day"]),
        last_day=date.fromisoformat(context["last_day"]),
        is_multi_day=context["is_multi_day"],
        place=context["place"],
    )


@outbox.writer("event_changed")
@outbox.writer("event_cancelled")
def write_event_update(message: OutboxMessage) -> None:
    """Write a participant's message about a change to the event, from the event as it is now
    (a second change before the worker came is told with its result). Someone no longer
    registered by then, or whose data were removed, gets nothing."""
    registration = _registration_to_write_for(message.registration_id)
    if registration is None or not registration.is_active:
        db.session.delete(message)
        return
    event = registration.event
    if (message.kind == "event_cancelled") != event.is_cancelled:
        db.session.delete(message)  # the event changed status again: that change's message tells it
        return
    _addressed(message, registration)
    context = message.writer_context or {}
    method = None
    if registration.status == RegistrationStatus.CONFIRMED:
        method = "CANCEL" if event.is_cancelled else "REQUEST"
    withdrawn = _withdrawn(event.id, registration.email, before_id=registration.id).get(registration.email, 0)
    sessions = None
    if context.get("sessions") and not event.is_cancelled:
        sessions = [s for s in event.sessions if s.id in context["sessions"]] or None
    _queue_with_invitations(
        message.dedupe_key,
        message.kind,
        registration,
        method,
        withdrawn=withdrawn,
        sessions=sessions,
        previous=_snapshot_from(context.get("previous")),
        into=message,
    )


#: Links sent on request go out at most once in this interval, however often the button is pressed.
LINK_INTERVAL_SECONDS = 600


def _interval() -> int:
    return int(utcnow().timestamp() // LINK_INTERVAL_SECONDS)


def queue_feed_link(registration: Registration) -> bool:
    """Send the link to the personal calendar page to the registration's own address: the page
    shows every event of that address, so only its mailbox may open it. False when a link was
    sent a moment ago."""
    feed = personal_feed_for(registration.email)
    email = _render(
        "feed_link",
        registration,
        event=registration.event,
        feed_page_url=participant_url("registrations.personal_calendar", registration, token=feed_page_token(feed)),
        manage_url=manage_url(registration),
    )
    queued = _queue(f"feed-link:{feed.id}:{_interval()}", "feed_link", registration, email)
    db.session.commit()
    return queued is not None


def queue_email_change(registration: Registration, new_email: str, token: str) -> None:
    """Ask the new address to confirm itself; the caller commits."""
    email = _render(
        "email_change",
        registration,
        event=registration.event,
        new_email=new_email,
        confirm_url=participant_url("registrations.confirm_email", registration, token=token),
        manage_url=None,
    )
    _queue(f"email-change:{registration.id}:{new_email}:{_interval()}", "email_change", registration, email, recipient=new_email)


def queue_address_change(registration: Registration, old_email: str, new_email: str, *, to_old: bool) -> None:
    """A confirmed address change, told to both addresses in the caller's transaction. The old one
    (called before the registration moves) hears where its messages go now, with a CANCEL for its
    calendar; the new one (called after) gets the invitation(s) for its own."""
    confirmed = registration.status == RegistrationStatus.CONFIRMED and not registration.event.is_cancelled
    method = ("CANCEL" if to_old else "REQUEST") if confirmed else None
    email = registration.email
    withdrawn = _withdrawn(registration.event_id, email, before_id=registration.id).get(email, 0) if method else 0
    side = "old" if to_old else "new"
    _queue_with_invitations(
        f"address-change:{registration.id}:{old_email}>{new_email}:{side}",
        "address_changed",
        registration,
        method,
        withdrawn=withdrawn,
        own_cancellation=to_old,
        to_old=to_old,
        old_email=old_email,
        new_email=new_email,
    )


# -- reminders -------------------------------------------------------------------------------


@dataclass
class Occurrence:
    #: Names what the reminder is about and the schedule it was written for ("evento-v3"): once
    #: the event or lesson moves, the reminders for its new date are new messages.
    key: str
    starts_at: datetime
    session: EventSession | None


def occurrences(event: Event) -> list[Occurrence]:
    """What reminders are about: the event, or each lesson of a course."""
    if event.lessons:
        return [Occurrence(f"sessione-{s.id}-v{event.sequence + s.sequence}", s.starts_at, s) for s in event.lessons]
    return [Occurrence(f"evento-v{event.sequence}", event.starts_at, None)]


def schedule_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that are due. A reminder is due from its offset before the start until
    the start; when several are due at once (the worker was stopped) only the nearest goes out.
    Times are read now, so a moved event's reminders move with it. Runs on every worker pass:
    a few queries per event with something due, whatever the number of participants."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now, Event.starts_at < now + timedelta(days=61))
        .options(selectinload(Event.sessions))
    ).all()
    queued = 0
    for event in events:
        offsets = offsets_for(event)
        due = []
        for occurrence in occurrences(event):
            ready = [o for o in offsets if occurrence.starts_at - o <= now < occurrence.starts_at]
            if ready:
                due.append((occurrence, min(ready)))
        if not due:
            continue
        confirmed = db.session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
            )
        ).all()
        already = set(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.event_id == event.id, OutboxMessage.kind == "reminder"
                )
            )
        )
        for occurrence, offset in due:
            for registration in confirmed:
                key = f"reminder:{registration.id}:{occurrence.key}:{offset_label(offset)}"
                if key in already:
                    continue
                email = _render(
                    "reminder",
                    registration,
                    event=event,
                    session=occurrence.session,
                    starts_at=occurrence.starts_at,
                    manage_url=manage_url(registration),
                )
                if _queue(key, "reminder", registration, email):
                    queued += 1
        db.session.commit()
    return queued


# -- organizers' messages ------------------------------------------------------------------------

AUDIENCES = ("all", *ACTIVE_STATUSES)


def broadcast_recipients(event: Event, audience: str) -> list[Registration]:
    """The registrations a message to `audience` ("all" active, or one status) reaches, in the
    order they registered."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    statuses = ACTIVE_STATUSES if audience == "all" else (audience,)
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(statuses))
            .order_by(Registration.created_at, Registration.id)
        )
    )


def broadcast_reply_to(organizer_email: str | None) -> str | None:
    """Where participants' answers go: MAIL_REPLY_TO when set, else the organizer who wrote."""
    return current_app.config.get("MAIL_REPLY_TO") or organizer_email or None


def _broadcast_email(event: Event, broadcast: Broadcast, registration: Registration) -> Email:
    return _render(
        "broadcast",
        registration,
        event=event,
        broadcast=broadcast,
        manage_url=manage_url(registration),
    )


@dataclass
class BroadcastPreview:
    """What one recipient will get, and how many will get it."""

    recipients: int
    example: Registration | None
    email: Email | None
    reply_to: str | None


def preview_broadcast(
    event: Event, subject: str, body: str, audience: str, organizer_email: str | None
) -> BroadcastPreview:
    """The message exactly as the first recipient would receive it; nothing is saved."""
    recipients = broadcast_recipients(event, audience)
    draft = Broadcast(event_id=event.id, subject=subject.strip(), body=body.strip(), audience=audience)
    example = recipients[0] if recipients else None
    email = _broadcast_email(event, draft, example) if example else None
    return BroadcastPreview(len(recipients), example, email, broadcast_reply_to(organizer_email))


def send_broadcast(
    event: Event,
    subject: str,
    body: str,
    audience: str,
    user_id: int | None,
    organizer_email: str | None = None,
) -> Broadcast:
    """One outbox row per registrant, all in one transaction: either everyone is queued or nobody.
    Answers go to MAIL_REPLY_TO, or else to the organizer who wrote (`organizer_email`)."""
    recipients = broadcast_recipients(event, audience)
    broadcast = Broadcast(
        event_id=event.id, subject=subject.strip(), body=body.strip(), audience=audience, user_id=user_id
    )
    db.session.add(broadcast)
    db.session.flush()
    reply_to = broadcast_reply_to(organizer_email)
    for registration in recipients:
        email = _broadcast_email(event, broadcast, registration)
        _queue(
            f"broadcast:{broadcast.id}:{registration.id}",
            "broadcast",
            registration,
            email,
            broadcast_id=broadcast.id,
            reply_to=reply_to,
        )
    db.session.commit()
    return broadcast


def broadcasts_for(event: Event) -> list[Broadcast]:
    """The messages organizers have sent about an event, newest first."""
    return list(
        db.session.scalars(select(Broadcast).where(Broadcast.event_id == event.id).order_by(Broadcast.id.desc()))
    )


# -- receivers: what makes a message ------------------------------------------------------------


@signals.registration_activity.connect
def _on_activity(activity: Activity, **_) -> None:
    queue_for_activity(activity)


@event_signals.event_rescheduled.connect
def _on_rescheduled(event: Event, sessions: list[EventSession] | None = None, previous=None, **_) -> int:
    return queue_event_update(event, sessions, previous)


def _on_status_change(event: Event, previous: str, **_) -> int:
    """Participants hear of a new status once the event has been public: nobody registers to a
    draft."""
    if previous == EventStatus.DRAFT:
        return 0
    return queue_event_update(event)


for _signal in (event_signals.event_published, event_signals.event_cancelled, event_signals.event_postponed):
    _signal.connect(_on_status_change)


@outbox_signals.worker_pass.connect
def _on_worker_pass(_sender, now: datetime | None = None, **_) -> int:
    return schedule_reminders(now)
