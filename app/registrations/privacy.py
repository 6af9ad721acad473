"""Personal data of registrations: what the domain holds (names, address, phone, answers, history,
personal feed), how it is exported and anonymised, the retention the worker runs, the signed
links a participant's requests travel by, and `flask privacy retention`."""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, func, select, update

from app import privacy
from app.events.models import Event
from app.extensions import db
from app.i18n import localized
from app.outbox import privacy as outbox_privacy
from app.outbox import services as outbox
from app.outbox.signals import worker_pass
from app.registrations import services
from app.registrations.models import Activity, Answer, PersonalFeed, Registration, new_token
from app.signing import sign, unsign
from app.timeutil import utcnow
from app.urls import absolute_url

log = logging.getLogger(__name__)

#: Addresses of anonymised registrations: `.invalid` is reserved, nothing is ever sent there.
ANONYMOUS_DOMAIN = "anonimo.invalid"


def anonymous_email(registration_id: int) -> str:
    return f"anonimo-{registration_id}@{ANONYMOUS_DOMAIN}"


# -- the shredder ---------------------------------------------------------------------------------


def _export(subject: privacy.Subject) -> list[dict]:
    registrations = db.session.scalars(
        select(Registration).where(Registration.id.in_(subject.registration_ids)).order_by(Registration.id)
    )
    return [
        {
            "event": {"title": r.event.title, "starts_at": r.event.starts_at.isoformat(), "ends_at": r.event.ends_at.isoformat()},
            "status": r.status,
            "first_name": r.first_name,
            "last_name": r.last_name,
            "email": r.email,
            "organization": r.organization,
            "ente_tipo": r.ente_tipo,
            "comune_istat": r.comune_istat,
            "ente_country": r.ente_country,
            "role": r.role,
            "phone": r.phone,
            "locale": r.locale,
            "source": r.source,
            "consent": {"version": r.consent_version, "text": r.consent_text},
            "created_at": r.created_at.isoformat(),
            "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
            "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None,
            "answers": [{"question": a.question.label, "answer": a.value} for a in r.answers],
            "history": [
                {"what": a.kind, "by": a.actor, "at": a.created_at.isoformat(), "detail": a.detail} for a in r.activities
            ],
        }
        for r in registrations
    ]


def _export_feeds(subject: privacy.Subject) -> list[dict]:
    feeds = db.session.scalars(select(PersonalFeed).where(PersonalFeed.email.in_(subject.emails)))
    return [{"email": feed.email, "issued_at": feed.issued_at.isoformat()} for feed in feeds]


