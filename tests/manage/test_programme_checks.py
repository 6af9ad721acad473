"""Programme checks: what cannot be right is refused on its field, what is unusual is saved
with a warning."""

from __future__ import annotations

import html
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from app.events import services
from app.events.models import Event, EventSession, Speaker
from app.extensions import db
from app.timeutil import ROME, rome_datetime, today_rome, utcnow
from tests.factories import csrf_token_from, event_form_data


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert match, f"no error shown on {field}"
    return match.group(1)


def _lessons(event) -> int:
    return db.session.scalar(select(func.count()).select_from(EventSession).where(EventSession.event_id == event.id))


@pytest.fixture
def course(make_event):
    """A course from 10 to 24 days from now, 14:00 to 17:00."""
    first = today_rome() + timedelta(days=10)
    return make_event(
        title="Percorso formativo",
        type_slug="corso",
        starts_at=rome_datetime(first, time(14)),
        ends_at=rome_datetime(first + timedelta(days=14), time(17)),
    )


def _post_lesson(client, course, url=None, **fields):
    url = url or f"/gestione/eventi/{course.id}/programma/nuovo"
    data = {
        "csrf_token": csrf_token_from(client.get(url)),
        "title": "Lezione",
        "date": course.first_day.isoformat(),
        "start_time": "14:00",
        "end_time": "17:00",
    }
    data.update(fields)
    return client.post(url, data=data)


def test_a_lesson_after_the_event_is_refused_on_its_date(logged_in, course):
    late = course.last_day + timedelta(days=7)
    response = _post_lesson(logged_in, course, title="Lezione fuori periodo", date=late.isoformat())
    page = _page(response)
    assert response.status_code == 422
    assert "fuori dal periodo dell'evento" in _field_error(page, "date")
    assert 'value="Lezione fuori periodo"' in page
    assert _lessons(course) == 0


def test_a_lesson_before_the_event_starts_on_its_first_day_is_refused_on_its_time(logged_in, course):
    response = _post_lesson(logged_in, course, start_time="09:00", end_time="11:00")
    assert response.status_code == 422
    assert "fuori dal periodo dell'evento" in _field_error(_page(response), "start_time")
    assert _lessons(course) == 0


