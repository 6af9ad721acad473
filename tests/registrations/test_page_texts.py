"""What the registration pages say: only promises that hold, and error lines that read well."""

from __future__ import annotations

import html as htmllib
import re

from tests.factories import post_registration_form

PROMISE = "alla prima persona in lista d'attesa"


def _cancel_page(client, registration_url: str) -> str:
    return htmllib.unescape(client.get(f"{registration_url}/annulla").get_data(as_text=True))


def test_cancel_page_promises_the_seat_only_when_someone_waits(client, make_event):
    event = make_event(capacity=1)
    holder_url = post_registration_form(client, event, email="a@comune.example.it").headers["Location"]
    assert PROMISE not in _cancel_page(client, holder_url)

    post_registration_form(client, event, email="b@comune.example.it")  # full: waits
    assert PROMISE in _cancel_page(client, holder_url)


def test_cancel_page_of_an_event_with_seats_to_spare_promises_nothing(client, make_event):
    event = make_event(capacity=30)
    holder_url = post_registration_form(client, event, email="a@comune.example.it").headers["Location"]
    assert PROMISE not in _cancel_page(client, holder_url)


def test_error_summary_joins_a_sentence_label_and_its_message_without_double_punctuation(client, make_event):
    event = make_event()
    response = post_registration_form(client, event, privacy_consent=None, first_name="")
    assert response.status_code == 422
    html = htmllib.unescape(response.get_data(as_text=True))
    start = html.index('id="form-errors"')
    summary = re.sub(r"<[^>]+>", "", html[start : html.index("</ul>", start)])
    assert ".:" not in summary
    assert "per questa iscrizione: per l'iscrizione è necessario accettare l'informativa sulla privacy." in summary
    assert "Nome: campo obbligatorio." in summary


def test_the_registration_page_lists_a_courses_lessons_and_offers_the_calendar_only_when_confirmed(client, make_event):
    from app.registrations import services as registrations
    from tests.factories import CONSENT, add_weekly_lessons, participant

    course = make_event(title="Percorso formativo", type_slug="corso", capacity=1)
    lessons = add_weekly_lessons(course, 2)
    confirmed = registrations.register(course.id, participant(), CONSENT).registration
    waiting = registrations.register(course.id, participant(), CONSENT).registration
    page = client.get(f"/iscrizioni/{confirmed.token}").get_data(as_text=True)
    assert all(lesson.title in page for lesson in lessons)
    assert f"/iscrizioni/{confirmed.token}/evento.ics" in page
    assert ".ics" not in client.get(f"/iscrizioni/{waiting.token}").get_data(as_text=True).split("<footer")[0]


def test_the_privacy_notice_says_the_ente_serves_participation_statistics_and_open_data(client):
    purpose = client.get("/privacy").get_data(as_text=True).split('data-purpose="statistics">')[1].split("</p>")[0]
    assert "statistiche sulla partecipazione dei comuni" in purpose
    assert "rapporto annuale" in purpose and "open data pubblicati per comune" in purpose
    assert "senza nomi" in purpose
