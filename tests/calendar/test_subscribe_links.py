"""The site offers every feed the way each calendar client wants it."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from tests.factories import csrf_token_from, post_registration_form


def links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


def test_calendar_page_offers_webcal_google_outlook_and_a_copyable_address(client, make_event):
    make_event()
    page = client.get("/calendario").get_data(as_text=True)
    hrefs = links(page)
    assert "webcal://incontri.test/calendario.ics" in hrefs
    assert "webcal://incontri.test/calendario/corso.ics" in hrefs
    google = next(h for h in hrefs if h.startswith("https://calendar.google.com/calendar/render?cid="))
    assert parse_qs(urlsplit(google).query)["cid"] == ["webcal://incontri.test/calendario.ics"]
    outlook = next(h for h in hrefs if h.startswith("https://outlook.live.com/calendar/0/addfromweb?"))
    assert parse_qs(urlsplit(outlook).query)["url"] == ["http://incontri.test/calendario.ics"]
    assert 'value="http://incontri.test/calendario.ics"' in page
    assert client.get("/calendario/corso.ics").status_code == 200


def test_series_page_offers_its_feed(client, make_event):
    from app.events.models import Series
    from app.extensions import db

    series = Series(slug="ciclo", title="Ciclo di prova")
    db.session.add(series)
    db.session.commit()
    make_event(series_id=series.id)
    hrefs = links(client.get("/serie/ciclo").get_data(as_text=True))
    assert "webcal://incontri.test/serie/ciclo/calendario.ics" in hrefs


def test_the_mailed_personal_calendar_page_offers_the_feed_and_a_new_address(client, make_event):
    from app.registrations import feeds as calendar

    event = make_event()
    url = post_registration_form(client, event).headers["Location"]
    registration_page = client.get(url).get_data(as_text=True)
    assert not [h for h in links(registration_page) if h.startswith("webcal://") and "/iscrizioni/" in h]
    feed = calendar.personal_feed_for("giulia.ferrero@comune.pinerolo.to.it")
    page_url = f"/calendario-personale/{calendar.feed_page_token(feed)}"
    page = client.get(page_url)
    webcal = next(h for h in links(page.get_data(as_text=True)) if h.startswith("webcal://") and "/iscrizioni/" in h)
    path = webcal.removeprefix("webcal://incontri.test")
    assert client.get(path).status_code == 200
    response = client.post(f"{page_url}/nuovo-indirizzo", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    assert client.get(path).status_code == 404
    new_page = client.get(response.headers["Location"]).get_data(as_text=True)
    new_webcal = next(h for h in links(new_page) if h.startswith("webcal://") and "/iscrizioni/" in h)
    assert new_webcal != webcal and client.get(new_webcal.removeprefix("webcal://incontri.test")).status_code == 200


def test_event_page_offers_the_ics_download(client, make_event):
    event = make_event()
    assert f"/eventi/{event.slug}.ics" in links(client.get(f"/eventi/{event.slug}").get_data(as_text=True))
