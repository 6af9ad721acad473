"""The audit log: organizers' edits with old → new, status changes, exports, logins; written in
the action's transaction, searchable and exportable by admins only, never editable."""

from __future__ import annotations

import csv
import io

from flask import g
from sqlalchemy import select

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.auth.models import Role
from app.auth.services import create_user
from app.events.models import Event
from app.extensions import db
from app.registrations.models import Registration
from tests.factories import ORGANIZER_EMAIL, csrf_token_from, event_form_data, log_in, register


def _entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def _post(client, url, **data):
    token = csrf_token_from(client.get("/gestione/"))
    return client.post(url, data={"csrf_token": token, **data})


def test_an_event_edit_records_who_and_the_changed_fields_old_to_new(logged_in, make_event, venue):
    event = make_event("Titolo di prima")
    assert _entries("evento.modificato") == []  # built by a service, with no one signed in
    client = logged_in
    response = client.post(
        f"/gestione/eventi/{event.id}/modifica", data=event_form_data(client, venue, title="Titolo di dopo")
    )
    assert response.status_code == 303
    [entry] = _entries("evento.modificato")
    assert entry.actor_label == ORGANIZER_EMAIL
    assert entry.event_id == event.id
    assert entry.changes["title"] == ["Titolo di prima", "Titolo di dopo"]
    assert entry.path.startswith(f"/gestione/eventi/{event.id}/modifica")


def test_publishing_and_cancelling_are_named_as_such(logged_in, make_event):
    event = make_event(status="draft")
    _post(logged_in, f"/gestione/eventi/{event.id}/pubblica")
    _post(logged_in, f"/gestione/eventi/{event.id}/annulla", reason="Sala inagibile")
    actions = [e.action for e in _entries() if e.event_id == event.id]
    assert "evento.published" in actions
    assert "evento.cancelled" in actions


def test_a_refused_edit_leaves_no_entry_because_it_shares_the_transaction(logged_in, make_event):
    event = make_event("Titolo originale")
    client = logged_in
    token = csrf_token_from(client.get(f"/gestione/eventi/{event.id}/modifica"))
    assert client.post(f"/gestione/eventi/{event.id}/modifica", data={"csrf_token": token, "title": ""}).status_code == 422
    assert _entries("evento.modificato") == []


def test_an_entry_written_in_a_transaction_that_rolls_back_is_gone_with_it(app, organizer, make_event):
    event = make_event()
    with app.test_request_context("/gestione/"):
        g._login_user = organizer
        event.title = "Mai salvato"
        db.session.flush()
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "evento.modificato"))
        db.session.rollback()
    assert _entries("evento.modificato") == []


def test_personal_fields_are_recorded_as_changed_without_their_values(app, organizer, make_event):
    event = make_event()
    registration = register(event, email="vecchio.indirizzo@comune.example").registration
    with app.test_request_context(f"/gestione/eventi/{event.id}/iscritti/{registration.id}/modifica", method="POST"):
        g._login_user = organizer
        registration.email = "nuovo.indirizzo@comune.example"
        registration.organization = "Comune di Alba"
        db.session.commit()
    [entry] = _entries("iscrizione.modificato")
    assert entry.registration_id == registration.id
    assert entry.changes["email"] == [audit.PERSONAL_MARK, audit.PERSONAL_MARK]
    assert entry.changes["organization"][1] == "Comune di Alba"
    stored = " ".join(str(value) for e in _entries() for value in (e.target, e.detail, e.changes))
    assert "indirizzo@comune.example" not in stored


def test_a_participant_registering_online_is_not_an_organizer_action(client, make_event):
    event = make_event()
    register(event)
    client.get(f"/eventi/{event.slug}")
    assert _entries() == []


def test_an_export_is_recorded_with_its_file_and_event(logged_in, make_event):
    event = make_event()
    register(event)
    response = logged_in.get(f"/gestione/eventi/{event.id}/iscritti.csv")
    assert response.status_code == 200
    [entry] = _entries("esportazione")
    assert entry.event_id == event.id
    assert entry.detail == f"iscritti-{event.slug}.csv"


def test_logins_and_failed_logins_are_recorded_but_not_unknown_addresses(client, organizer):
    assert log_in(client, password="sbagliata-davvero").status_code == 422
    assert log_in(client, email="qualcuno.a.caso@example.org", password="x").status_code == 422
    assert log_in(client).status_code == 303
    failed = _entries("accesso.fallito")
    assert [e.actor_label for e in failed] == [ORGANIZER_EMAIL, ""]
    assert "qualcuno.a.caso" not in " ".join(e.detail + e.target for e in failed)
    assert [e.actor_label for e in _entries("accesso")] == [ORGANIZER_EMAIL]


