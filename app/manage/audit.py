"""The audit log for admins: search by person, event, action and day, and export what was found.
Read-only: no route here changes an entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import Select, or_, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.events.labels import STATUS_LABELS as EVENT_STATUS_LABELS
from app.events.models import Event
from app.extensions import db
from app.formatting import short_datetime
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.inputs import MAX_ID, date_arg, int_arg, page_arg, text_arg
from app.registrations.export import write_csv, write_xlsx
from app.registrations.labels import REGISTRATION_STATUS_LABELS
from app.registrations.models import Registration
from app.responses import download, private
from app.search import LIKE_ESCAPE, fold, folded, like_pattern
from app.timeutil import ROME

bp = Blueprint("manage_audit", __name__)

#: What each action is called on the page; an action without a name shows its code.
ACTIONS = {
    "accesso": _l("Accesso"),
    "accesso.fallito": _l("Accesso non riuscito"),
    "accesso.secondo_fattore_fallito": _l("Codice di verifica errato"),
    "uscita": _l("Uscita"),
    "esportazione": _l("Esportazione o scaricamento"),
    "evento.creato": _l("Evento creato"),
    "evento.modificato": _l("Evento modificato"),
    "evento.eliminato": _l("Evento eliminato"),
    "evento.published": _l("Evento pubblicato"),
    "evento.draft": _l("Evento ritirato (bozza)"),
    "evento.cancelled": _l("Evento annullato"),
    "evento.postponed": _l("Evento rinviato"),
    "lezione.creato": _l("Lezione aggiunta"),
    "lezione.modificato": _l("Lezione modificata"),
    "lezione.eliminato": _l("Lezione eliminata"),
    "iscrizione.creato": _l("Iscrizione aggiunta"),
    "iscrizione.modificato": _l("Iscrizione modificata"),
    "iscrizione.confirmed": _l("Iscrizione confermata"),
    "iscrizione.cancelled": _l("Iscrizione annullata"),
    "iscrizione.rejected": _l("Richiesta respinta"),
    "iscrizione.waitlisted": _l("Iscrizione in lista d'attesa"),
    "iscrizione.pending": _l("Iscrizione in attesa di approvazione"),
    "presenza.creato": _l("Presenza registrata"),
    "presenza.modificato": _l("Presenza modificata"),
    "presenza.eliminato": _l("Presenza tolta"),
    "attestato.creato": _l("Attestato rilasciato"),
    "attestato.revocato": _l("Attestato revocato"),
    "attestato.ripristinato": _l("Attestato ripristinato"),
    "messaggio.creato": _l("Messaggio inviato"),
    "utente.creato": _l("Account creato"),
    "utente.modificato": _l("Account modificato"),
    "privacy.esportazione": _l("Dati di una persona esportati"),
    "privacy.cancellazione": _l("Dati di una persona cancellati"),
    "due_fattori.attivato": _l("Verifica in due passaggi attivata"),
    "due_fattori.disattivato": _l("Verifica in due passaggi disattivata"),
}

PER_PAGE = 50

#: The fields an organizer reads most often in the log, named as on the forms; others show
#: their column name.
FIELDS = {
    "title": _l("Titolo"),
    "summary": _l("Sintesi"),
    "description_html": _l("Descrizione"),
    "status": _l("Stato"),
    "starts_at": _l("Inizio"),
    "ends_at": _l("Fine"),
    "venue_id": _l("Luogo (n.)"),
    "type_id": _l("Tipo (n.)"),
    "series_id": _l("Serie (n.)"),
    "capacity": _l("Posti"),
    "online_url": _l("Link online"),
    "cancellation_reason": _l("Motivo dell'annullamento"),
    "first_name": _l("Nome (della persona)"),
    "last_name": _l("Cognome"),
    "email": _l("Email"),
    "phone": _l("Telefono"),
    "organization": _l("Ente"),
    "role": _l("Ruolo"),
    "active": _l("Attivo"),
    "minutes": _l("Minuti di presenza"),
    "revoked_at": _l("Revocato il"),
    "subject": _l("Oggetto"),
}


def field_label(key: str) -> str:
    return str(FIELDS.get(key, key))


def value_label(key: str, value, action: str = "") -> str:
    """A recorded value as a person reads it: states in words, moments in Rome time."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    if key == "status":
        labels = EVENT_STATUS_LABELS if action.startswith("evento") else REGISTRATION_STATUS_LABELS
        label = labels.get(value)
        return str(label) if label else str(value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return short_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


@bp.before_request
@login_required
def require_admin():
    """The log shows every organizer's work and every account: admins only."""
    if not current_user.is_admin:
        abort(403)


@dataclass(frozen=True)
class Filters:
    q: str | None
    actor_id: int | None
    event_id: int | None
    action: str | None
    since: date | None
    until: date | None

    @classmethod
    def from_request(cls) -> Filters:
        action = text_arg("action", 40)
        return cls(
            q=text_arg("q"),
            actor_id=int_arg("actor", low=1, high=MAX_ID),
            event_id=int_arg("event", low=1, high=MAX_ID),
            action=action,
            since=date_arg("since"),
            until=date_arg("until"),
        )

    @property
    def error(self) -> str | None:
        if self.since and self.until and self.until < self.since:
            return _("Il periodo finisce prima di cominciare: controlli le date.")
        return None

    def as_args(self) -> dict:
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in (
                ("q", self.q),
                ("actor", self.actor_id),
                ("event", self.event_id),
                ("action", self.action),
                ("since", self.since),
                ("until", self.until),
            )
            if value is not None
        }


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ROME)


