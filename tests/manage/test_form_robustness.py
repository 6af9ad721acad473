"""Every POST route of /gestione, fed missing fields, wrong types and oversized values, answers
4xx (422 for a form, shown again with what was typed) and never a 5xx."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select
from wtforms.fields.core import UnboundField

from app.auth.models import Role
from app.auth.services import create_user
from app.events import forms
from app.events import services as events
from app.events.models import EventType, Organization, Series, Speaker
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations import services as registrations
from app.registrations.forms import BroadcastForm, ParticipantForm, QuestionForm
from app.timeutil import today_rome
from tests.factories import CONSENT, add_weekly_lessons, csrf_token_from, participant

#: Every organizer POST route, by endpoint and the path it is walked at ({…} filled from the world).
ROUTES = {
    "manage_events.event_create": "/gestione/eventi/nuovo",
    "manage_events.event_edit": "/gestione/eventi/{event}/modifica",
    "manage_events.event_publish": "/gestione/eventi/{event}/pubblica",
    "manage_events.event_unpublish": "/gestione/eventi/{event}/ritira",
    "manage_events.event_duplicate": "/gestione/eventi/{event}/duplica",
    "manage_events.event_delete": "/gestione/eventi/{event}/elimina",
    "manage_events.event_cancel": "/gestione/eventi/{event}/annulla",
    "manage_events.event_postpone": "/gestione/eventi/{event}/rinvia",
    "manage_events.session_create": "/gestione/eventi/{event}/programma/nuovo",
    "manage_events.session_edit": "/gestione/eventi/{event}/programma/{session}",
    "manage_events.session_delete": "/gestione/eventi/{event}/programma/{session}/elimina",
    "manage_events.session_move": "/gestione/eventi/{event}/programma/{session}/sposta",
    "manage_events.material_add": "/gestione/eventi/{event}/materiali",
    "manage_events.material_delete": "/gestione/eventi/{event}/materiali/{material}/elimina",
    "manage_events.catalogue_edit:new": "/gestione/{kind}/nuovo",
    "manage_events.catalogue_edit": "/gestione/{kind}/{row}",
    "manage_events.catalogue_delete": "/gestione/{kind}/{row}/elimina",
    "manage_registrations.registrant_action": "/gestione/eventi/{event}/iscritti/{registration}/{action}",
    "manage_registrations.registrant_add": "/gestione/eventi/{event}/iscritti/nuovo",
    "manage_registrations.registrant_edit": "/gestione/eventi/{event}/iscritti/{registration}/modifica",
    "manage_registrations.questions": "/gestione/eventi/{event}/domande",
    "manage_registrations.question_attendance": "/gestione/eventi/{event}/domande/presenza-online",
    "manage_registrations.question_edit": "/gestione/eventi/{event}/domande/{question}",
    "manage_registrations.question_delete": "/gestione/eventi/{event}/domande/{question}/elimina",
    "manage_registrations.event_messages": "/gestione/eventi/{event}/messaggi",
    "manage_mail.retry": "/gestione/posta/{message}/riprova",
    "manage_mail.retry_all": "/gestione/posta/riprova-tutti",
    "manage_courses.attendance_tap": "/gestione/eventi/{event}/presenze/{registration}",
    "manage_courses.attendance_all": "/gestione/eventi/{event}/presenze/tutti",
    "manage_courses.attendance_rule": "/gestione/eventi/{event}/presenze/regola",
    "manage_courses.qr_check_in": "/gestione/presenze/{code}",
    "manage_certificates.certificates_issue_all": "/gestione/eventi/{event}/attestati/rilascia",
    "manage_certificates.certificate_issue": "/gestione/eventi/{event}/attestati/iscrizioni/{registration}/rilascia",
    "manage_certificates.certificate_revoke": "/gestione/eventi/{event}/attestati/{certificate}/revoca",
    "manage_certificates.certificates_send": "/gestione/eventi/{event}/attestati/invia",
    "manage_users.invite": "/gestione/utenti",
    "manage_users.user_edit": "/gestione/utenti/{user}",
    "manage_users.user_active": "/gestione/utenti/{user}/disattiva",
    "manage_users.user_reinvite": "/gestione/utenti/{user}/reinvia",
    "manage_people.export_person": "/gestione/privacy/esporta",
    "manage_people.erase_person": "/gestione/privacy/cancella",
    "manage_participation.unresolved": "/gestione/partecipazione/da-abbinare",
}
KINDS = ("serie", "tipi", "relatori", "organizzazioni", "luoghi")
ACTIONS = ("approva", "respingi", "conferma", "annulla")

FORMS = (
    forms.EventForm,
    forms.SessionForm,
    forms.MaterialForm,
    forms.ReasonForm,
    forms.NoteForm,
    forms.SeriesForm,
    forms.EventTypeForm,
    forms.SpeakerForm,
    forms.OrganizationForm,
    forms.VenueForm,
    BroadcastForm,
    QuestionForm,
    ParticipantForm,
)
#: Every field name any organizer form has, plus the bare parameters some buttons send.
FIELDS = sorted(
    {name for form in FORMS for name in dir(form) if isinstance(getattr(form, name, None), UnboundField)}
    | {"next", "presente", "direzione", "stato", "confirm", "lezione", "minuti", "minutes", "session_id", "reason"}
)

WRONG = (
    "abc",
    "-1",
    "0",
    "1.5",
    "1e309",
    "nan",
    "-inf",
    "99999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "25:99",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "y",
    "#zzzzzz",
)
OVERSIZED = ("x" * 100_000, "https://" + "a" * 5000 + ".it", "9" * 400)


def _cases():
    for endpoint, path in ROUTES.items():
        if "{kind}" in path:
            for kind in KINDS:
                yield pytest.param(endpoint, path.replace("{kind}", kind), id=f"{endpoint}-{kind}")
        elif "{action}" in path:
            for action in ACTIONS:
                yield pytest.param(endpoint, path.replace("{action}", action), id=f"{endpoint}-{action}")
        else:
            yield pytest.param(endpoint, path, id=endpoint)


def _world(make_event, venue) -> dict:
    """One of everything an organizer route can act on."""
    course = make_event(title="Corso di progettazione", type_slug="corso", capacity=1)
    course.ends_at = course.starts_at + timedelta(days=30)
    db.session.commit()
    lesson = add_weekly_lessons(course, 2)[0]
    material = events.add_material_link(course, "Slide", "https://example.org/slide.pdf")
    holder = registrations.register(course.id, participant(), CONSENT).registration
    registrations.register(course.id, participant(), CONSENT)
    question = registrations.add_question(course, registrations.attendance_question())
    series = Series(slug="coordinamenti", title="Coordinamenti", item_label="incontro")
    organization = Organization(name="Comune di Alba", country="IT")
    db.session.add_all([series, organization])
    db.session.flush()
    speaker = Speaker(name="Anna Neri", organization_id=organization.id)
    db.session.add(speaker)
    db.session.commit()
    rows = {
        "serie": series.id,
        "tipi": db.session.scalar(select(EventType.id).where(EventType.slug == "incontro")),
        "relatori": speaker.id,
        "organizzazioni": organization.id,
        "luoghi": venue.id,
    }
    return {
        "event": course.id,
        "session": lesson.id,
        "material": material.id,
        "question": question.id,
        "registration": holder.id,
        "message": db.session.scalar(select(OutboxMessage.id)),
        "rows": rows,
        # A check-in code as a scanner would read it, and a certificate id nobody holds.
        "code": "codice-letto-dal-telefono",
        "certificate": 1,
        "user": create_user("collega@anci.example", "password-lunga-1", role=Role.ORGANIZER).id,
    }


def _valid_event(venue) -> dict:
    day = today_rome() + timedelta(days=20)
    return {
        "title": "Un titolo da non perdere",
        "type_id": str(db.session.scalar(select(EventType.id).where(EventType.slug == "incontro"))),
        "start_date": day.isoformat(),
        "start_time": "15:00",
        "end_date": day.isoformat(),
        "end_time": "17:30",
        "attendance_mode": "in_person",
        "venue_id": str(venue.id),
        "themes": "Reti territoriali",
    }


def _valid_data(endpoint: str, kind: str | None, world: dict, venue) -> dict:
    """A form that would be accepted, to spoil one field at a time."""
    if endpoint in ("manage_events.event_create", "manage_events.event_edit"):
        return _valid_event(venue)
    if endpoint in ("manage_events.session_create", "manage_events.session_edit"):
        day = today_rome() + timedelta(days=12)
        return {"title": "Lezione", "date": day.isoformat(), "start_time": "14:00", "end_time": "16:00"}
    if endpoint in ("manage_registrations.registrant_add", "manage_registrations.registrant_edit"):
        return {
            "first_name": "Anna",
            "last_name": "Neri",
            "email": "anna.neri@comune.example.it",
            "organization": "Comune di Bra",
            "role": "sindaco",
            f"q_{world['question']}": "In presenza",
        }
    if endpoint == "manage_registrations.event_messages":
        return {"audience": "all", "subject": "Materiali", "body": "Le slide.", "invia": "1", "destinatari": "2"}
    if endpoint == "manage_users.invite":
        return {"email": "nuova.collega@anci.example", "name": "Nuova Collega", "role": "organizer"}
    if endpoint == "manage_users.user_edit":
        return {"role": "organizer", "type_ids": str(world["rows"]["tipi"])}
    if endpoint in ("manage_registrations.questions", "manage_registrations.question_edit"):
        return {"label": "Allergie?", "kind": "text"}
    return {
        "serie": {"title": "Cicli", "item_label": "incontro"},
        "tipi": {"label": "Seminario", "slug": "seminario", "color": "#123456", "position": "3"},
        "relatori": {"name": "Luca Bianchi", "organization_id": ""},
        "organizzazioni": {"name": "Comune di Bra", "country": "IT"},
        "luoghi": {"name": "Sala", "latitude": "45", "longitude": "7"},
    }.get(kind or "", {})


def _variants(valid: dict) -> list[dict]:
    """Missing fields, every field of the wrong type, every field oversized, repeated values,
    and one field at a time wrong in an otherwise valid form."""
    variants = [{}, dict.fromkeys(FIELDS, "")]
    variants += [dict.fromkeys(FIELDS, value) for value in WRONG + OVERSIZED]
    variants.append({name: ["1", "abc"] for name in FIELDS})
    for name in valid:
        variants.append({k: v for k, v in valid.items() if k != name})
        variants += [{**valid, name: value} for value in WRONG + OVERSIZED]
    variants += [
        {**valid, "all_day": "y", "start_date": "9999-12-31", "end_date": "9999-12-31"},
        {**valid, "start_date": "0001-01-01", "end_date": "0001-01-01"},
        {**valid, "registration_opens_at": "9999-12-31T23:59", "registration_closes_at": "0001-01-01T00:00"},
        {**valid, "latitude": "nan", "longitude": "nan"},
    ]
    return variants


@pytest.mark.parametrize(("endpoint", "path"), list(_cases()))
def test_organizer_post_routes_answer_4xx_never_5xx(logged_in, make_event, venue, endpoint, path):
    world = _world(make_event, venue)
    kind = next((k for k in KINDS if path.startswith(f"/gestione/{k}/")), None)
    url = path.format(row=world["rows"].get(kind), **world)
    token = csrf_token_from(logged_in.get("/gestione/"))
    valid = _valid_data(endpoint, kind, world, venue)
    if valid:  # the baseline passes, so each spoilt field is the only thing wrong
        response = logged_in.post(url, data={"csrf_token": token, **valid})
        assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    for data in _variants(valid):
        response = logged_in.post(url, data={"csrf_token": token, **data})
        assert response.status_code < 500, (url, {k: str(v)[:40] for k, v in data.items()})
        db.session.rollback()


def test_every_organizer_post_route_is_walked(app):
    walked = {endpoint.split(":")[0] for endpoint in ROUTES}
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/gestione") and "POST" in (rule.methods or ())
    }
    assert posting == walked


def test_event_edit_without_themes_shows_the_form_again_with_what_was_typed(logged_in, make_event, venue):
    event = make_event()
    events.update_event(event, _event_input(event, theme_names=["Cooperazione"]))
    data = {k: v for k, v in _valid_event(venue).items() if k != "themes"}
    data["title"] = ""  # an error elsewhere: the form comes back
    data["summary"] = "Sintesi scritta a mano"
    token = csrf_token_from(logged_in.get(f"/gestione/eventi/{event.id}/modifica"))
    response = logged_in.post(f"/gestione/eventi/{event.id}/modifica", data={"csrf_token": token, **data})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Sintesi scritta a mano" in page and 'id="title-error"' in page


def test_event_edit_without_themes_saves_no_theme(logged_in, make_event, venue):
    """A submitted form says everything: a field it lacks is empty, not the stored value."""
    event = make_event()
    events.update_event(event, _event_input(event, theme_names=["Cooperazione"]))
    token = csrf_token_from(logged_in.get(f"/gestione/eventi/{event.id}/modifica"))
    data = {k: v for k, v in _valid_event(venue).items() if k != "themes"}
    response = logged_in.post(f"/gestione/eventi/{event.id}/modifica", data={"csrf_token": token, **data})
    assert response.status_code == 303
    db.session.expire_all()
    assert event.themes == []


def _event_input(event, **changes) -> events.EventInput:
    values = {
        "title": event.title,
        "type_id": event.type_id,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue_id": event.venue_id,
    }
    values.update(changes)
    return events.EventInput(**values)
