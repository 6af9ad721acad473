"""Smaller things organizers hit: counts in the right number, dates a spreadsheet can sort,
who is waiting, people with the same name at the desk, a table a keyboard can scroll."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, timedelta

import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations import services
from app.registrations.models import Registration
from app.timeutil import ROME, today_rome
from tests.factories import CONSENT, enrol, participant


def register(event, **fields) -> Registration:
    return services.register(event.id, participant(**fields), CONSENT).registration


def _page(client, url) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def test_one_sent_message_is_inviato_not_inviati(logged_in, make_event):
    register(make_event())
    message = db.session.scalar(select(OutboxMessage))
    message.status = "sent"
    db.session.commit()
    page = _page(logged_in, "/gestione/posta")
    assert re.search(r'>Inviato <span[^>]*data-count="sent">1<', page)
    assert "<td>Inviato" in page and "Inviati" not in page


def test_xlsx_dates_are_dates_excel_can_sort(logged_in, make_event):
    event = make_event()
    person = register(event, last_name="=1+1")
    response = logged_in.get(f"/gestione/eventi/{event.id}/iscritti.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    registered = cells["Data di iscrizione"]
    assert isinstance(registered.value, datetime) and registered.is_date
    assert registered.number_format == "dd/mm/yyyy hh:mm"
    expected = person.created_at.astimezone(ROME).replace(tzinfo=None, second=0, microsecond=0)
    assert registered.value.replace(second=0, microsecond=0) == expected
    assert cells["Data di annullamento"].value is None
    # Text cells keep their guard: a name is never a formula.
    assert cells["Cognome"].value == "=1+1" and cells["Cognome"].data_type == "s"


def test_csv_dates_stay_italian_text(logged_in, make_event):
    event = make_event()
    person = register(event)
    content = logged_in.get(f"/gestione/eventi/{event.id}/iscritti.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert rows[0]["Data di iscrizione"] == person.created_at.astimezone(ROME).strftime("%d/%m/%Y %H:%M")


def test_the_dashboard_shows_who_waits_beside_a_full_event(logged_in, make_event):
    event = make_event(title="Corso al completo", capacity=2)
    for _ in range(5):
        register(event)
    page = _page(logged_in, "/gestione/")
    row = re.search(r"Corso al completo.*?</tr>", page, re.S).group(0)
    assert "2 / 2" in row and "3 in lista d'attesa" in row


def test_people_with_the_same_name_can_be_told_apart_at_the_desk(logged_in, make_event):
    event = make_event()
    first = register(event, first_name="Maria", last_name="Rossi", email="maria.rossi@comune.torino.it")
    second = register(event, first_name="Maria", last_name="Rossi", email="m.rossi@comune.torino.it")
    other = register(event, first_name="Luca", last_name="Verdi", email="luca.verdi@comune.alba.cn.it")
    page = _page(logged_in, f"/gestione/eventi/{event.id}/presenze")
    assert first.email in page and second.email in page
    assert "Comune di Pinerolo · Sindaco" in page
    assert f"data-email>{other.email}" not in page
    assert f"Maria Rossi ({first.email}): segna presente" in page


def test_wide_organizer_tables_scroll_in_a_region_the_keyboard_reaches(logged_in, make_event):
    register(make_event())
    for url in ("/gestione/posta", "/gestione/"):
        page = _page(logged_in, url)
        region = re.search(r'<div class="table-responsive"([^>]*)>', page).group(1)
        assert 'tabindex="0"' in region and 'role="region"' in region and "aria-label=" in region


def test_before_the_event_nobody_is_marked_absent_in_the_export(logged_in, make_event):
    upcoming = make_event()  # ten days ahead
    register(upcoming)
    content = logged_in.get(f"/gestione/eventi/{upcoming.id}/iscritti.csv").get_data().decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert row["Presente"] == ""
    assert "Iscritto il" not in content and row["Iscrizione fatta da"] == "online"


def test_after_the_event_an_unchecked_person_is_marked_absent(logged_in, make_event):
    held = make_event(day=today_rome() - timedelta(days=2))
    enrol(held)  # added by the organizers: the public form is closed once an event is over
    content = logged_in.get(f"/gestione/eventi/{held.id}/iscritti.csv").get_data().decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert row["Presente"] == "no"
