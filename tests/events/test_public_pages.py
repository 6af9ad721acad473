"""The public site through the test client: what visitors see and never see."""

from datetime import date, time, timedelta

import pytest

from app.events import services
from app.events.models import Material, Series
from app.extensions import db
from app.timeutil import today_rome


def test_home_lists_upcoming_events_by_type(client, make_event):
    make_event("Percorso sulla progettazione europea", type_slug="corso")
    make_event("Riunione di dicembre", type_slug="consulta")
    html = client.get("/").get_data(as_text=True)
    assert "Percorso formativo" in html
    assert "Percorso sulla progettazione europea" in html
    assert "Riunione di dicembre" in html


def test_detail_shows_the_date_in_italian(client, make_event):
    event = make_event(day=date(2026, 11, 17), start=time(10), end=time(12, 30))
    html = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "martedì 17 novembre 2026, ore 10:00–12:30" in html
    assert "Palazzo Lascaris" in html
    assert "openstreetmap.org" in html


def test_drafts_are_not_found_anywhere_public(client, make_event):
    draft = make_event("Segreto in preparazione", status="draft")
    assert client.get(f"/eventi/{draft.slug}").status_code == 404
    assert "Segreto in preparazione" not in client.get("/eventi").get_data(as_text=True)
    assert "Segreto in preparazione" not in client.get("/").get_data(as_text=True)
    assert "Segreto in preparazione" not in client.get("/calendario").get_data(as_text=True)
    assert client.get(f"/api/v1/events/{draft.slug}").status_code == 404


def test_cancelled_events_stay_visible_with_their_reason(client, make_event):
    event = make_event("Incontro a Cuneo", status="cancelled")
    html = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "Questo evento è stato annullato." in html
    assert "Maltempo" in html
    assert "Annullato" in client.get("/eventi").get_data(as_text=True)


def test_series_event_shows_its_number(client, make_event):
    series = Series(slug="coordinamenti", title="Esperienze di coordinamenti territoriali")
    db.session.add(series)
    db.session.commit()
    make_event("Primo", series_id=series.id, day=today_rome() + timedelta(days=3))
    second = make_event("COP e Januaforum", series_id=series.id, day=today_rome() + timedelta(days=10))
    html = client.get(f"/eventi/{second.slug}").get_data(as_text=True)
    assert "2° incontro – Esperienze di coordinamenti territoriali" in html
    assert "2° incontro" in client.get("/eventi").get_data(as_text=True)


def test_programme_lists_sessions_with_speakers(client, make_event):
    from app.events.models import Organization, Speaker

    event = make_event()
    cop = Organization(name="Consorzio Ong Piemontesi", acronym="COP")
    speaker = Speaker(name="Referente COP", organization=cop)
    db.session.add_all([cop, speaker])
    db.session.commit()
    services.add_session(
        event,
        services.SessionInput(title="Il COP e gli enti locali", starts_at=event.starts_at, speaker_ids=[speaker.id]),
    )
    html = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "Il COP e gli enti locali" in html
    assert "Referente COP (COP)" in html


def test_list_filters_by_type_and_paginates(client, make_event, app):
    for n in range(app.config["EVENTS_PER_PAGE"] + 2):
        make_event(f"Lezione numero {n:02d}", type_slug="corso", day=today_rome() + timedelta(days=n + 1))
    make_event("Una mostra", type_slug="mostra")
    first = client.get("/eventi?type=corso").get_data(as_text=True)
    assert "Una mostra" not in first
    assert "Lezione numero 00" in first
    assert "Lezione numero 13" not in first
    second = client.get("/eventi?type=corso&page=2").get_data(as_text=True)
    assert "Lezione numero 13" in second
    assert "14 eventi trovati" in first


def test_calendar_month_view_places_events_on_their_days(client, make_event):
    day = today_rome() + timedelta(days=2)
    make_event("Riunione sul calendario", day=day)
    html = client.get(f"/calendario?anno={day.year}&mese={day.month}").get_data(as_text=True)
    assert "Riunione sul calendario" in html