def _anonymise(subject: privacy.Subject) -> None:
    """Names, address, phone, answers and history's details go; ente, role, status and dates stay
    for the statistics. The page's key is replaced: the old link opens nothing."""
    ids = subject.registration_ids
    now = utcnow()
    for registration in db.session.scalars(select(Registration).where(Registration.id.in_(ids))):
        registration.first_name = ""
        registration.last_name = "—"
        registration.email = anonymous_email(registration.id)
        registration.phone = None
        registration.token = new_token()
        registration.anonymised_at = registration.anonymised_at or now
    db.session.execute(delete(Answer).where(Answer.registration_id.in_(ids)), execution_options={"synchronize_session": False})
    db.session.execute(
        update(Activity).where(Activity.registration_id.in_(ids)).values(detail=None),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    # The personal feed spans an address: it goes with the last registration that still uses it.
    still_used = select(Registration.email).where(Registration.email.in_(subject.emails))
    db.session.execute(
        delete(PersonalFeed).where(PersonalFeed.email.in_(subject.emails), PersonalFeed.email.not_in(still_used)),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()


privacy.register(
    privacy.Shredder(
        name="iscrizioni",
        export=_export,
        anonymise=_anonymise,
        covers=frozenset(
            {
                "registrations.first_name",
                "registrations.last_name",
                "registrations.email",
                "registrations.phone",
                "registration_answers.value",
                "registration_activities.detail",
            }
        ),
        keeps={
            "registrations.token": "a random key, replaced when anonymised",
            "registrations.status": "a state",
            "registrations.organization": "the ente (comune or organization): kept for statistics and certificates",
            "registrations.role": "the role category: kept for statistics",
            "registrations.ente_tipo": "the kind of body (comune, unione, associazione…): kept for statistics",
            "registrations.comune_istat": "the comune's ISTAT code, a public body's: kept for the participation figures",
            "registrations.ente_country": "the country of a body abroad: kept for statistics",
            "registrations.locale": "a language",
            "registrations.source": "online or by the organizers",
            "registrations.consent_version": "which notice was agreed to",
            "registrations.consent_text": "the notice's wording as shown, the same for everyone",
            "registration_activities.kind": "what happened",
            "registration_activities.actor": "who acted, as a category",
        },
    )
)
privacy.register(
    privacy.Shredder(
        name="calendario_personale",
        export=_export_feeds,
        anonymise=lambda _subject: None,  # the registrations' shredder deletes it with the last one
        covers=frozenset({"personal_feeds.email"}),
        keeps={"personal_feeds.token": "a random key"},
    )
)


# -- subjects and requests ----------------------------------------------------------------------------


def subject_of(*registrations: Registration) -> privacy.Subject:
    return privacy.Subject(
        registration_ids=tuple(r.id for r in registrations), emails=tuple(sorted({r.email for r in registrations}))
    )


def registrations_of(email: str) -> list[Registration]:
    """Every registration made with this address that still holds personal data."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(func.lower(Registration.email) == email.strip().lower(), Registration.anonymised_at.is_(None))
            .order_by(Registration.id)
        )
    )


def export_data(registrations: list[Registration]) -> dict:
    return {
        "generated_at": utcnow().isoformat(),
        "controller": current_app.config["PRIVACY_CONTROLLER"],
        "data": privacy.export(subject_of(*registrations)) if registrations else {},
    }


def anonymise_registration(registration_id: int, *, erase: bool = False, now: datetime | None = None) -> bool:
    """Remove one registration's personal data in a transaction of its own, marked done
    (anonymised_at) with it: a run cut short leaves each registration whole or anonymised.
    False when it already was."""
    registration = db.session.scalar(
        select(Registration).where(Registration.id == registration_id).with_for_update()
    )
    if registration is None or registration.anonymised_at is not None:
        db.session.rollback()
        return False
    subject = subject_of(registration)
    try:
        (privacy.erase if erase else privacy.anonymise)(subject)
        registration = db.session.get(Registration, registration_id)
        registration.anonymised_at = now or utcnow()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return True


def erase_registrations(registrations: list[Registration]) -> int:
    """A person's request: each registration cancelled if it still holds a seat (the waiting
    list moves on as usual), then erased. Returns how many were erased now."""
    erased = 0
    for registration in registrations:
        registration_id = registration.id
        if registration.is_active and not registration.event.is_past:
            with contextlib.suppress(services.RegistrationError):  # cancelled meanwhile
                services.cancel(registration)
        erased += anonymise_registration(registration_id, erase=True)
    return erased


# -- retention -------------------------------------------------------------------------------------


def retention_cutoff(now: datetime) -> datetime:
    """The same day and time RETENTION_MONTHS months earlier (the month's last day if shorter)."""
    total = now.year * 12 + now.month - 1 - current_app.config["RETENTION_MONTHS"]
    year, month = divmod(total, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def due_for_retention(now: datetime | None = None) -> list[int]:
    """Registrations of events that ended more than RETENTION_MONTHS ago and still hold personal data."""
    return list(
        db.session.scalars(
            select(Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .where(Event.ends_at < retention_cutoff(now or utcnow()), Registration.anonymised_at.is_(None))
            .order_by(Registration.id)
        )
    )


@dataclass
class RetentionReport:
    registrations: list[int] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    outbox_bodies: int = 0


def run_retention(now: datetime | None = None, *, dry_run: bool = False) -> RetentionReport:
    now = now or utcnow()
    due = due_for_retention(now)
    report = RetentionReport()
    if due:
        report.events = list(
            db.session.scalars(
                select(Event.title).where(Event.id.in_(select(Registration.event_id).where(Registration.id.in_(due))))
            )
        )
    if dry_run:
        report.registrations = due
        report.outbox_bodies = outbox_privacy.purgeable_count(now)
        db.session.rollback()
        return report
    for registration_id in due:
        if anonymise_registration(registration_id, now=now):
            report.registrations.append(registration_id)
    report.outbox_bodies = outbox_privacy.purge_delivered_bodies(now)
    return report


@worker_pass.connect
def _on_worker_pass(_sender, now: datetime | None = None, **_) -> int:
    done = run_retention(now).registrations
    if done:
        log.info("privacy: %s registrations anonymised", len(done))
    return len(done)


privacy_cli = AppGroup("privacy", help="Dati personali: conservazione e cancellazione.")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Dice che cosa verrebbe rimosso, senza toccare nulla.")
def retention_command(dry_run: bool) -> None:
    """Anonimizza le iscrizioni degli eventi finiti da più di RETENTION_MONTHS mesi e svuota i
    messaggi recapitati da più di OUTBOX_KEEP_DAYS giorni."""
    report = run_retention(dry_run=dry_run)
    verb = "da anonimizzare" if dry_run else "anonimizzate"
    click.echo(f"iscrizioni {verb}: {len(report.registrations)}")
    for title in report.events:
        click.echo(f"  - {title}")
    verb = "da svuotare" if dry_run else "svuotati"
    click.echo(f"messaggi recapitati {verb}: {report.outbox_bodies}")
    if dry_run:
        click.echo("prova: nulla è stato modificato")


# -- signed links: what only the address's owner may open ---------------------------------------------

ERASE = "privacy-erase"
EXPORT = "privacy-export"


def _digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def request_token(purpose: str, registration: Registration) -> str:
    """Good while the registration keeps the address it had when the link was sent."""
    return sign(purpose, {"r": registration.id, "k": _digest(registration.email)})


@dataclass
class Request:
    registration: Registration
    #: Already anonymised: the link was used, or retention came first.
    done: bool = False


def request_from_token(purpose: str, token: str) -> Request | None:
    payload = unsign(purpose, token)
    if payload is None or not isinstance(payload.get("r"), int):
        return None
    registration = db.session.get(Registration, payload["r"])
    if registration is None:
        return None
    if registration.anonymised_at is not None:
        return Request(registration, done=True)
    if payload.get("k") != _digest(registration.email):
        return None
    return Request(registration)


def _link_interval() -> int:
    return int(utcnow().timestamp() // 600)


def queue_request_link(purpose: str, registration: Registration) -> bool:
    """Mail the link that confirms an erasure, or opens the data of every registration of the
    address, to the registration's own address. False when one was sent a moment ago."""
    from flask_babel import lazy_gettext as _l

    template, endpoint, subject = {
        ERASE: ("privacy_erase", "privacy.erase_confirm", _l("Conferma della cancellazione dei dati: %(title)s")),
        EXPORT: ("privacy_export", "privacy.export_all", _l("I dati delle iscrizioni: %(title)s")),
    }[purpose]
    email = outbox.render_email(
        template,
        registration.locale,
        subject,
        {"title": localized(registration.event, "title", registration.locale)},
        registration=registration,
        event=registration.event,
        link=absolute_url(endpoint, token=request_token(purpose, registration)),
    )
    queued = outbox.queue(
        f"{template}:{registration.id}:{_link_interval()}",
        template,
        email,
        recipient=registration.email,
        recipient_name=registration.full_name,
        registration_id=registration.id,
        event_id=registration.event_id,
    )
    db.session.commit()
    return queued is not None
