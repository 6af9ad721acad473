"""The organizer's attendance pages: one lesson at a time without JavaScript (tap, undo, tutti
presenti, partial minutes) and with it (JSON), every refusal as a message and never a 500, the
course's matrix with hours and standing, and the certificate rule form."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from app.courses import services as courses
from app.courses.models import Attendance, CertificateRule
from app.extensions import db
from app.registrations import services as registrations
from app.registrations.models import Source
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, csrf_token_from
from tests.factories import register as _register


@pytest.fixture
def course(make_event):
    """Four lessons of three hours, weekly: two held (ten and three days ago), two to come."""
    course = make_event(
        title="Percorso in corso", type_slug="corso", day=today_rome() - timedelta(days=10), capacity=250
    )
    add_weekly_lessons(course, 4)
    return course


def register(event, **fields):
    return _register(event, source=Source.ORGANIZER, **fields).registration


def lesson(course, index: int) -> courses.Slot:
    return courses.slots(course)[index]


def page_url(course, slot=None) -> str:
    url = f"/gestione/eventi/{course.id}/presenze"
    return f"{url}?lezione={slot.session_id}" if slot else url


def tap(client, course, registration, slot, present=True, minutes=None, json=False):
    token = csrf_token_from(client.get(page_url(course)))
    data = {"csrf_token": token, "lezione": slot.session_id or "", "presente": "1" if present else "0"}
    if minutes is not None:
        data["minuti"] = minutes
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/gestione/eventi/{course.id}/presenze/{registration.id}", data=data, headers=headers)


def attendances() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendance))


# -- the lesson page ------------------------------------------------------------------------------


def test_the_page_opens_on_the_lesson_held_last_and_counts_present_of_confirmed(logged_in, course):
    anna, _bruno = register(course, first_name="Anna"), register(course, first_name="Bruno")
    courses.mark_present(anna, lesson(course, 1))
    page = logged_in.get(page_url(course)).get_data(as_text=True)
    assert "Lezione 2" in page and "selected>Lezione 2" in page
    assert re.search(r"data-present-count>1</strong>\s*su 2 confermati", page)
    assert page.count('aria-pressed="true"') == 1


def test_the_page_needs_an_organizer(client, course):
    response = client.get(page_url(course))
    assert response.status_code == 302 and "/accedi" in response.location


def test_a_tap_marks_present_and_a_second_tap_undoes_without_javascript(logged_in, course):
    person = register(course)
    slot = lesson(course, 0)
    response = tap(logged_in, course, person, slot)
    assert response.status_code == 303 and response.location.endswith(page_url(course, slot))
    assert set(courses.present_ids(slot)) == {person.id}
    assert tap(logged_in, course, person, slot, present=False).status_code == 303
    assert courses.present_ids(slot) == []


def test_partial_presence_records_the_minutes_and_shows_them(logged_in, course):
    person = register(course)
    slot = lesson(course, 0)
    assert tap(logged_in, course, person, slot, minutes=150).status_code == 303
    assert courses.attendance_minutes(slot) == {person.id: 150}
    assert "150 minuti su 180" in logged_in.get(page_url(course, slot)).get_data(as_text=True)


def test_tutti_presenti_asks_first_then_marks_everyone_not_yet_marked(logged_in, course):
    people = [register(course) for _ in range(3)]
    slot = lesson(course, 1)
    courses.mark_present(people[0], slot, minutes=60)
    confirm = logged_in.get(f"/gestione/eventi/{course.id}/presenze/tutti?lezione={slot.session_id}")
    assert confirm.status_code == 200
    assert "Saranno segnate presenti 2 persone" in confirm.get_data(as_text=True)
    assert attendances() == 1  # asking changes nothing
    response = logged_in.post(
        f"/gestione/eventi/{course.id}/presenze/tutti",
        data={"csrf_token": csrf_token_from(confirm), "lezione": slot.session_id},
    )
    assert response.status_code == 303
    assert courses.attendance_minutes(slot) == {people[0].id: 60, people[1].id: None, people[2].id: None}
    assert "Segnate presenti 2 persone." in logged_in.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("refusal", ["cancelled", "future", "too_many_minutes", "zero_minutes", "not_a_number"])
def test_each_refusal_is_an_italian_message_and_records_nothing(logged_in, course, refusal):
    person = register(course)
    slot, minutes = lesson(course, 0), None
    if refusal == "cancelled":
        registrations.cancel(person)
    elif refusal == "future":
        slot = lesson(course, 2)
    else:
        minutes = {"too_many_minutes": 181, "zero_minutes": 0, "not_a_number": "tre"}[refusal]
    response = tap(logged_in, course, person, slot, minutes=minutes)
    assert response.status_code == 303
    page = logged_in.get(response.location).get_data(as_text=True)
    expected = {
        "cancelled": "solo per un&#39;iscrizione confermata",
        "future": "La lezione non è ancora cominciata",
        "too_many_minutes": "La lezione dura 180 minuti",
        "zero_minutes": "più di zero",
        "not_a_number": "numero intero",
    }[refusal]
    assert expected in page
    assert attendances() == 0


def test_tutti_presenti_for_a_future_lesson_is_refused(logged_in, course):
    register(course)
    slot = lesson(course, 3)
    confirm = logged_in.get(f"/gestione/eventi/{course.id}/presenze/tutti?lezione={slot.session_id}")
    assert "non è ancora cominciata" in confirm.get_data(as_text=True)
    response = logged_in.post(
        f"/gestione/eventi/{course.id}/presenze/tutti",
        data={"csrf_token": csrf_token_from(confirm), "lezione": slot.session_id},
    )
    assert response.status_code == 303 and attendances() == 0


def test_a_lesson_or_a_registration_of_another_event_is_not_found(logged_in, course, make_event):
    other = make_event(title="Altro corso", type_slug="corso", day=today_rome() - timedelta(days=3))
    add_weekly_lessons(other, 1)
    mine, theirs = register(course), register(other)
    assert logged_in.get(page_url(course, lesson(other, 0))).status_code == 404
    assert logged_in.get(f"{page_url(course)}?lezione=abc").status_code == 404
    assert tap(logged_in, course, mine, lesson(other, 0)).status_code == 404
    assert tap(logged_in, course, theirs, lesson(course, 0)).status_code == 404
    assert attendances() == 0


def test_a_tap_without_the_csrf_token_is_refused(logged_in, course):
    person = register(course)
    slot = lesson(course, 0)
    response = logged_in.post(
        f"/gestione/eventi/{course.id}/presenze/{person.id}", data={"lezione": slot.session_id, "presente": "1"}
    )
    assert response.status_code == 400 and attendances() == 0


# -- with JavaScript: JSON answers ------------------------------------------------------------------


def test_taps_answer_json_with_the_new_count(logged_in, course):
    anna, bruno = register(course), register(course)
    slot = lesson(course, 1)
    first = tap(logged_in, course, anna, slot, json=True)
    assert first.status_code == 200
    assert first.json == {"id": anna.id, "present": True, "minutes": None, "present_count": 1}
    assert tap(logged_in, course, bruno, slot, minutes=90, json=True).json["minutes"] == 90
    undo = tap(logged_in, course, anna, slot, present=False, json=True)
    assert undo.json == {"id": anna.id, "present": False, "minutes": None, "present_count": 1}


def test_a_refusal_answers_409_json_with_the_message(logged_in, course):
    person = register(course)
    response = tap(logged_in, course, person, lesson(course, 3), json=True)
    assert response.status_code == 409
    assert "non è ancora cominciata" in response.json["error"]
    assert attendances() == 0


# -- fast with many people ---------------------------------------------------------------------------


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def test_the_number_of_queries_does_not_grow_with_the_people(logged_in, course):
    for _ in range(3):
        courses.mark_present(register(course), lesson(course, 1))
    with counted_queries() as few:
        assert logged_in.get(page_url(course)).status_code == 200
    for _ in range(30):
        courses.mark_present(register(course), lesson(course, 1))
    with counted_queries() as many:
        page = logged_in.get(page_url(course)).get_data(as_text=True)
    assert "data-present-count>33<" in page
    assert len(many) == len(few)
    with counted_queries() as summary:
        assert logged_in.get(f"/gestione/eventi/{course.id}/presenze/riepilogo").status_code == 200
    assert len(summary) <= len(few) + 5


# -- the matrix and the rule ---------------------------------------------------------------------------


def test_the_matrix_shows_each_lesson_hours_standing_and_minutes_missing(logged_in, course):
    full, partial, absent = register(course), register(course), register(course)
    for index in (0, 1):
        courses.mark_present(full, lesson(course, index))
    courses.mark_present(partial, lesson(course, 0), minutes=90)
    page = logged_in.get(f"/gestione/eventi/{course.id}/presenze/riepilogo").get_data(as_text=True)

    def row(person):
        return re.search(rf'<tr data-registration="{person.id}">(.*?)</tr>', page, re.S).group(1)

    assert row(full).count("✓") == 2
    assert "90 min" in row(partial) and "✓" not in row(partial)
    assert "data-hours>6 / 12<" in row(full)
    assert "data-hours>1,5 / 12<" in row(partial)
    assert "data-hours>0 / 12<" in row(absent)
    # 75 % of 720 minutes is 540: 360 held and 360 to come.
    assert 'data-standing="not_yet"' in row(full) and "data-missing>180<" in row(full)
    assert 'data-standing="not_eligible"' in row(partial) and "data-missing>450<" in row(partial)
    assert 'data-standing="not_eligible"' in row(absent)
    assert 'role="region"' in page and 'tabindex="0"' in page


def test_the_rule_form_saves_the_rule_and_refuses_a_share_out_of_range(logged_in, course):
    summary = f"/gestione/eventi/{course.id}/presenze/riepilogo"
    page = logged_in.get(summary)
    assert 'value="75"' in page.get_data(as_text=True)
    token = csrf_token_from(page)
    url = f"/gestione/eventi/{course.id}/presenze/regola"
    refused = logged_in.post(url, data={"csrf_token": token, "enabled": "y", "basis": "hours", "min_percent": "120"})
    assert refused.status_code == 400
    assert "La quota minima va da 1 a 100 per cento." in refused.get_data(as_text=True)
    assert db.session.get(CertificateRule, course.id) is None
    saved = logged_in.post(url, data={"csrf_token": token, "enabled": "y", "basis": "lessons", "min_percent": "50"})
    assert saved.status_code == 303
    db.session.expire_all()
    rule = db.session.get(CertificateRule, course.id)
    assert (rule.enabled, rule.basis, rule.min_percent) == (True, "lessons", 50)
    assert "Regola dell&#39;attestato salvata." in logged_in.get(saved.location).get_data(as_text=True)


def test_the_event_tabs_link_to_the_attendance_page(logged_in, course):
    page = logged_in.get(f"/gestione/eventi/{course.id}").get_data(as_text=True)
    assert f'href="/gestione/eventi/{course.id}/presenze"' in page
