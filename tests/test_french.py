"""French for the francophone partners (ACAL in Benin): the switch offers FR, the public pages
turn French, a person who registers from them gets their emails in French, and the French
catalogue keeps every placeholder of the Italian source."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import write_unwritten
from app.registrations.models import Registration
from tests.factories import post_registration_form

CATALOGUE = Path(__file__).resolve().parent.parent / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def choose_french(client, next_path="/eventi"):
    response = client.get(f"/lingua/fr?next={next_path}")
    assert response.status_code == 303
    assert response.headers["Location"] == next_path
    return client.get(next_path)


def test_the_language_switch_offers_french(client):
    html = client.get("/eventi").get_data(as_text=True)
    assert '<html lang="it"' in html
    assert 'hreflang="fr"' in html and "Français" in html


def test_after_choosing_french_the_public_pages_are_in_french(client, make_event):
    # The first request of the test: the tests' app context keeps the locale of its first request.
    event = make_event("Riunione della Consulta", day=date(2026, 12, 10), start=time(15), end=time(17))
    html = choose_french(client).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Aller au contenu principal" in html and "Andare al contenuto principale" not in html
    assert "Événements" in html
    detail = client.get(f"/eventi/{event.slug}").get_data(as_text=True)
    assert "jeudi 10 décembre 2026" in detail and "giovedì" not in detail
    assert "Riunione della Consulta" in detail  # the event's own text stays as written


def test_a_person_registering_in_french_gets_the_confirmation_in_french(client, make_event):
    event = make_event("Riunione della Consulta", day=date(2026, 12, 10), start=time(15), end=time(17), capacity=10)
    choose_french(client, f"/eventi/{event.slug}")
    form = client.get(f"/eventi/{event.slug}/iscrizione").get_data(as_text=True)
    assert "Confirmer l'inscription" in form and "Cognome" not in form
    assert post_registration_form(client, event).status_code == 303

    registration = db.session.scalar(select(Registration))
    assert registration.locale == "fr"
    write_unwritten()  # as the worker does before sending
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id))
    assert " ".join(message.subject.split()) == "Inscription confirmée : Riunione della Consulta"
    assert "Bonjour Giulia Ferrero," in message.text_body
    assert "Votre inscription est confirmée." in message.text_body
    assert "jeudi 10 décembre 2026, de 15:00 à " in message.text_body
    assert "Page de l'inscription\u00a0: http" in message.text_body  # French puts a space before ":"
    for italian in ("Gentile", "iscrizione", "giovedì", "Cordiali saluti"):
        assert italian not in message.text_body and italian not in message.html_body


def test_the_french_catalogue_keeps_placeholders_and_french_plurals():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    assert catalogue.plural_expr == "(n > 1)"
    for message in catalogue:
        if not message.id or not all(message.string if isinstance(message.string, tuple) else [message.string]):
            continue  # untranslated: tests/test_i18n.py reports it
        if isinstance(message.id, str):
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id
        else:
            assert set(PLACEHOLDER.findall(message.string[1])) == set(PLACEHOLDER.findall(message.id[1])), message.id
            assert set(PLACEHOLDER.findall(message.string[0])) <= set(PLACEHOLDER.findall(" ".join(message.id)))