def test_account_changes_are_recorded_without_the_password_hash(logged_in, organizer):
    colleague = create_user("collega@anci.example", "tramonto-ciliegia-ponte", role=Role.ORGANIZER)
    response = _post(logged_in, f"/gestione/utenti/{colleague.id}/disattiva")
    assert response.status_code == 303
    [entry] = [e for e in _entries("utente.modificato") if e.changes and "active" in e.changes]
    assert entry.changes["active"] == [True, False]
    assert all("password_hash" not in (e.changes or {}) or e.changes["password_hash"][1] == audit.PERSONAL_MARK for e in _entries())


def test_the_log_is_for_admins_only(client, app):
    create_user("organizzatrice@anci.example", "tramonto-ciliegia-ponte", role=Role.ORGANIZER)
    log_in(client, "organizzatrice@anci.example", "tramonto-ciliegia-ponte")
    assert client.get("/gestione/registro").status_code == 403
    assert client.get("/gestione/registro.csv").status_code == 403


def test_search_finds_entries_about_a_person_by_name_and_filters_by_action(logged_in, make_event):
    event = make_event()
    registration = register(event, first_name="Eleonora", last_name="Bianchi").registration
    _post(logged_in, f"/gestione/eventi/{event.id}/iscritti/{registration.id}/annulla")
    page = logged_in.get("/gestione/registro", query_string={"q": "eleonora bianchi"}).get_data(as_text=True)
    assert "<td>Iscrizione annullata</td>" in page and "Eleonora Bianchi" in page
    other = logged_in.get("/gestione/registro", query_string={"q": "Nessuno Qui"}).get_data(as_text=True)
    assert "Nessuna voce per questa ricerca." in other
    only_logins = logged_in.get("/gestione/registro", query_string={"action": "accesso"}).get_data(as_text=True)
    assert "<td>Iscrizione annullata</td>" not in only_logins and "<td>Accesso</td>" in only_logins


def test_a_period_that_ends_before_it_starts_gets_a_message(logged_in):
    response = logged_in.get("/gestione/registro", query_string={"since": "2026-05-10", "until": "2026-05-01"})
    assert response.status_code == 200
    assert "Il periodo finisce prima di cominciare" in response.get_data(as_text=True)
    assert logged_in.get("/gestione/registro.csv", query_string={"since": "2026-05-10", "until": "2026-05-01"}).status_code == 400


def test_the_export_holds_the_found_entries_and_is_itself_recorded(logged_in, make_event):
    event = make_event("Riunione della Consulta")
    _post(logged_in, f"/gestione/eventi/{event.id}/annulla", reason="Sala inagibile")
    response = logged_in.get("/gestione/registro.csv", query_string={"event": event.id})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Quando", "Chi", "Azione"]
    assert any(row[2] == "Evento annullato" and row[3] == "Riunione della Consulta" for row in rows[1:])
    assert _entries("esportazione")[-1].detail.startswith("registro-attivita-")


def test_no_route_of_the_log_changes_it(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("manage_audit.")]
    assert rules
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)


def test_erasing_a_registration_leaves_no_name_in_the_log(logged_in, make_event):
    event = make_event()
    registration = register(event, first_name="Ottavia", last_name="Lanzavecchia", email="ottavia@comune.example").registration
    _post(logged_in, f"/gestione/eventi/{event.id}/iscritti/{registration.id}/annulla")
    _post(logged_in, "/gestione/privacy/cancella", email="ottavia@comune.example", confirm="1")
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).anonymised_at is not None
    for entry in _entries():
        text = f"{entry.target} {entry.detail} {entry.changes}"
        assert "Lanzavecchia" not in text and "ottavia@" not in text
    assert _entries("privacy.cancellazione")
    assert db.session.get(Event, event.id)


def test_changes_read_in_words_states_and_field_names(logged_in, make_event):
    event = make_event("Riunione della Consulta")
    _post(logged_in, f"/gestione/eventi/{event.id}/annulla", reason="Sala inagibile")
    page = logged_in.get("/gestione/registro", query_string={"event": event.id}).get_data(as_text=True)
    assert "Stato: Pubblicato → Annullato" in page
    assert "Motivo dell&#39;annullamento" in page
    assert "status:" not in page
