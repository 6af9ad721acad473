"""The registration limit per address: high enough for a municipal office behind one address,
and past it the form comes back with what was typed instead of an error page."""

from __future__ import annotations

import html as htmllib

import pytest
from sqlalchemy import func, select

from app.config import build_config
from app.extensions import db
from app.registrations.models import Registration
from tests.factories import csrf_token_from

FORM = {
    "first_name": "Giulia",
    "last_name": "Ferrero",
    "email": "giulia.ferrero@comune.pinerolo.to.it",
    "organization": "Comune di Pinerolo",
    "role": "assessore",
    "phone": "+39 0121 361111",
    "privacy_consent": "y",
}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


@pytest.fixture
def rate_limit(app, monkeypatch):
    """rate_limit(value) for this test only."""

    def set_to(value: str) -> None:
        monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", value)

    return set_to


def test_the_default_lets_one_office_register_thirty_people_in_a_minute(
    client, make_event, rate_limit, monkeypatch, tmp_path
):
    monkeypatch.delenv("REGISTRATION_RATE_LIMIT", raising=False)
    rate_limit(build_config(str(tmp_path), {"SECRET_KEY": "unused"})["REGISTRATION_RATE_LIMIT"])
    event = make_event()
    token = csrf_token_from(client.get(f"/eventi/{event.slug}/iscrizione"))
    codes = [
        client.post(
            f"/eventi/{event.slug}/iscrizione",
            data={**FORM, "email": f"persona{n}@comune.pinerolo.to.it", "csrf_token": token},
        ).status_code
        for n in range(30)
    ]
    assert codes == [303] * 30
    assert _count() == 30


def test_past_the_limit_the_registration_form_comes_back_with_what_was_typed(client, make_event, rate_limit):
    rate_limit("1 per minute")
    event = make_event()
    token = csrf_token_from(client.get(f"/eventi/{event.slug}/iscrizione"))
    first = client.post(f"/eventi/{event.slug}/iscrizione", data={**FORM, "csrf_token": token})
    assert first.status_code == 303
    typed = {
        **FORM,
        "first_name": "Maria Grazia",
        "last_name": "Dell'Orto",
        "email": "m.dellorto@comune.pinerolo.to.it",
        "organization": "Unione Montana Valli Chisone",
        "csrf_token": token,
    }
    response = client.post(f"/eventi/{event.slug}/iscrizione", data=typed)
    assert response.status_code == 429
    page = htmllib.unescape(response.get_data(as_text=True))
    assert "I dati inseriti sono conservati" in page
    for value in ("Maria Grazia", "Dell'Orto", "m.dellorto@comune.pinerolo.to.it", "Unione Montana Valli Chisone"):
        assert f'value="{value}"' in page
    assert '<option selected value="assessore">' in page or '<option value="assessore" selected>' in page
    # Sending it again is possible from the page itself: it carries a fresh CSRF token.
    assert csrf_token_from(response)
    assert _count() == 1


def test_past_the_limit_the_edit_form_keeps_the_changes(client, make_event, rate_limit):
    event = make_event()
    token = csrf_token_from(client.get(f"/eventi/{event.slug}/iscrizione"))
    registration_url = client.post(f"/eventi/{event.slug}/iscrizione", data={**FORM, "csrf_token": token}).headers[
        "Location"
    ]
    rate_limit("1 per minute")
    edit_url = f"{registration_url}/modifica"
    changed = {k: v for k, v in FORM.items() if k != "privacy_consent"}
    assert client.post(edit_url, data={**changed, "csrf_token": token}).status_code == 303
    response = client.post(edit_url, data={**changed, "organization": "Comune di Bricherasio", "csrf_token": token})
    assert response.status_code == 429
    page = htmllib.unescape(response.get_data(as_text=True))
    assert 'value="Comune di Bricherasio"' in page and "I dati inseriti sono conservati" in page
    assert response.headers.get("Cache-Control") == "no-store"
    assert db.session.scalar(select(Registration.organization)) == "Comune di Pinerolo"


def test_past_the_limit_a_new_link_request_gets_the_italian_429_page(client, make_event, rate_limit):
    event = make_event()
    token = csrf_token_from(client.get(f"/eventi/{event.slug}/iscrizione"))
    registration_url = client.post(f"/eventi/{event.slug}/iscrizione", data={**FORM, "csrf_token": token}).headers[
        "Location"
    ]
    rate_limit("1 per minute")
    client.post(f"{registration_url}/nuovo-link", data={"csrf_token": token})
    response = client.post(f"{registration_url}/nuovo-link", data={"csrf_token": token})
    assert response.status_code == 429
    assert "Troppe richieste" in response.get_data(as_text=True)
