"""Event content in English and French beside Italian: the visitor's language where it was
written, Italian where it was not (never an error), and an organizer form that saves it."""

from __future__ import annotations

from datetime import date, time

import flask_babel
from sqlalchemy import select

from app.events.models import Event, EventSession, EventType, Material, Series
from app.extensions import db
from app.i18n import localized
from tests.factories import csrf_token_from, event_form_data

FRENCH = {"fr": {"title": "Rencontre avec l'ACAL", "description_html": "<p>Coopération avec le Bénin.</p>"}}


def _other_language_next():
    """The tests share one app context, where Flask-Babel keeps the first request's locale."""
    flask_babel.refresh()


def test_a_field_falls_back_to_italian_one_by_one(app, make_event):
    event = make_event("Incontro con ACAL", summary="Sintesi italiana", translations=FRENCH)
    assert localized(event, "title", "fr") == "Rencontre avec l'ACAL"
    assert localized(event, "summary", "fr") == "Sintesi italiana"
    assert localized(event, "title", "en") == "Incontro con ACAL"
    assert localized(event, "title", "it") == "Incontro con ACAL"
    assert localized(event, "title", "de") == "Incontro con ACAL"


def test_a_french_visitor_reads_the_french_title_and_the_italian_summary_left_untranslated(client, make_event):
    event = make_event("Incontro con ACAL", summary="Sintesi solo in italiano", translations=FRENCH)
    html = client.get(f"/eventi/{event.slug}?lang=fr").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "<h1>Rencontre avec l&#39;ACAL</h1>" in html
    assert "Coopération avec le Bénin." in html
    assert "Sintesi solo in italiano" in html
    assert "Incontro con ACAL" not in html


def test_the_language_switch_turns_the_content_french_too(client, make_event):
    event = make_event("Incontro con ACAL", translations=FRENCH)
    client.get(f"/lingua/fr?next=/eventi/{event.slug}")
    for path in ("/", "/eventi", f"/eventi/{event.slug}", "/calendario?anno={}&mese={}".format(*_month(event))):
        html = client.get(path).get_data(as_text=True)
        assert "Rencontre avec l&#39;ACAL" in html, path
        assert "Incontro con ACAL" not in html, path


def _month(event: Event) -> tuple[int, int]:
    return event.first_day.year, event.first_day.month


def test_an_italian_visitor_still_reads_italian(client, make_event):
    event = make_event("Incontro con ACAL", translations=FRENCH)
    html = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "<h1>Incontro con ACAL</h1>" in html and "Rencontre" not in html


