"""How registrations, roles and their history are named in pages, messages and exports."""

from __future__ import annotations

from app.i18n import gettext as _
from app.i18n import lazy_gettext
from app.registrations.models import ActivityKind, Actor, EnteKind, ParticipantRole, QuestionKind, RegistrationStatus

REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: lazy_gettext("Iscrizione confermata"),
    RegistrationStatus.WAITLISTED: lazy_gettext("In lista d'attesa"),
    RegistrationStatus.PENDING: lazy_gettext("In attesa di approvazione"),
    RegistrationStatus.CANCELLED: lazy_gettext("Iscrizione annullata"),
    RegistrationStatus.REJECTED: lazy_gettext("Richiesta non accolta"),
}

ROLE_LABELS = {
    ParticipantRole.MAYOR: lazy_gettext("Sindaco/Sindaca"),
    ParticipantRole.ALDERMAN: lazy_gettext("Assessore/Assessora"),
    ParticipantRole.COUNCILLOR: lazy_gettext("Consigliere/Consigliera"),
    ParticipantRole.SECRETARY: lazy_gettext("Segretario/Segretaria comunale"),
    ParticipantRole.STAFF: lazy_gettext("Funzionario/Funzionaria o dipendente"),
    ParticipantRole.OTHER: lazy_gettext("Altro"),
}

ENTE_LABELS = {
    EnteKind.COMUNE: lazy_gettext("Comune"),
    EnteKind.UNIONE: lazy_gettext("Unione di comuni o unione montana"),
    EnteKind.PROVINCIA: lazy_gettext("Provincia o città metropolitana"),
    EnteKind.REGIONE: lazy_gettext("Regione"),
    EnteKind.PUBBLICO: lazy_gettext("Altro ente pubblico"),
    EnteKind.ASSOCIAZIONE: lazy_gettext("Associazione od ONG"),
    EnteKind.ESTERO: lazy_gettext("Ente con sede all'estero"),
    EnteKind.PRIVATO: lazy_gettext("A titolo personale"),
}

ACTIVITY_LABELS = {
    ActivityKind.CONFIRMED: lazy_gettext("iscrizione confermata"),
    ActivityKind.WAITLISTED: lazy_gettext("in lista d'attesa"),
    ActivityKind.PENDING: lazy_gettext("richiesta in attesa di approvazione"),
    ActivityKind.APPROVED: lazy_gettext("approvata"),
    ActivityKind.REJECTED: lazy_gettext("respinta"),
    ActivityKind.PROMOTED: lazy_gettext("confermata dalla lista d'attesa"),
    ActivityKind.CANCELLED: lazy_gettext("annullata"),
    ActivityKind.UPDATED: lazy_gettext("dati modificati"),
    ActivityKind.LINK_REQUESTED: lazy_gettext("link personale inviato di nuovo"),
    ActivityKind.CHECKED_IN: lazy_gettext("presente all'evento"),
    ActivityKind.ATTENDANCE_REMOVED: lazy_gettext("presenza tolta"),
    ActivityKind.CERTIFICATE_ISSUED: lazy_gettext("attestato rilasciato"),
    ActivityKind.CERTIFICATE_REVOKED: lazy_gettext("attestato revocato"),
}

ACTOR_LABELS = {
    Actor.PARTICIPANT: lazy_gettext("dalla persona iscritta"),
    Actor.ORGANIZER: lazy_gettext("dall'organizzazione"),
    Actor.SYSTEM: lazy_gettext("automaticamente"),
}


def answer_label(question, value: str | None) -> str:
    """An answer as people read it: 'Sì' rather than 'si', a dash when there is none."""
    if not value:
        return "—"
    if question.kind == QuestionKind.YES_NO:
        return _("Sì") if value == "si" else _("No")
    return value