def test_archive_shows_past_events_with_materials(client, make_event):
    past = make_event("Seminario concluso", day=today_rome() - timedelta(days=20))
    db.session.add(Material(event=past, title="Presentazione del seminario", url="https://example.org/slides.pdf"))
    db.session.commit()
    html = client.get("/archivio").get_data(as_text=True)
    assert "Seminario concluso" in html
    assert "Presentazione del seminario" in html
    assert "Seminario concluso" not in client.get("/eventi").get_data(as_text=True)


def test_malformed_query_arguments_never_fail(client, make_event):
    make_event()
    for url in (
        "/eventi?page=abc",
        "/eventi?page=-1",
        "/eventi?month=2026-99",
        "/eventi?q=" + "x" * 5000,
        "/calendario?anno=x&mese=13",
        "/calendario?anno=99999&mese=1",
        "/eventi?type=%3Cscript%3E",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/archivio?page=999").status_code == 404  # past the last page: see below
    # No link holds a control character: the request is refused (tests/test_bad_input.py).
    assert client.get("/eventi?month=%00").status_code == 400


def test_script_in_organizer_fields_is_escaped(client, make_event):
    event = make_event(title="<script>alert('x')</script>Titolo", summary="<img src=x onerror=alert(1)>")
    html = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_unknown_page_is_an_italian_404(client):
    response = client.get("/eventi/non-esiste")
    assert response.status_code == 404
    assert "non esiste" in response.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_language_switch_sets_a_cookie_and_stays_on_site(client):
    response = client.get("/lingua/en?next=https://evil.example/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert client.get("/lingua/en?next=/eventi?type=corso").headers["Location"] == "/eventi?type=corso"


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https:evil.example", "javascript:alert(1)"])
def test_next_parameters_never_lead_off_site(client, target):
    assert client.get("/lingua/it", query_string={"next": target}).headers["Location"] == "/"


def test_calendar_lists_a_long_exhibition_once_instead_of_in_every_cell(client, make_event):
    from app.timeutil import rome_datetime

    first = today_rome().replace(day=1)
    make_event(
        "Mostra di tre settimane",
        type_slug="mostra",
        all_day=True,
        starts_at=rome_datetime(first, time(0)),
        ends_at=rome_datetime(first + timedelta(days=21), time(0)),
    )
    html = client.get(f"/calendario?anno={first.year}&mese={first.month}").get_data(as_text=True)
    assert "In corso in questo mese" in html
    grid = html[html.index("<table") : html.index("</table>")]
    assert grid.count("Mostra di tre settimane") == 1  # only on its first day


def test_a_cancelled_meeting_does_not_push_an_open_one_off_the_home_page(client, make_event):
    from datetime import timedelta

    from app.timeutil import today_rome

    for n in range(3):
        make_event(title=f"Annullato {n}", day=today_rome() + timedelta(days=2 + n), status="cancelled")
    make_event(title="Presentazione del progetto PROFILE", day=today_rome() + timedelta(days=20))
    page = client.get("/").get_data(as_text=True)
    assert "Presentazione del progetto PROFILE" in page and "Annullato 0" not in page


def test_a_page_past_the_last_says_so_and_links_the_first(client, make_event):
    """An old link to page 3 of a list that now has one page: not "3 eventi trovati" above an
    empty list, but a 404 that says why and leads back, with the filters kept."""
    for day in range(3):
        make_event(title=f"Incontro {day}", day=today_rome() + timedelta(days=day + 1))
    response = client.get("/eventi?page=3&type=incontro")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Questa pagina va oltre l'ultima dei risultati." in page
    assert 'href="/eventi?type=incontro">Tornare alla prima pagina</a>' in page
    assert "Nessun evento corrisponde" not in page and "eventi trovati" not in page
    empty = client.get("/eventi?q=nessuno")
    assert empty.status_code == 200 and "Nessun evento corrisponde ai filtri scelti." in empty.get_data(as_text=True)
