"""An organizer limited to some event types creates and moves events only within them: the
form offers only their types, and a forged type is refused on its field, nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, UserEventType, UserSeries
from app.auth.services import create_user
from app.events.models import Event, EventType, Series
from app.extensions import db
from tests.factories import event_form_data, log_in


def _type_id(slug: str) -> int:
    return db.session.scalar(select(EventType.id).where(EventType.slug == slug))


@pytest.fixture
def courses_only(client):
    user = create_user("corsi@anci.example", "tramonto-ciliegia-ponte", role=Role.ORGANIZER)
    db.session.add(UserEventType(user_id=user.id, type_id=_type_id("corso")))
    db.session.commit()
    log_in(client, "corsi@anci.example", "tramonto-ciliegia-ponte")
    return client


def test_the_form_offers_only_the_organizers_types(courses_only):
    page = courses_only.get("/gestione/eventi/nuovo").get_data(as_text=True)
    assert f'value="{_type_id("corso")}"' in page
    assert f'value="{_type_id("incontro")}"' not in page


def test_an_event_of_a_foreign_type_is_refused_and_not_saved(courses_only, venue):
    before = db.session.scalar(select(func.count(Event.id)))
    data = event_form_data(courses_only, venue, type_id=str(_type_id("incontro")))
    response = courses_only.post("/gestione/eventi/nuovo", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Event.id))) == before


def test_an_event_of_their_type_is_created(courses_only, venue):
    data = event_form_data(courses_only, venue, type_id=str(_type_id("corso")), title="Corso sui fondi europei")
    assert courses_only.post("/gestione/eventi/nuovo", data=data).status_code == 303
    assert db.session.scalar(select(Event).where(Event.title == "Corso sui fondi europei")).type_id == _type_id("corso")


def test_their_event_cannot_be_moved_to_a_foreign_type(courses_only, make_event, venue):
    course = make_event(title="Corso", type_slug="corso")
    data = event_form_data(courses_only, venue, type_id=str(_type_id("incontro")), title="Corso")
    assert courses_only.post(f"/gestione/eventi/{course.id}/modifica", data=data).status_code == 422
    db.session.expire_all()
    assert db.session.get(Event, course.id).type_id == _type_id("corso")


def test_with_types_and_series_an_event_must_fall_within_one_of_them(client, venue):
    series = Series(slug="coordinamenti", title="Coordinamenti territoriali", item_label="incontro")
    db.session.add(series)
    db.session.flush()
    user = create_user("serie@anci.example", "tramonto-ciliegia-ponte", role=Role.ORGANIZER)
    db.session.add_all([UserEventType(user_id=user.id, type_id=_type_id("corso")), UserSeries(user_id=user.id, series_id=series.id)])
    db.session.commit()
    log_in(client, "serie@anci.example", "tramonto-ciliegia-ponte")
    outside = event_form_data(client, venue, type_id=str(_type_id("incontro")), series_id="", title="Fuori portata")
    response = client.post("/gestione/eventi/nuovo", data=outside)
    assert response.status_code == 422
    assert "assegnati al proprio account" in response.get_data(as_text=True)
    inside = event_form_data(client, venue, type_id=str(_type_id("incontro")), series_id=str(series.id), title="Nella serie")
    assert client.post("/gestione/eventi/nuovo", data=inside).status_code == 303
