"""The API's content in the language asked for: ?lang=, else Accept-Language, else Italian."""

from __future__ import annotations

from app.events import services

FRENCH = {"fr": {"title": "Rencontre avec l'ACAL", "summary": "Coopération avec le Bénin"}}


def test_lang_fr_gives_the_french_content_and_italian_where_none_was_written(client, make_event):
    event = make_event("Incontro con ACAL", summary="Sintesi", translations=FRENCH)
    services.add_session(
        event,
        services.SessionInput(title="Apertura", starts_at=event.starts_at, translations={"fr": {"title": "Ouverture"}}),
    )
    response = client.get(f"/api/v1/events/{event.slug}?lang=fr")
    assert response.headers["Content-Language"] == "fr"
    body = response.get_json()
    assert body["title"] == "Rencontre avec l'ACAL"
    assert body["summary"] == "Coopération avec le Bénin"
    assert body["type_label"] == "Incontro"  # no French label written: Italian
    assert body["sessions"][0]["title"] == "Ouverture"
    items = client.get("/api/v1/events?lang=fr").get_json()["items"]
    assert [i["title"] for i in items] == ["Rencontre avec l'ACAL"]


def test_accept_language_chooses_when_lang_is_absent_and_the_answer_says_it_varies(client, make_event):
    event = make_event("Incontro con ACAL", translations=FRENCH)
    response = client.get(f"/api/v1/events/{event.slug}", headers={"Accept-Language": "fr-BJ, fr;q=0.9, en;q=0.5"})
    assert response.get_json()["title"] == "Rencontre avec l'ACAL"
    assert "Accept-Language" in response.headers["Vary"]
    italian = client.get(f"/api/v1/events/{event.slug}", headers={"Accept-Language": "de"})
    assert italian.get_json()["title"] == "Incontro con ACAL"
    assert italian.headers["Content-Language"] == "it"
    assert client.get(f"/api/v1/events/{event.slug}?lang=it", headers={"Accept-Language": "fr"}).get_json()[
        "title"
    ] == "Incontro con ACAL"


def test_an_english_request_for_an_event_written_only_in_italian_gets_the_italian(client, make_event):
    event = make_event("Riunione della Consulta", summary="Solo italiano")
    body = client.get(f"/api/v1/events/{event.slug}?lang=en").get_json()
    assert (body["title"], body["summary"]) == ("Riunione della Consulta", "Solo italiano")


def test_an_unknown_lang_is_a_400_that_says_which_are_known(client, make_event):
    make_event("Riunione")
    response = client.get("/api/v1/events?lang=de")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "lang must be one of it, en, fr"
