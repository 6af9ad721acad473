"""The public registration form and the participant's own page, over HTTP."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.registrations import services
from app.registrations.models import Registration
from tests.factories import REGISTRATION_FORM, csrf_token_from, post_registration_form


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def test_form_offers_the_comuni_and_the_roles(client, make_event):
    event = make_event()
    html = client.get(f"/eventi/{event.slug}/iscrizione").get_data(as_text=True)
    assert '<option value="Pinerolo (TO)">' in html and '<option value="Villar Pellice (TO)">' in html
    assert 'name="ente_tipo"' in html and '<option value="comune">' in html
    assert "Segretario/Segretaria comunale" in html
    assert 'name="privacy_consent"' in html and 'name="url"' in html


def test_registering_redirects_to_the_registration_page(client, make_event):
    event = make_event(capacity=10)
    response = post_registration_form(client, event)
    assert response.status_code == 303
    token = re.fullmatch(r"/iscrizioni/([A-Za-z0-9_-]{43})", response.headers["Location"]).group(1)
    registration = services.get_by_token(token)
    assert registration.email == "giulia.ferrero@comune.pinerolo.to.it"
    assert registration.consent_version == "2026-11-25"
    assert "informativa sulla privacy" in registration.consent_text
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert 'data-status="confirmed"' in html and "Giulia Ferrero" in html
    assert client.get(f"/eventi/{event.slug}").get_data(as_text=True).count("<strong>9</strong>") == 1


def test_same_email_again_does_not_duplicate_nor_reveal_the_registration(client, make_event):
    event = make_event()
    post_registration_form(client, event)
    response = post_registration_form(client, event, email="giulia.ferrero@comune.pinerolo.to.it", first_name="Altro")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/eventi/{event.slug}/iscrizione/gia-iscritto"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "è stato inviato di nuovo" in html and "Giulia" not in html
    assert count() == 1


def test_full_event_puts_people_on_the_waiting_list(client, make_event):
    event = make_event(capacity=1)
    post_registration_form(client, event, email="uno@comune.example.it")
    page = htmllib.unescape(client.get(f"/eventi/{event.slug}").get_data(as_text=True))
    assert "Iscrizione alla lista d'attesa" in page
    response = post_registration_form(client, event, email="due@comune.example.it")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="waitlisted"' in html and "in posizione 1" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "non-una-email"}, "Indirizzo email non valido"),
        ({"first_name": ""}, "Campo obbligatorio"),
        ({"role": "imperatore"}, "Indicare il ruolo"),
        ({"privacy_consent": None}, "necessario accettare l'informativa"),
        ({"phone": "chiamami"}, "Usare solo cifre"),
        ({"first_name": "x" * 101}, "100"),
    ],
)
def test_invalid_fields_get_an_italian_message_and_keep_what_was_typed(client, make_event, changes, message):
    event = make_event()
    response = post_registration_form(client, event, **changes)
    assert response.status_code == 422
    html = htmllib.unescape(response.get_data(as_text=True))
    assert message in html
    assert 'value="Ferrero"' in html
    assert count() == 0


def test_script_in_every_field_is_stored_as_text_and_never_rendered_as_markup(client, logged_in, make_event):
    event = make_event()
    script = "<script>alert(1)</script>"
    response = post_registration_form(
        client,
        event,
        first_name=script,
        last_name=f"O'Brien{script}",
        organization=f"<img src=x onerror=alert(1)>{script}",
        email="xss@comune.example.it",
    )
    assert response.status_code == 303
    registration = db.session.scalar(select(Registration))
    assert registration.first_name == script
    pages = [
        client.get(response.headers["Location"]),
        client.get(f"/gestione/eventi/{event.id}/iscritti"),
        client.get(f"/gestione/eventi/{event.id}/presenze"),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_honeypot_refuses_bots_without_saving(client, make_event):
    event = make_event()
    response = post_registration_form(client, event, url="http://spam.example")
    assert response.status_code == 400
    assert count() == 0


def test_missing_csrf_token_is_refused(client, make_event):
    event = make_event()
    response = client.post(f"/eventi/{event.slug}/iscrizione", data=REGISTRATION_FORM)
    assert response.status_code == 400
    assert "Il modulo è scaduto" in response.get_data(as_text=True)
    assert count() == 0


def test_a_ten_megabyte_body_is_refused_with_413(client, make_event):
    event = make_event()
    page = client.get(f"/eventi/{event.slug}/iscrizione")
    data = {**REGISTRATION_FORM, "csrf_token": csrf_token_from(page), "first_name": "x" * (10 * 1024 * 1024)}
    response = client.post(f"/eventi/{event.slug}/iscrizione", data=data)
    assert response.status_code == 413
    assert "troppo grandi" in response.get_data(as_text=True)
    assert count() == 0


def test_cancelled_and_unknown_events(client, make_event):
    cancelled = make_event(status="cancelled")
    page = client.get(f"/eventi/{cancelled.slug}/iscrizione")
    assert page.status_code == 200 and "annullato" in page.get_data(as_text=True)
    assert 'name="first_name"' not in page.get_data(as_text=True)
    token = csrf_token_from(client.get(f"/eventi/{make_event(title='Aperto').slug}/iscrizione"))
    response = client.post(f"/eventi/{cancelled.slug}/iscrizione", data={**REGISTRATION_FORM, "csrf_token": token})
    assert response.status_code == 409
    assert count() == 0
    assert client.get("/eventi/non-esiste/iscrizione").status_code == 404
    draft = make_event(title="Bozza", status="draft")
    assert client.get(f"/eventi/{draft.slug}/iscrizione").status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 200, "../../etc/passwd", "%3Cscript%3E"])
def test_tampered_tokens_are_404(client, make_event, token):
    event = make_event()
    post_registration_form(client, event)
    assert client.get(f"/iscrizioni/{token}").status_code == 404
    assert client.post(f"/iscrizioni/{token}/annulla").status_code in (400, 404)


def test_repeated_post_neither_duplicates_nor_fails(client, make_event):
    event = make_event()
    page = client.get(f"/eventi/{event.slug}/iscrizione")
    data = {**REGISTRATION_FORM, "csrf_token": csrf_token_from(page)}
    first = client.post(f"/eventi/{event.slug}/iscrizione", data=data)
    second = client.post(f"/eventi/{event.slug}/iscrizione", data=data)
    assert (first.status_code, second.status_code) == (303, 303)
    assert count() == 1


def test_rate_limit_answers_429_in_italian(client, make_event, app, monkeypatch):
    event = make_event()
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "2 per minute")
    codes = [post_registration_form(client, event, email=f"p{n}@comune.example.it").status_code for n in range(3)]
    assert codes == [303, 303, 429]
    assert count() == 2


def test_participant_cancels_with_confirmation_and_the_seat_goes_to_the_waiting_list(client, make_event):
    event = make_event(capacity=1)
    holder = client.get(post_registration_form(client, event, email="a@comune.example.it").headers["Location"])
    waiting_url = post_registration_form(client, event, email="b@comune.example.it").headers["Location"]
    holder_url = holder.request.path
    confirm = client.get(f"{holder_url}/annulla")
    assert "Il posto passerà alla prima persona in lista d'attesa" in htmllib.unescape(
        confirm.get_data(as_text=True)
    )
    response = client.post(f"{holder_url}/annulla", data={"csrf_token": csrf_token_from(confirm)})
    assert response.status_code == 303
    assert 'data-status="cancelled"' in client.get(holder_url).get_data(as_text=True)
    assert 'data-status="confirmed"' in client.get(waiting_url).get_data(as_text=True)
    again = client.post(f"{holder_url}/annulla", data={"csrf_token": csrf_token_from(confirm)})
    assert again.status_code == 303


def test_participant_updates_data_and_answers(client, make_event):
    event = make_event()
    question = services.add_question(event, services.QuestionInput(label="Pranzo?", kind="yes_no", required=True))
    url = post_registration_form(client, event, **{f"q_{question.id}": "si"}).headers["Location"]
    page = client.get(f"{url}/modifica")
    html = page.get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="si"', html)
    data = {
        **REGISTRATION_FORM,
        "csrf_token": csrf_token_from(page),
        "phone": "",
        "last_name": "Ferrero Bruno",
        f"q_{question.id}": "no",
    }
    response = client.post(f"{url}/modifica", data=data)
    assert response.status_code == 303
    registration = db.session.scalar(select(Registration))
    db.session.refresh(registration)
    assert (registration.last_name, registration.phone, registration.answer_for(question.id)) == (
        "Ferrero Bruno",
        None,
        "no",
    )


def test_new_link_replaces_the_old_one(client, make_event):
    event = make_event()
    url = post_registration_form(client, event).headers["Location"]
    page = client.get(url)
    response = client.post(f"{url}/nuovo-link", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303 and response.headers["Location"] != url
    assert client.get(url).status_code == 404
    assert client.get(response.headers["Location"]).status_code == 200


def test_privacy_notice_is_public(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Titolare del trattamento" in html and "2026-11-25" in html


def test_the_page_after_registering_says_where_the_confirmation_went(client, make_event):
    event = make_event(capacity=1)
    first = post_registration_form(client, event, email="sindaca@comune.bra.example")
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Riceverà tra pochi istanti all&#39;indirizzo sindaca@comune.bra.example la conferma" in page
    second = post_registration_form(client, event, email="assessora@comune.alba.example")
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "conferma dell&#39;inserimento in lista d&#39;attesa" in page
    again = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Riceverà tra pochi istanti" not in again  # said once, on arrival
