"""The sign-in sheet of a lesson (PDF) and the attendance register of a course (CSV, XLSX)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pypdf
import pytest
from openpyxl import load_workbook

from app.courses import services as courses
from app.registrations.models import Source
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, register


@pytest.fixture
def course(make_event):
    course = make_event(title="Percorso formativo", type_slug="corso", day=today_rome() - timedelta(days=35), capacity=10)
    add_weekly_lessons(course, 3)
    people = [
        register(course, source=Source.ORGANIZER, first_name="Anna", last_name="Bianchi", organization="Comune di Alba"),
        register(course, source=Source.ORGANIZER, first_name="Luca", last_name="Verdi", organization="Comune di Bra"),
    ]
    slots = courses.slots(course)
    for slot in slots:
        courses.mark_present(people[0].registration, slot)
    courses.mark_present(people[1].registration, slots[0], minutes=90)
    return course


def test_the_sign_in_sheet_lists_everyone_confirmed_with_their_ente_and_a_column_to_sign(logged_in, course):
    lesson = course.lessons[1]
    response = logged_in.get(f"/gestione/eventi/{course.id}/presenze/foglio-firme.pdf?lezione={lesson.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = pypdf.PdfReader(io.BytesIO(response.get_data())).pages[0].extract_text()
    for expected in ("Foglio firme", "Lezione 2", "Bianchi Anna", "Comune di Alba", "Verdi Luca", "Comune di Bra", "Firma"):
        assert expected in text


def test_the_register_has_a_column_per_lesson_hours_and_standing(logged_in, course):
    response = logged_in.get(f"/gestione/eventi/{course.id}/presenze/registro.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    header, *body = rows
    assert header[:3] == ["Cognome", "Nome", "Ente"] and header[-3:] == ["Ore frequentate", "Ore del corso", "Attestato"]
    assert len(header) == 3 + 3 + 3
    by_name = {row[0]: row for row in body}
    assert by_name["Bianchi"][3:6] == ["✓", "✓", "✓"] and by_name["Bianchi"][6:8] == ["9", "9"]
    assert by_name["Verdi"][3:6] == ["90 min", "", ""] and by_name["Verdi"][6] == "1,5"
    assert by_name["Bianchi"][8] == "idoneo all'attestato" and by_name["Verdi"][8] == "frequenza insufficiente"


def test_the_register_opens_in_excel_with_the_same_numbers(logged_in, course):
    response = logged_in.get(f"/gestione/eventi/{course.id}/presenze/registro.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Cognome" and values[1][:8] == ["Bianchi", "Anna", "Comune di Alba", "✓", "✓", "✓", "9", "9"]


def test_a_lesson_of_another_event_has_no_sheet(logged_in, course, make_event):
    other = make_event(title="Altro corso", type_slug="corso")
    [foreign] = add_weekly_lessons(other, 1)
    response = logged_in.get(f"/gestione/eventi/{course.id}/presenze/foglio-firme.pdf?lezione={foreign.id}")
    assert response.status_code == 404