def test_a_lesson_moved_outside_the_event_is_refused(logged_in, course):
    lesson = services.add_session(
        course, services.SessionInput(title="Lezione 1", starts_at=course.starts_at, ends_at=course.ends_at)
    )
    lesson_start = lesson.starts_at
    url = f"/gestione/eventi/{course.id}/programma/{lesson.id}"
    response = _post_lesson(logged_in, course, url=url, date=(course.first_day - timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "fuori dal periodo dell'evento" in _field_error(_page(response), "date")
    db.session.expire_all()
    assert db.session.get(EventSession, lesson.id).starts_at == lesson_start


def test_the_service_refuses_a_lesson_outside_the_period_naming_the_field(course):
    next_day = course.ends_at + timedelta(days=1)
    with pytest.raises(services.EventError) as refused:
        services.add_session(
            course,
            services.SessionInput(title="Troppo tardi", starts_at=next_day, ends_at=next_day + timedelta(hours=1)),
        )
    assert refused.value.field == "date"
    with pytest.raises(services.EventError) as refused:
        services.add_session(
            course,
            services.SessionInput(
                title="Oltre la fine", starts_at=course.ends_at - timedelta(hours=1), ends_at=next_day
            ),
        )
    assert refused.value.field == "end_time"


def test_a_lesson_inside_the_period_is_added(logged_in, course):
    response = _post_lesson(logged_in, course, date=(course.first_day + timedelta(days=7)).isoformat())
    assert response.status_code == 303
    assert _lessons(course) == 1


def test_a_new_lesson_does_not_copy_the_previous_speakers(logged_in, course):
    speaker = Speaker(name="Anna Neri")
    db.session.add(speaker)
    db.session.commit()
    services.add_session(
        course,
        services.SessionInput(
            title="Lezione 1",
            starts_at=course.starts_at,
            ends_at=course.starts_at + timedelta(hours=3),
            speaker_ids=[speaker.id],
        ),
    )
    page = _page(logged_in.get(f"/gestione/eventi/{course.id}/programma/nuovo"))
    option = re.search(rf'<option[^>]*value="{speaker.id}"[^>]*>', page).group(0)
    assert "selected" not in option
    # The date and times still follow the previous lesson.
    assert f'value="{course.first_day.isoformat()}"' in page and 'value="14:00"' in page


def test_overlapping_lessons_are_saved_with_a_warning(logged_in, course):
    services.add_session(
        course,
        services.SessionInput(
            title="Lezione 1", starts_at=course.starts_at, ends_at=course.starts_at + timedelta(hours=3)
        ),
    )
    response = _post_lesson(logged_in, course, title="Lezione 2", start_time="15:00", end_time="16:00")
    assert response.status_code == 303
    page = _page(logged_in.get(response.headers["Location"]))
    assert "alert-warning" in page and "Si sovrappone a «Lezione 1»" in page
    assert _lessons(course) == 2


def _create(client, venue, **fields):
    return client.post("/gestione/eventi/nuovo", data=event_form_data(client, venue, **fields))


def _event_day():
    return today_rome() + timedelta(days=20)  # the day event_form_data uses, 15:00–17:30


def test_registrations_opening_after_the_start_are_refused(logged_in, venue):
    opens = f"{_event_day().isoformat()}T16:00"
    response = _create(logged_in, venue, registration_opens_at=opens)
    page = _page(response)
    assert response.status_code == 422
    assert "aprirsi prima dell'inizio" in _field_error(page, "registration_opens_at")
    assert f'value="{opens}"' in page
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_registrations_closing_after_the_end_are_refused(logged_in, venue):
    closes = f"{(_event_day() + timedelta(days=1)).isoformat()}T09:00"
    response = _create(logged_in, venue, registration_closes_at=closes)
    assert response.status_code == 422
    assert "chiudersi entro la fine" in _field_error(_page(response), "registration_closes_at")
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_registrations_closing_after_the_start_are_saved_with_a_warning(logged_in, venue):
    response = _create(logged_in, venue, registration_closes_at=f"{_event_day().isoformat()}T16:00")
    assert response.status_code == 303
    page = _page(logged_in.get(response.headers["Location"]))
    assert "alert-warning" in page and "Le iscrizioni restano aperte dopo l'inizio dell'evento." in page


def test_an_event_created_in_the_past_is_saved_with_a_warning(logged_in, venue):
    past = today_rome() - timedelta(days=3)
    response = _create(logged_in, venue, start_date=past.isoformat(), end_date=past.isoformat())
    assert response.status_code == 303
    page = _page(logged_in.get(response.headers["Location"]))
    assert "alert-warning" in page and "La data di inizio è già passata" in page
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_an_event_in_a_mistyped_far_year_is_saved_with_a_warning(logged_in, venue):
    far = _event_day().replace(year=_event_day().year + 10)
    response = _create(logged_in, venue, start_date=far.isoformat(), end_date=far.isoformat())
    assert response.status_code == 303
    assert "tra più di due anni" in _page(logged_in.get(response.headers["Location"]))


def test_editing_a_past_event_without_moving_it_gives_no_warning(logged_in, make_event, venue):
    past = today_rome() - timedelta(days=30)
    event = make_event(day=past)
    url = f"/gestione/eventi/{event.id}/modifica"
    start = event.starts_at.astimezone(ROME)
    data = event_form_data(
        logged_in,
        venue,
        start_date=past.isoformat(),
        end_date=past.isoformat(),
        start_time=start.strftime("%H:%M"),
        end_time=event.ends_at.astimezone(ROME).strftime("%H:%M"),
        title="Titolo corretto",
    )
    data["csrf_token"] = csrf_token_from(logged_in.get(url))
    response = logged_in.post(url, data=data)
    assert response.status_code == 303
    assert "alert-warning" not in _page(logged_in.get(response.headers["Location"]))


def test_moving_an_event_away_from_its_lessons_warns(logged_in, course, venue):
    services.add_session(
        course,
        services.SessionInput(
            title="Lezione 1", starts_at=course.starts_at, ends_at=course.starts_at + timedelta(hours=3)
        ),
    )
    later = course.first_day + timedelta(days=30)
    data = event_form_data(logged_in, venue, start_date=later.isoformat(), end_date=later.isoformat())
    data["type_id"] = str(course.type_id)
    response = logged_in.post(f"/gestione/eventi/{course.id}/modifica", data=data)
    assert response.status_code == 303
    assert "1 voce del programma resta fuori dal nuovo periodo" in _page(logged_in.get(response.headers["Location"]))


def test_warnings_do_not_fire_for_a_plain_future_event(logged_in, venue):
    response = _create(logged_in, venue)
    assert response.status_code == 303
    assert "alert-warning" not in _page(logged_in.get(response.headers["Location"]))
    assert utcnow() < db.session.scalar(select(Event.starts_at))