def entries_query(filters: Filters) -> Select:
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if filters.actor_id:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.event_id:
        query = query.where(AuditEntry.event_id == filters.event_id)
    if filters.action:
        # "iscrizione" finds every registration action, "iscrizione.cancelled" one of them.
        query = query.where(or_(AuditEntry.action == filters.action, AuditEntry.action.startswith(filters.action + ".")))
    if filters.since:
        query = query.where(AuditEntry.created_at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEntry.created_at < _start_of(filters.until + timedelta(days=1)))
    if filters.q:
        needle = like_pattern(fold(filters.q))
        # A person is found by the name or address of the registrations the entries are about.
        people = select(Registration.id).where(
            or_(
                folded(Registration.first_name + " " + Registration.last_name).like(needle, escape=LIKE_ESCAPE),
                folded(Registration.last_name + " " + Registration.first_name).like(needle, escape=LIKE_ESCAPE),
                folded(Registration.email).like(needle, escape=LIKE_ESCAPE),
            )
        )
        query = query.where(
            or_(
                folded(AuditEntry.target).like(needle, escape=LIKE_ESCAPE),
                folded(AuditEntry.detail).like(needle, escape=LIKE_ESCAPE),
                folded(AuditEntry.actor_label).like(needle, escape=LIKE_ESCAPE),
                AuditEntry.registration_id.in_(people),
            )
        )
    return query


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def _people(entries) -> dict[int, str]:
    """The current name of each registration the entries name: the log itself keeps no names,
    so an anonymised registration shows as such."""
    ids = {entry.registration_id for entry in entries if entry.registration_id}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Registration.id, Registration.first_name, Registration.last_name).where(Registration.id.in_(ids))
    )
    return {rid: f"{first} {last}".strip() for rid, first, last in rows}


def _event_titles(entries) -> dict[int, str]:
    ids = {entry.event_id for entry in entries if entry.event_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Event.id, Event.title).where(Event.id.in_(ids))).all())


def _choices() -> tuple[list[User], list[Event]]:
    users = list(db.session.scalars(select(User).order_by(User.email)))
    events = list(db.session.scalars(select(Event).order_by(Event.starts_at.desc()).limit(500)))
    return users, events


@bp.get("/registro")
def audit_log():
    filters = Filters.from_request()
    entries, pagination = [], None
    if filters.error is None:
        pagination = db.paginate(entries_query(filters), page=page_arg(), per_page=PER_PAGE, error_out=False)
        entries = pagination.items
    users, events = _choices()
    return private(
        render_template(
            "manage/audit_log.html",
            entries=entries,
            pagination=pagination,
            filters=filters,
            people=_people(entries),
            titles=_event_titles(entries),
            users=users,
            events=events,
            actions=ACTIONS,
            action_label=action_label,
            field_label=field_label,
            value_label=value_label,
        )
    )


def _export_rows(filters: Filters) -> tuple[list[str], list[list]]:
    entries = list(db.session.scalars(entries_query(filters).limit(100_000)))
    people, titles = _people(entries), _event_titles(entries)
    header = [_("Quando"), _("Chi"), _("Azione"), _("Evento"), _("Persona"), _("Oggetto"), _("Modifiche"), _("Dettagli"), _("Indirizzo IP")]
    body = [
        [
            entry.created_at,
            entry.actor_label,
            action_label(entry.action),
            titles.get(entry.event_id, entry.event_id or ""),
            people.get(entry.registration_id, entry.registration_id or ""),
            entry.target,
            "; ".join(
                f"{field_label(key)}: {value_label(key, old, entry.action)} → {value_label(key, new, entry.action)}"
                for key, (old, new) in (entry.changes or {}).items()
            ),
            entry.detail,
            entry.ip,
        ]
        for entry in entries
    ]
    return header, body


@bp.get("/registro.<any(csv, xlsx):kind>")
def audit_log_export(kind: str):
    filters = Filters.from_request()
    if filters.error:
        abort(400, filters.error)
    header, body = _export_rows(filters)
    stamp = datetime.now(ROME).strftime("%Y%m%d-%H%M")
    if kind == "csv":
        return download(write_csv(header, body), "text/csv; charset=utf-8", f"registro-attivita-{stamp}.csv")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return download(write_xlsx(header, body, title=_("Registro delle attività"), sheet_title=_("Registro")), xlsx, f"registro-attivita-{stamp}.xlsx")
