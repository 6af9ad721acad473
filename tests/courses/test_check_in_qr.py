"""QR check-in: the participant's page shows a code that names only the registration, signed; an
organizer who scans it marks the person present with one tap; forged, expired and foreign codes
are refused with a message, and nothing is recorded."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import func, select

from app.courses import services as courses
from app.courses.models import Attendance
from app.extensions import db
from app.registrations import services as registrations
from app.registrations.models import Source
from app.signing import sign
from app.timeutil import today_rome, utcnow
from tests.factories import add_weekly_lessons, csrf_token_from
from tests.factories import register as _register


@pytest.fixture
def course(make_event):
    """Four lessons of three hours, weekly: two held (ten and three days ago), two to come."""
    course = make_event(
        title="Percorso in corso", type_slug="corso", day=today_rome() - timedelta(days=10), capacity=20
    )
    add_weekly_lessons(course, 4)
    return course


def register(event):
    return _register(event, source=Source.ORGANIZER).registration


def attendances() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendance))


def qr_path(registration) -> str:
    return f"/gestione/presenze/{courses.check_in_code(registration)}"


def post_check_in(client, path, lesson=None):
    token = csrf_token_from(client.get("/gestione/"))
    data = {"csrf_token": token}
    if lesson is not None:
        data["lezione"] = lesson.session_id
    return client.post(path, data=data)


def test_the_participant_page_shows_a_qr_code_of_a_signed_link_without_personal_data(client, course):
    outcome = _register(course, source=Source.ORGANIZER)
    person = outcome.registration
    response = client.get(f"/iscrizioni/{person.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-3000:]
    assert "Codice per l'accoglienza" in page
    match = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="Codice QR per l&#39;accoglienza"', page)
    assert match
    code = courses.check_in_code(person)
    assert person.token not in code
    payload = code.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert decoded == f'{{"r":{person.id}}}'  # the registration's id, nothing else


def test_a_cancelled_registration_shows_no_code(client, course):
    person = register(course)
    registrations.cancel(person)
    assert "Codice per l'accoglienza" not in client.get(f"/iscrizioni/{person.token}").get_data(as_text=True)


def test_scanning_while_signed_out_goes_through_the_login_and_back(client, organizer, course):
    person = register(course)
    path = qr_path(person)
    response = client.get(path)
    assert response.status_code == 302
    login = urlsplit(response.location)
    assert login.path == "/accedi" and unquote(login.query) == f"next={path}"
    page = client.get(f"/accedi?{login.query}")
    back = client.post(
        f"/accedi?{login.query}",
        data={"email": "staff@anci.example", "password": "una-password-lunga", "csrf_token": csrf_token_from(page)},
    )
    assert back.status_code == 303 and back.location.endswith(path)


def test_the_organizer_sees_the_person_and_the_lesson_in_progress_and_marks_them_with_one_tap(logged_in, make_event):
    # A course whose second lesson is under way now.
    now = utcnow()
    course = make_event(title="Corso di oggi", type_slug="corso", day=today_rome() - timedelta(days=7))
    from app.events import services as events

    events.add_session(
        course, events.SessionInput(title="Lezione 1", starts_at=course.starts_at, ends_at=course.ends_at)
    )
    course.ends_at = now + timedelta(hours=2)
    db.session.commit()
    events.add_session(
        course,
        events.SessionInput(title="Lezione 2", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2)),
    )
    person = register(course)
    path = qr_path(person)
    page = logged_in.get(path).get_data(as_text=True)
    assert person.full_name in page and "Lezione 2" in page and "Quale lezione?" not in page
    response = post_check_in(logged_in, path, courses.slots(course)[1])
    assert response.status_code == 303
    assert courses.present_ids(courses.slots(course)[1]) == [person.id]
    assert "Presenza segnata" in logged_in.get(response.location).get_data(as_text=True)
    # Scanned again: nothing new, still one presence.
    assert post_check_in(logged_in, path, courses.slots(course)[1]).status_code == 303
    assert attendances() == 1


def test_between_lessons_the_page_asks_which_lesson_among_those_started(logged_in, course):
    person = register(course)
    page = logged_in.get(qr_path(person)).get_data(as_text=True)
    assert "Quale lezione?" in page
    assert "Lezione 1" in page and "Lezione 2" in page and "Lezione 3" not in page
    assert post_check_in(logged_in, qr_path(person)).status_code == 200  # no lesson chosen: asked again
    assert attendances() == 0
    assert post_check_in(logged_in, qr_path(person), courses.slots(course)[0]).status_code == 303
    assert courses.present_ids(courses.slots(course)[0]) == [person.id]


def test_a_forged_code_is_refused(logged_in, course):
    person = register(course)
    code = courses.check_in_code(person)
    forged = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    for path in (f"/gestione/presenze/{forged}", "/gestione/presenze/qualcosa"):
        response = logged_in.get(path)
        assert response.status_code == 400 and "Codice non valido" in response.get_data(as_text=True)
        assert post_check_in(logged_in, path, courses.slots(course)[0]).status_code == 400
    assert attendances() == 0


def test_a_link_signed_for_another_purpose_is_refused(logged_in, course):
    person = register(course)
    other = sign("feed", {"r": person.id})
    assert logged_in.get(f"/gestione/presenze/{other}").status_code == 400


def test_a_code_after_the_event_ended_and_a_day_is_expired(logged_in, make_event):
    course = make_event(title="Corso finito", type_slug="corso", day=today_rome() - timedelta(days=30))
    add_weekly_lessons(course, 2)
    person = register(course)
    response = post_check_in(logged_in, qr_path(person), courses.slots(course)[0])
    assert response.status_code == 400 and "Codice scaduto" in response.get_data(as_text=True)
    assert attendances() == 0


def test_the_code_of_a_cancelled_registration_is_refused(logged_in, course):
    person = register(course)
    path = qr_path(person)
    registrations.cancel(person)
    response = post_check_in(logged_in, path, courses.slots(course)[0])
    assert response.status_code == 409 and "non è confermata" in response.get_data(as_text=True)
    assert attendances() == 0


def test_a_lesson_of_another_event_or_not_started_is_refused(logged_in, course, make_event):
    other = make_event(title="Altro corso", type_slug="corso", day=today_rome() - timedelta(days=3))
    add_weekly_lessons(other, 1)
    person = register(course)
    assert post_check_in(logged_in, qr_path(person), courses.slots(other)[0]).status_code == 404
    future = post_check_in(logged_in, qr_path(person), courses.slots(course)[3])
    assert future.status_code == 409 and "non è ancora cominciata" in future.get_data(as_text=True)
    assert attendances() == 0


def test_a_deleted_registration_is_not_found(logged_in, course):
    person = register(course)
    path = qr_path(person)
    db.session.delete(person)
    db.session.commit()
    assert logged_in.get(path).status_code == 404


def test_the_confirmation_email_carries_the_check_in_code_as_an_image(make_event):
    """Mail clients block data URIs: the code travels as a PNG file, and the text says what it is."""
    import base64

    import segno  # noqa: F401  (the image is segno's)
    from sqlalchemy import select

    from app.extensions import db
    from app.outbox.models import OutboxMessage
    from app.outbox.services import write_unwritten
    from tests.factories import register

    event = make_event(title="Riunione", capacity=5)
    registration = register(event).registration
    write_unwritten()  # as the worker does before sending
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "confirmed"))
    [attachment] = message.attachments
    assert attachment["filename"] == "codice-accoglienza.png" and attachment["content_type"] == "image/png"
    assert base64.b64decode(attachment["data"]).startswith(b"\x89PNG")
    assert "codice QR personale" in message.text_body
    assert registration.token not in str(message.attachments)


def test_a_french_participants_code_is_named_in_french(make_event):
    from sqlalchemy import select

    from app.extensions import db
    from app.outbox.models import OutboxMessage
    from app.outbox.services import write_unwritten
    from app.registrations import services as registrations
    from tests.factories import CONSENT, participant

    event = make_event(title="Riunione", capacity=5)
    registrations.register(event.id, participant(), CONSENT, locale="fr")
    write_unwritten()  # as the worker does before sending
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "confirmed"))
    [attachment] = message.attachments
    assert attachment["filename"] == "code-accueil.png"
    assert "(code-accueil.png)" in message.text_body
