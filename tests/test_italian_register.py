"""Participants are mayors, councillors and municipal staff: the association writes to them
formally and without assuming anyone's gender. These tests keep "tu" and the generic
masculine ("sei confermato", "ti sei iscritto", "benvenuto") from coming back."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

from app.extensions import db
from app.registrations import notifications
from app.registrations import services as registrations
from app.registrations.models import RegistrationStatus
from app.timeutil import rome_datetime, utcnow
from tests.factories import CONSENT, participant

ROOT = Path(__file__).resolve().parent.parent

#: Words that address the reader with "tu", in running text and in the reflexive buttons.
INFORMAL = re.compile(
    r"\b(sei|ti|tuo|tua|tuoi|tue|hai|puoi|vuoi|devi|potrai|riceverai|parteciperai|ricevi|trovi|cerchi"
    r"|iscriviti|iscriverti|iscrivi|scegli|scrivi|correggi|rispondi|chiedi|salvalo|creane)\b",
    re.IGNORECASE,
)
#: Second-person imperatives that open a button, a link or a heading ("Annulla l'iscrizione",
#: "Sì, annulla", "Apri la mappa"): participants' labels use the infinitive ("Annullare
#: l'iscrizione") or a noun ("Aggiunta al calendario"). Matched only as a message's first word,
#: after an optional "Sì, "/"No, ", where a label puts its verb.
IMPERATIVE = re.compile(
    r"^\W*(?:(?:sì|no),\s*)?"
    r"(annulla|mantieni|apri|scarica|aggiungi|esci|scegli|inserisci|scrivi|indica|controlla|conferma|modifica"
    r"|verifica|salva|invia|crea|cerca|filtra|azzera|vedi|vai|torna|accedi|chiudi|mostra|nascondi|copia"
    r"|clicca|compila|leggi|usa|richiedi|ricevi|segui|stampa|elimina|cancella|gestisci|visualizza|prenota)\b"
    # Nouns spelled like the verb: "Conferma del nuovo indirizzo", "Verifica di un attestato",
    # "Modifica dei dati". A noun is followed by "di"/"del…"; the verb by its object.
    r"(?!\s+(?:di|del|dello|della|dei|degli|delle|dell')(?:\b|\s))",
    re.IGNORECASE,
)
#: The generic masculine for people: "confermato", "iscritto", "benvenuto", "Caro", "gli amministratori".
MASCULINE = re.compile(r"\b(benvenut[oaie]|car[oa]|iscritt[oi]|confermat[oi]|amministratori)\b", re.IGNORECASE)

#: Of templates/courses, the pages participants see (the rest is the organizer area's).
PARTICIPANT_COURSE_PAGES = [
    "feedback.html",
    "feedback_done.html",
    "feedback_invalid.html",
    "verify.html",
    "verify_form.html",
    "verify_unknown.html",
    "_verify_code_form.html",
    "certificate.html",
]

#: Sources of the texts participants read: public pages, their forms and messages, the emails.
PARTICIPANT_SOURCES = [
    *sorted((ROOT / "templates" / "registrations").glob("*.html")),
    *sorted((ROOT / "templates" / "events").glob("*.html")),
    *sorted((ROOT / "templates" / "macros").glob("*.html")),
    *sorted((ROOT / "templates" / "errors").glob("*.html")),
    *sorted((ROOT / "templates" / "privacy").glob("*.html")),
    # The courses' pages that participants reach: feedback, certificate verification.
    *(ROOT / "templates" / "courses" / name for name in PARTICIPANT_COURSE_PAGES),
    ROOT / "templates" / "base.html",
    *sorted((ROOT / "templates" / "email").glob("*.*")),
    ROOT / "app" / "registrations" / "forms.py",
    ROOT / "app" / "registrations" / "services.py",
    ROOT / "app" / "registrations" / "routes.py",
    ROOT / "app" / "registrations" / "notifications.py",
    ROOT / "app" / "registrations" / "labels.py",
    ROOT / "app" / "events" / "labels.py",
    ROOT / "app" / "formatting.py",
    ROOT / "app" / "errors.py",
    ROOT / "app" / "presentation.py",
    ROOT / "app" / "events" / "routes.py",
]


def informal_or_masculine(text: str) -> list[str]:
    return [m.group(0) for pattern in (INFORMAL, MASCULINE) for m in pattern.finditer(text)]


def _messages(path: Path):
    method = "python" if path.suffix == ".py" else "jinja2"
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    for _line, message, _comments, _context in extract_from_file(method, str(path), keywords=keywords):
        yield from ([message] if isinstance(message, str) else [m for m in message if m])


def test_the_markers_catch_what_they_are_for():
    assert informal_or_masculine("Il tuo posto è confermato. Ti aspettiamo!") == ["tuo", "Ti", "confermato"]
    assert informal_or_masculine("Ricevi questo messaggio perché ti sei iscritto.") == [
        "Ricevi",
        "ti",
        "sei",
        "iscritto",
    ]
    assert informal_or_masculine("La Sua iscrizione è confermata. Le persone iscritte ricevono il link.") == []


def test_the_imperative_marker_catches_tu_labels_and_spares_nouns():
    for label in ["Sì, annulla l'iscrizione", "No, mantieni l'iscrizione", "Apri la mappa", "Scarica il file .ics"]:
        assert IMPERATIVE.search(label), label
    for label in ["Sì, annullare l'iscrizione", "Aprire la mappa", "Aggiunta al calendario", "Verifica di un attestato"]:
        assert not IMPERATIVE.search(label), label
    assert not IMPERATIVE.search("Conferma del nuovo indirizzo") and not IMPERATIVE.search("Modifica dei dati")
    assert not IMPERATIVE.search("Per annullare, usa il link"), "only a label's first word"


def test_no_participant_label_is_a_tu_imperative():
    found = [
        f"{path.relative_to(ROOT)}: {message!r}"
        for path in PARTICIPANT_SOURCES
        for message in _messages(path)
        if IMPERATIVE.search(message)
    ]
    assert found == []


def test_no_participant_text_uses_tu_or_the_generic_masculine():
    found = {
        f"{path.relative_to(ROOT)}: {message!r}": informal_or_masculine(message)
        for path in PARTICIPANT_SOURCES
        for message in _messages(path)
        if informal_or_masculine(message)
    }
    assert found == {}


@pytest.fixture
def registration_with_event(make_event):
    event = make_event(
        title="Consulta: riunione plenaria",
        capacity=1,
        attendance_mode="hybrid",
        online_url="https://meet.example.org/consulta",
    )
    event.cancellation_reason = "La sala non è disponibile."
    event.postponement_note = "La nuova data sarà comunicata a breve."
    registration = registrations.register(event.id, participant("anna.rossi@comune.example.it"), CONSENT).registration
    db.session.commit()
    return event, registration


EMAILS = {
    "confirmed": {"has_invite": True},
    "approved": {"has_invite": True},
    "promoted": {"has_invite": True},
    "waitlisted": {"waitlist_position": 2},
    "pending": {},
    "rejected": {},
    "cancelled": {"by_organizer": False, "has_invite": True},
    "link": {},
    "event_changed": {"has_invite": True},
    "event_cancelled": {},
    "reminder": {"session": None},
}


@pytest.mark.parametrize("template", sorted(EMAILS))
def test_every_participant_email_is_formal_and_gender_neutral(client, registration_with_event, template):
    event, registration = registration_with_event
    with client.application.test_request_context():
        context = {"registration": registration, "event": event, "manage_url": notifications.manage_url(registration)}
        if template == "reminder":
            context["starts_at"] = rome_datetime(event.first_day, time(10))
        email = notifications.render_email(template, "it", **context, **EMAILS[template])
    assert informal_or_masculine(email.subject) == []
    assert informal_or_masculine(email.text) == []
    assert informal_or_masculine(re.sub(r"<[^>]+>", " ", email.html)) == []
    assert "Gentile Maria Rossi" in email.text, "the salutation uses the full name"


@pytest.mark.parametrize("status", [s.value for s in RegistrationStatus])
def test_participant_pages_are_formal_and_gender_neutral(client, registration_with_event, status):
    event, registration = registration_with_event
    if status == RegistrationStatus.WAITLISTED:
        registration.waitlisted_at = utcnow()
    registration.status = status
    db.session.commit()
    pages = [
        f"/iscrizioni/{registration.token}",
        f"/iscrizioni/{registration.token}/annulla",
        f"/iscrizioni/{registration.token}/modifica",
        f"/eventi/{event.slug}",
        f"/eventi/{event.slug}/iscrizione",
        f"/eventi/{event.slug}/iscrizione/gia-iscritto",
        "/",
        "/eventi",
        "/calendario",
        "/archivio",
        "/privacy",
        "/pagina-che-non-esiste",
    ]
    for url in pages:
        response = client.get(url, follow_redirects=True)
        text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
        assert informal_or_masculine(text) == [], url
