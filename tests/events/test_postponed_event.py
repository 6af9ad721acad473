"""A postponed event on the public pages: reachable, clearly without a date, and never
offered as an appointment on its old date."""

import re
from datetime import date, time
from html import unescape

import pytest

from app.events import services
from app.extensions import db

POSTPONED_WHEN = "Data da definire (era previsto per il 4 dicembre 2026)"


@pytest.fixture
def postponed(make_event):
    event = make_event(
        "Incontro con i comuni del Cuneese",
        day=date(2026, 12, 4),
        start=time(17),
        end=time(19),
        capacity=50,
        registration_required=True,
    )
    services.postpone_event(event, "La nuova data sarà comunicata a breve.")
    db.session.commit()
    return event


def _quando_box(html: str) -> str:
    return html[html.index(">Quando<") : html.index("</aside>")]


def test_its_page_gives_no_date_but_says_which_one_was_planned(client, postponed):
    html = client.get(f"/eventi/{postponed.slug}").get_data(as_text=True)
    box = _quando_box(html)
    assert POSTPONED_WHEN in box
    assert "venerdì 4 dicembre 2026, ore 17:00" not in html


def test_its_page_shows_no_seats_and_no_way_to_add_it_to_a_calendar(client, postponed):
    box = _quando_box(client.get(f"/eventi/{postponed.slug}").get_data(as_text=True))
    assert "Posti disponibili" not in box
    assert "calendar.google.com" not in box and "outlook.live.com" not in box
    assert f"/eventi/{postponed.slug}.ics" not in box and ".ics" not in box


def test_a_dated_event_still_shows_seats_and_calendar_links(client, make_event):
    event = make_event(day=date(2026, 12, 4), capacity=50, registration_required=True)
    box = _quando_box(client.get(f"/eventi/{event.slug}").get_data(as_text=True))
    assert "Posti disponibili" in box and "calendar.google.com" in box


def test_its_card_on_the_home_page_has_no_date(client, postponed):
    html = client.get("/").get_data(as_text=True)
    assert POSTPONED_WHEN in html
    assert "venerdì 4 dicembre 2026, ore 17:00" not in html


def test_the_home_page_lists_it_after_the_dated_events_of_its_type(client, postponed, make_event):
    make_event("Riunione con data certa", day=date(2026, 12, 20))
    html = client.get("/").get_data(as_text=True)
    assert html.index("Riunione con data certa") < html.index("Incontro con i comuni del Cuneese")


def test_the_month_grid_marks_it_postponed_without_its_old_time(client, postponed):
    html = client.get("/calendario?anno=2026&mese=12").get_data(as_text=True)
    grid = html[html.index("<table") : html.index("</table>")]
    entry = re.sub(r"\s+", " ", re.search(r"<li><a[^>]*>(.*?)</a></li>", grid, re.S).group(1)).strip()
    assert entry == "Incontro con i comuni del Cuneese (rinviato)"


def test_the_old_date_elides_the_article_before_a_vowel(client, make_event):
    event = make_event("Rinviato all'otto", day=date(2026, 12, 8))
    services.postpone_event(event, "")
    db.session.commit()
    html = unescape(client.get(f"/eventi/{event.slug}").get_data(as_text=True))
    assert "Data da definire (era previsto per l'8 dicembre 2026)" in html


def test_a_registration_page_offers_no_calendar_file_for_it(client, make_event):
    from tests.factories import register

    event = make_event("Rinviato dopo le iscrizioni", day=date(2026, 12, 4), start=time(17), end=time(19))
    registration = register(event).registration
    page = f"/iscrizioni/{registration.token}"
    calendar_file = f"/iscrizioni/{registration.token}/evento.ics"
    assert calendar_file in client.get(page).get_data(as_text=True)
    services.postpone_event(event, "")
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert calendar_file not in html
    assert client.get(calendar_file).status_code == 404
    assert POSTPONED_WHEN in html
