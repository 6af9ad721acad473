"""/gestione/privacy: an organizer finds one person across events, hands over their data or
erases it; a limited organizer reaches only their own events' registrations."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.auth.models import Role, UserEventType
from app.auth.services import create_user
from app.events.models import EventType
from app.extensions import db
from app.registrations.models import Registration
from tests.factories import csrf_token_from, log_in, register

EMAIL = "sindaca@comune.bra.example"



@pytest.fixture
def two_events(make_event):
    course = make_event(title="Corso di europrogettazione", type_slug="corso")
    meeting = make_event(title="Riunione della Consulta", type_slug="incontro")
    in_course = register(course, email=EMAIL, first_name="Francesca", last_name="Gallo").registration
    in_meeting = register(meeting, email=EMAIL.upper(), first_name="Francesca", last_name="Gallo").registration
    register(meeting, email="altra.persona@example.org", first_name="Piero", last_name="Gallo")
    return in_course, in_meeting


def _post(client, url, **data):
    token = csrf_token_from(client.get("/gestione/privacy"))
    return client.post(url, data={"csrf_token": token, **data})


def test_a_person_is_found_across_events_by_address_or_by_name(logged_in, two_events):
    page = logged_in.get("/gestione/privacy", query_string={"q": EMAIL}).get_data(as_text=True)
    assert "Corso di europrogettazione" in page and "Riunione della Consulta" in page
    assert "altra.persona@example.org" not in page
    by_name = logged_in.get("/gestione/privacy", query_string={"q": "francesca gallo"}).get_data(as_text=True)
    assert by_name.count('class="card card-bg mb-4 person"') == 1
    assert "Piero" not in by_name


def test_a_too_short_search_is_refused_with_a_message(logged_in, two_events):
    page = logged_in.get("/gestione/privacy", query_string={"q": "ga"}).get_data(as_text=True)
    assert "Scriva almeno 3 caratteri" in page and "Piero" not in page


def test_the_export_holds_every_registration_of_the_person(logged_in, two_events):
    response = _post(logged_in, "/gestione/privacy/esporta", email=EMAIL)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    titles = sorted(r["event"]["title"] for r in data["data"]["iscrizioni"])
    assert titles == ["Corso di europrogettazione", "Riunione della Consulta"]


def test_erasure_needs_the_box_ticked_then_removes_the_data_and_a_second_time_finds_nothing(logged_in, two_events):
    in_course, in_meeting = two_events
    _post(logged_in, "/gestione/privacy/cancella", email=EMAIL)
    db.session.expire_all()
    assert db.session.get(Registration, in_course.id).email == EMAIL

    response = _post(logged_in, "/gestione/privacy/cancella", email=EMAIL, confirm="1")
    assert response.status_code == 303
    db.session.expire_all()
    for registration_id in (in_course.id, in_meeting.id):
        registration = db.session.get(Registration, registration_id)
        assert registration.anonymised_at is not None and "gallo" not in registration.last_name.lower()
    assert "Dati personali cancellati da 2 iscrizioni." in logged_in.get("/gestione/privacy").get_data(as_text=True)

    _post(logged_in, "/gestione/privacy/cancella", email=EMAIL, confirm="1")
    assert "Non c&#39;era più nulla da cancellare" in logged_in.get("/gestione/privacy").get_data(as_text=True)


def test_a_limited_organizer_finds_and_erases_only_their_events_registrations(client, two_events):
    in_course, in_meeting = two_events
    user = create_user("corsi@anci.example", "tramonto-ciliegia-ponte", role=Role.ORGANIZER)
    corso = db.session.scalar(select(EventType.id).where(EventType.slug == "corso"))
    db.session.add(UserEventType(user_id=user.id, type_id=corso))
    db.session.commit()
    log_in(client, "corsi@anci.example", "tramonto-ciliegia-ponte")
    page = client.get("/gestione/privacy", query_string={"q": EMAIL}).get_data(as_text=True)
    assert "Corso di europrogettazione" in page and "Riunione della Consulta" not in page

    _post(client, "/gestione/privacy/cancella", email=EMAIL, confirm="1")
    db.session.expire_all()
    assert db.session.get(Registration, in_course.id).anonymised_at is not None
    assert db.session.get(Registration, in_meeting.id).anonymised_at is None


def test_the_page_needs_a_signed_in_organizer(client, two_events):
    response = client.get("/gestione/privacy", query_string={"q": EMAIL})
    assert response.status_code in (302, 303)
    assert EMAIL not in response.get_data(as_text=True)