def test_an_event_with_only_italian_text_reads_in_italian_on_the_english_and_french_sites(client, make_event):
    event = make_event("Riunione della Consulta", summary="Solo italiano")
    for language in ("en", "fr"):
        _other_language_next()
        response = client.get(f"/eventi/{event.slug}?lang={language}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        assert "Riunione della Consulta" in html and "Solo italiano" in html


def test_an_unknown_language_in_the_address_is_ignored(client, make_event):
    event = make_event("Riunione della Consulta", translations=FRENCH)
    response = client.get(f"/eventi/{event.slug}?lang=de")
    assert response.status_code == 200
    assert '<html lang="it"' in response.get_data(as_text=True)


def test_choosing_a_language_drops_the_one_named_in_the_address(client):
    response = client.get("/lingua/en?next=/eventi%3Flang%3Dfr%26type%3Dcorso")
    assert response.headers["Location"] == "/eventi?type=corso"


def test_type_labels_series_and_materials_read_in_french(client, make_event):
    course_type = db.session.scalar(select(EventType).where(EventType.slug == "corso"))
    course_type.translations = {"fr": {"label": "Formation"}}
    event = make_event("Corso per amministratori", type_slug="corso", translations=FRENCH)
    db.session.add(
        Material(
            event=event,
            title="Presentazione",
            url="https://example.org/p.pdf",
            position=0,
            translations={"fr": {"title": "Présentation"}},
        )
    )
    db.session.commit()
    html = client.get(f"/eventi/{event.slug}?lang=fr").get_data(as_text=True)
    assert ">Formation</span>" in html
    assert ">Présentation</a>" in html and ">Presentazione<" not in html


# -- the organizer's form ----------------------------------------------------------------


def test_the_organizer_form_keeps_other_languages_folded_away(logged_in):
    html = logged_in.get("/gestione/eventi/nuovo").get_data(as_text=True)
    assert '<details class="other-languages border rounded p-3 mb-4">' in html  # closed
    assert "Altre lingue (English, Français)" in html
    assert 'name="title_fr"' in html and 'name="description_en"' in html


def test_the_organizer_form_saves_translations_sanitised_and_shows_them_again(logged_in, venue):
    data = event_form_data(
        logged_in,
        venue,
        title_fr="  Rencontre sur les coordinations  ",
        description_fr='<p onclick="alert(1)">Texte</p><script>alert(2)</script>',
        summary_en="",
    )
    response = logged_in.post("/gestione/eventi/nuovo", data=data)
    assert response.status_code == 303
    event = db.session.scalar(select(Event))
    assert event.translations == {
        "fr": {"title": "Rencontre sur les coordinations", "description_html": "<p>Texte</p>"}
    }
    form = logged_in.get(f"/gestione/eventi/{event.id}/modifica").get_data(as_text=True)
    assert '<details class="other-languages border rounded p-3 mb-4" open>' in form
    assert 'value="Rencontre sur les coordinations"' in form

    data = event_form_data(
        logged_in,
        venue,
        title_fr="",
        csrf_token=csrf_token_from(logged_in.get(f"/gestione/eventi/{event.id}/modifica")),
    )
    assert logged_in.post(f"/gestione/eventi/{event.id}/modifica", data=data).status_code == 303
    db.session.refresh(event)
    assert event.translations == {}


def test_a_too_long_french_title_is_refused_on_its_field(logged_in, venue):
    data = event_form_data(logged_in, venue, title_fr="x" * 201)
    response = logged_in.post("/gestione/eventi/nuovo", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#title_fr">Titolo (Français)</a>' in html
    assert '<details class="other-languages border rounded p-3 mb-4" open>' in html
    assert db.session.scalar(select(Event)) is None


def test_type_labels_are_translated_from_the_catalogue_form(logged_in):
    event_type = db.session.scalar(select(EventType).where(EventType.slug == "mostra"))
    page = logged_in.get(f"/gestione/tipi/{event_type.id}")
    html = page.get_data(as_text=True)
    assert 'name="label_fr"' in html and "Altre lingue" in html
    data = {
        "csrf_token": csrf_token_from(page),
        "label": event_type.label,
        "slug": event_type.slug,
        "color": event_type.color,
        "position": "2",
        "reminder_offsets": "7g",
        "label_fr": "Exposition",
        "label_en": "Exhibition",
    }
    assert logged_in.post(f"/gestione/tipi/{event_type.id}", data=data).status_code == 303
    db.session.refresh(event_type)
    assert event_type.translations == {"en": {"label": "Exhibition"}, "fr": {"label": "Exposition"}}
    assert event_type.label == "Mostra"
    assert 'value="Exposition"' in logged_in.get(f"/gestione/tipi/{event_type.id}").get_data(as_text=True)


def test_a_material_title_is_saved_in_french(logged_in, make_event):
    event = make_event("Incontro", day=date(2026, 12, 10), start=time(10), end=time(12))
    page = logged_in.get(f"/gestione/eventi/{event.id}")
    data = {
        "csrf_token": csrf_token_from(page),
        "title": "Verbale",
        "url": "https://example.org/v.pdf",
        "title_fr": "Procès-verbal",
    }
    assert logged_in.post(f"/gestione/eventi/{event.id}/materiali", data=data).status_code == 303
    material = db.session.scalar(select(Material))
    assert material.translations == {"fr": {"title": "Procès-verbal"}}


def test_the_search_finds_an_event_by_its_french_title_accents_ignored(client, make_event):
    make_event("Incontro con ACAL", translations={"fr": {"title": "Réunion à Cotonou"}})
    make_event("Assemblea annuale")
    html = client.get("/eventi?q=reunion+a+cotonou").get_data(as_text=True)
    assert "Incontro con ACAL" in html and "Assemblea annuale" not in html
    assert client.get("/api/v1/events?q=title").get_json()["items"] == []  # not the JSON's keys


def test_a_series_and_a_lesson_are_translated_from_their_forms(logged_in, make_event):
    page = logged_in.get("/gestione/serie/nuovo")
    data = {
        "csrf_token": csrf_token_from(page),
        "title": "Ciclo sul Benin",
        "item_label": "incontro",
        "title_fr": "Cycle sur le Bénin",
        "description_fr": "Rencontres avec l'ACAL.",
        "item_label_fr": "rencontre",
    }
    assert logged_in.post("/gestione/serie/nuovo", data=data).status_code == 303
    series = db.session.scalar(select(Series))
    assert series.translations == {
        "fr": {"title": "Cycle sur le Bénin", "description": "Rencontres avec l'ACAL.", "item_label": "rencontre"}
    }

    event = make_event("Corso", type_slug="corso", day=date(2026, 12, 10), start=time(9), end=time(18))
    page = logged_in.get(f"/gestione/eventi/{event.id}/programma/nuovo")
    data = {
        "csrf_token": csrf_token_from(page),
        "title": "Lezione 1",
        "date": "2026-12-10",
        "start_time": "10:00",
        "end_time": "12:00",
        "title_en": "Lesson 1",
    }
    assert logged_in.post(f"/gestione/eventi/{event.id}/programma/nuovo", data=data).status_code == 303
    lesson = db.session.scalar(select(EventSession))
    assert lesson.translations == {"en": {"title": "Lesson 1"}}
    assert 'value="Lesson 1"' in logged_in.get(f"/gestione/eventi/{event.id}/programma/{lesson.id}").get_data(
        as_text=True
    )


def test_italian_shown_on_a_french_page_is_marked_as_italian(client, make_event):
    """Screen readers read a fallback in Italian, not with French sounds; what was written in
    French, and every Italian page, carry no mark."""
    event = make_event("Incontro con ACAL", summary="Sintesi italiana", translations=FRENCH)
    untranslated = make_event("Assemblea dei sindaci", summary="Solo in italiano")
    _other_language_next()
    page = client.get(f"/eventi/{event.slug}?lang=fr").get_data(as_text=True)
    assert "<h1>Rencontre avec l&#39;ACAL</h1>" in page
    assert '<p class="lead" lang="it">Sintesi italiana</p>' in page
    assert "<div><p>Coopération avec le Bénin.</p></div>" in page
    listing = client.get("/eventi?lang=fr").get_data(as_text=True)
    assert '<span lang="it">Assemblea dei sindaci</span>' in listing
    assert "Rencontre avec l&#39;ACAL</a>" in listing and '<span lang="it">Rencontre' not in listing
    assert '<p class="card-text" lang="it">Solo in italiano</p>' in listing
    _other_language_next()
    italian = client.get(f"/eventi/{untranslated.slug}").get_data(as_text=True)
    assert 'lang="it">' not in italian.split("<main", 1)[1]


def test_a_series_number_is_said_in_the_pages_language(client, make_event):
    """'2° incontro' in Italian; 'rencontre n° 2' with the series' French word; where the series
    has none in English, the event type's English name, never the Italian word."""
    from app.events import services

    series = Series(
        slug="ciclo", title="Ciclo sul Benin", item_label="incontro", translations={"fr": {"item_label": "rencontre"}}
    )
    db.session.add(series)
    db.session.commit()
    make_event("Primo", day=date(2026, 12, 10), series_id=series.id)
    make_event("Secondo", day=date(2026, 12, 17), series_id=series.id)
    _other_language_next()
    assert "2° incontro" in client.get("/eventi").get_data(as_text=True)
    _other_language_next()
    assert "rencontre n° 2" in client.get("/eventi?lang=fr").get_data(as_text=True)
    _other_language_next()
    assert "session no. 2" in client.get("/eventi?lang=en").get_data(as_text=True)  # nothing in English
    meeting = next(t for t in services.event_types() if t.slug == "incontro")
    meeting.translations = {"en": {"label": "Meeting"}}
    db.session.commit()
    _other_language_next()
    assert "meeting no. 2" in client.get("/eventi?lang=en").get_data(as_text=True)


def test_a_theme_is_named_in_the_pages_language_once_translated(client, logged_in, make_event):
    """Organizers write a theme's English and French names in its catalogue; the event page,
    the filter, the feed's categories and the API then use them."""
    from app.events.models import Theme

    event = make_event("Incontro con ACAL", theme_names=["Cooperazione decentrata"])
    theme = db.session.scalar(select(Theme))
    page = logged_in.get(f"/gestione/temi/{theme.id}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token_from(page), "name": "Cooperazione decentrata", "name_fr": "Coopération décentralisée"}
    assert logged_in.post(f"/gestione/temi/{theme.id}", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).translations == {"fr": {"name": "Coopération décentralisée"}}

    _other_language_next()
    french = client.get(f"/eventi/{event.slug}?lang=fr").get_data(as_text=True)
    assert '<span class="chip-label">Coopération décentralisée</span>' in french
    _other_language_next()
    assert ">Coopération décentralisée</option>" in client.get("/eventi?lang=fr").get_data(as_text=True)
    assert "Coopération décentralisée" in client.get("/calendario.ics?lang=fr").get_data(as_text=True)
    api = client.get(f"/api/v1/events/{event.slug}?lang=fr").get_json()
    assert api["themes"] == [{"slug": theme.slug, "name": "Coopération décentralisée"}]
    _other_language_next()
    english = client.get(f"/eventi/{event.slug}?lang=en").get_data(as_text=True)
    assert '<span class="chip-label"><span lang="it">Cooperazione decentrata</span></span>' in english
