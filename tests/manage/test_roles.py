"""Roles: an organizer limited to some event types or series reaches only those events, on
every event route (exports included) and in the dashboard; accounts are for admins only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Role, UserEventType, UserSeries
from app.auth.services import create_user
from app.events.models import EventType, Series
from app.extensions import db
from tests.factories import add_weekly_lessons, csrf_token_from, log_in, register
from tests.support.url_map import event_scoped_routes, request_route, url_for_event

LIMITED_EMAIL = "corsi@anci.example"
LIMITED_PASSWORD = "tramonto-ciliegia-ponte"



def _type_id(slug: str) -> int:
    return db.session.scalar(select(EventType.id).where(EventType.slug == slug))


def _organizer(email=LIMITED_EMAIL, types=(), series=()):
    user = create_user(email, LIMITED_PASSWORD, role=Role.ORGANIZER)
    db.session.add_all([UserEventType(user_id=user.id, type_id=_type_id(slug)) for slug in types])
    db.session.add_all([UserSeries(user_id=user.id, series_id=series_id) for series_id in series])
    db.session.commit()
    return user


@pytest.fixture
def events(make_event):
    course = make_event(title="Corso di europrogettazione", type_slug="corso", capacity=5)
    add_weekly_lessons(course, 2)
    register(course)
    meeting = make_event(title="Riunione della consulta", type_slug="incontro", capacity=5)
    add_weekly_lessons(meeting, 1)
    register(meeting)
    return course, meeting


@pytest.fixture
def limited(app, client, events):
    _organizer(types=["corso"])
    assert log_in(client, LIMITED_EMAIL, LIMITED_PASSWORD).status_code == 303
    return client


def test_a_limited_organizer_is_refused_every_route_of_a_foreign_event(app, limited, events):
    _course, meeting = events
    token = csrf_token_from(limited.get("/gestione/"))
    open_routes = []
    routes = event_scoped_routes(app)
    assert any("export" in endpoint or "esporta" in str(rule) for endpoint, _m, rule in routes)
    for endpoint, method, rule in routes:
        response = request_route(limited, method, url_for_event(app, rule, meeting.id), token)
        if response.status_code not in (403, 404):
            open_routes.append(f"{method} {rule.rule} ({endpoint}): {response.status_code}")
        db.session.rollback()
    assert open_routes == []


def test_a_limited_organizer_reaches_the_events_of_their_type(app, limited, events):
    course, _meeting = events
    refused = []
    for endpoint, method, rule in event_scoped_routes(app):
        if method != "GET":
            continue
        response = limited.get(url_for_event(app, rule, course.id))
        if response.status_code == 403:
            refused.append(f"{rule.rule} ({endpoint})")
    assert refused == []


def test_the_dashboard_lists_only_the_events_a_limited_organizer_may_see(limited, events):
    page = limited.get("/gestione/").get_data(as_text=True)
    assert "Corso di europrogettazione" in page
    assert "Riunione della consulta" not in page


def test_a_series_limit_opens_that_series_events_whatever_their_type(app, client, make_event):
    series = Series(slug="consulta", title="Consulta", item_label="riunione")
    db.session.add(series)
    db.session.commit()
    in_series = make_event(title="Consulta di marzo", type_slug="incontro", series_id=series.id)
    other = make_event(title="Mostra fotografica", type_slug="incontro")
    _organizer(series=[series.id])
    log_in(client, LIMITED_EMAIL, LIMITED_PASSWORD)
    assert client.get(f"/gestione/eventi/{in_series.id}").status_code == 200
    assert client.get(f"/gestione/eventi/{other.id}").status_code == 403
    page = client.get("/gestione/").get_data(as_text=True)
    assert "Consulta di marzo" in page and "Mostra fotografica" not in page


def test_an_organizer_without_limits_sees_every_event(app, client, events):
    course, meeting = events
    _organizer(email="tutti@anci.example")
    log_in(client, "tutti@anci.example", LIMITED_PASSWORD)
    page = client.get("/gestione/").get_data(as_text=True)
    assert "Corso di europrogettazione" in page and "Riunione della consulta" in page
    assert client.get(f"/gestione/eventi/{meeting.id}").status_code == 200


def test_accounts_are_for_admins_only(limited):
    assert limited.get("/gestione/utenti").status_code == 403
    token = csrf_token_from(limited.get("/gestione/"))
    response = limited.post("/gestione/utenti", data={"csrf_token": token, "email": "x@anci.example", "role": "admin"})
    assert response.status_code == 403
    assert "/gestione/utenti" not in limited.get("/gestione/").get_data(as_text=True)


def test_the_outbox_with_every_events_recipients_is_for_administrators_only(client, make_event):
    from app.auth.models import Role
    from app.auth.services import create_user
    from tests.factories import log_in

    create_user("organizzatrice@anci.example", "una-password-lunga-e-sicura", role=Role.ORGANIZER, name="O")
    log_in(client, "organizzatrice@anci.example", "una-password-lunga-e-sicura")
    assert client.get("/gestione/posta").status_code == 403
    assert "/gestione/posta" not in client.get("/gestione/").get_data(as_text=True)
