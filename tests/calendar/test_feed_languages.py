"""Feeds in English or French through ?lang= (subscribed clients send no cookie): the entries'
SUMMARY and DESCRIPTION in that language, Italian where none was written, one ETag per language."""

from __future__ import annotations

from datetime import date, time

from app.events import services

FRENCH = {"fr": {"title": "Rencontre avec l'ACAL", "description_html": "<p>Coopération décentralisée.</p>"}}


def test_a_french_feed_carries_the_french_title_as_every_reader_sees_it(client, make_event, parsed):
    make_event("Incontro con ACAL", day=date(2026, 12, 10), start=time(15), end=time(17), translations=FRENCH)
    make_event("Riunione della Consulta", day=date(2026, 12, 11))
    result = parsed(client.get("/calendario.ics?lang=fr").get_data())
    expected = ["Rencontre avec l'ACAL", "Riunione della Consulta"]
    assert sorted(e.summary for e in result.libical) == expected
    assert sorted(str(e.summary) for e in result.ical.events) == expected
    assert sorted(v.summary.value for v in result.vobject.contents["vevent"]) == expected
    assert sorted(e.summary for e in result.icaljs.entries) == expected
    french = next(c for c in result.icalendar.walk("VEVENT") if c["SUMMARY"] == "Rencontre avec l'ACAL")
    assert "Coopération décentralisée." in french["DESCRIPTION"]
    assert result.icalendar["DESCRIPTION"] == "Réunions, rencontres, expositions et formations de ANCI Piemonte."


def test_the_italian_feed_is_unchanged_and_each_language_has_its_etag(client, make_event):
    make_event("Incontro con ACAL", day=date(2026, 12, 10), translations=FRENCH)
    italian = client.get("/calendario.ics")
    french = client.get("/calendario.ics?lang=fr")
    english = client.get("/calendario.ics?lang=en")
    assert b"SUMMARY:Incontro con ACAL" in italian.get_data()
    assert b"Rencontre" not in italian.get_data()
    assert b"SUMMARY:Incontro con ACAL" in english.get_data()  # no English written: Italian
    assert len({italian.headers["ETag"], french.headers["ETag"], english.headers["ETag"]}) == 3
    again = client.get("/calendario.ics?lang=fr")
    assert again.get_data() == french.get_data() and again.headers["ETag"] == french.headers["ETag"]
    revalidated = client.get("/calendario.ics?lang=fr", headers={"If-None-Match": french.headers["ETag"]})
    assert revalidated.status_code == 304


def test_a_lesson_and_the_single_event_download_follow_the_language(client, make_event):
    course = make_event("Corso per amministratori", type_slug="corso", day=date(2026, 12, 10), translations={
        "fr": {"title": "Formation des élus"}})
    services.add_session(course, services.SessionInput(
        title="Lezione 1", starts_at=course.starts_at, translations={"fr": {"title": "Leçon 1"}}))
    body = client.get(f"/eventi/{course.slug}.ics?lang=fr").get_data()
    assert "SUMMARY:Formation des élus – Leçon 1".encode() in body
    assert "SUMMARY:Corso per amministratori – Lezione 1".encode() in client.get("/calendario/corso.ics").get_data()


def test_subscribe_links_on_a_french_page_point_to_the_french_feed(client, make_event):
    html = client.get("/calendario?lang=fr").get_data(as_text=True)
    assert "webcal://incontri.test/calendario.ics?lang=fr" in html
    assert 'value="http://incontri.test/calendario.ics?lang=fr"' in html
