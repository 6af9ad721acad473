"""Malformed input gets a 4xx or a sensible default, never a 500: one test per class of input
that made the server fail (NUL bytes, years past 9999, "²" as a page, ids beyond INTEGER, CRLF
in `next`, addresses with letters outside ASCII, chunked bodies past the size limit)."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from app.events.models import Event, EventType
from app.extensions import db
from app.inputs import refuse_or_strip_control_characters
from app.outbox.delivery import deliver_due
from app.outbox.models import OutboxMessage, OutboxStatus
from app.registrations.models import Registration
from app.timeutil import today_rome
from tests.factories import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, csrf_token_from, post_registration_form

TWENTY_DIGITS = "9" * 20

# -- NUL and other control characters --------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/eventi?q=Torino%00", "/archivio?comune=%00", "/api/v1/events?type=%00", "/eventi?%00=1"]
)
def test_nul_byte_in_a_query_parameter_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400


def test_nul_byte_in_a_query_parameter_gets_the_italian_error_page(client):
    response = client.get("/eventi?q=Torino%00")
    assert "La richiesta non è valida" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/eventi/incontro%00",
        "/serie/a%00b",
        "/iscrizioni/abc%00def",
        "/iscrizioni/abc%00/calendario.ics",
        "/api/v1/events/x%00",
    ],
)
def test_nul_byte_in_a_slug_or_token_is_a_400(client, url):
    assert client.get(url).status_code == 400


def test_nul_byte_in_an_organizer_form_field_is_dropped_and_the_event_saved(logged_in, venue):
    client = logged_in
    day = today_rome() + timedelta(days=20)
    incontro = db.session.scalar(select(EventType).where(EventType.slug == "incontro"))
    response = client.post(
        "/gestione/eventi/nuovo",
        data={
            "csrf_token": csrf_token_from(client.get("/gestione/eventi/nuovo")),
            "title": "Assemblea\x00 dei sindaci",
            "type_id": str(incontro.id),
            "summary": "Sintesi\x01",
            "description": "Riga uno\x0bRiga due",
            "start_date": day.isoformat(),
            "start_time": "15:00",
            "end_date": day.isoformat(),
            "end_time": "17:00",
            "attendance_mode": "in_person",
            "venue_id": str(venue.id),
            "capacity": "80",
            "themes": "Reti\x00",
        },
    )
    assert response.status_code == 303
    event = db.session.scalar(select(Event).where(Event.title == "Assemblea dei sindaci"))
    assert event is not None and event.summary == "Sintesi"
    # A word processor's line break (vertical tab) becomes the line break it stood for.
    assert "\x0b" not in event.description_html and "Riga due" in event.description_html


def test_nul_byte_in_a_public_form_field_is_dropped_and_what_was_typed_is_kept(client, make_event):
    event = make_event()
    response = post_registration_form(client, event, first_name="Giu\x00lia", organization="Pinerolo\x1b")
    assert response.status_code == 303
    registration = db.session.scalar(select(Registration))
    assert (registration.first_name, registration.organization) == ("Giulia", "Pinerolo")


def test_tabs_and_line_breaks_in_a_form_are_kept(app):
    with app.test_request_context("/accedi", method="POST", data={"password": "a\tb\r\nc\x00d"}):
        refuse_or_strip_control_characters()
        assert request.form["password"] == "a\tb\r\ncd"


# -- years, months and page numbers ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/eventi?month=9999-12", "/archivio?month=9999-12", "/calendario?anno=9999&mese=12"])
def test_a_month_at_the_end_of_the_calendar_shows_the_page(client, url):
    assert client.get(url).status_code == 200


def test_a_month_at_the_end_of_the_calendar_is_ignored_by_the_api(client):
    response = client.get("/api/v1/events?month=9999-12")
    assert response.status_code == 200 and response.get_json()["items"] == []


@pytest.mark.parametrize("url", ["/eventi?page=²", "/archivio?page=²", "/calendario?anno=²&mese=³"])
def test_superscript_digits_are_no_page_number(client, url):
    assert client.get(url).status_code == 200


def test_superscript_page_in_the_api_is_a_400(client):
    response = client.get("/api/v1/events?page=²")
    assert response.status_code == 400 and "page" in response.get_json()["error"]["message"]


def test_twenty_digit_page_is_the_first_page_or_a_400(client):
    assert client.get(f"/eventi?page={TWENTY_DIGITS}").status_code == 200
    assert client.get(f"/api/v1/events?page={TWENTY_DIGITS}").status_code == 400


def test_twenty_digit_id_is_a_404(client, logged_in, make_event):
    make_event()
    assert client.get(f"/materiali/{TWENTY_DIGITS}/programma.pdf").status_code == 404
    assert logged_in.get(f"/gestione/eventi/{TWENTY_DIGITS}").status_code == 404
    assert logged_in.get(f"/gestione/eventi/{TWENTY_DIGITS}/iscritti/1").status_code == 404


def test_ids_are_ascii_digits_up_to_the_largest_integer_column(app):
    urls = app.url_map.bind("incontri.test")
    assert urls.match(f"/gestione/eventi/{2**31 - 1}") == ("manage_events.event_detail", {"event_id": 2**31 - 1})
    for path in (f"/gestione/eventi/{2**31}", "/gestione/eventi/٣"):  # "٣" is an Arabic-Indic 3
        with pytest.raises(NotFound):
            urls.match(path)


# -- where `next` may lead -------------------------------------------------------------------


def test_crlf_in_next_on_the_language_switch_redirects_home(client):
    response = client.get("/lingua/en?next=/eventi%0d%0aSet-Cookie:%20x=1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.get_all("Set-Cookie")


def test_crlf_in_next_after_login_redirects_home_logged_in(client, organizer):
    page = client.get("/accedi?next=/gestione/%0d%0aX-Injected:%201")
    response = client.post(
        "/accedi?next=/gestione/%0d%0aX-Injected:%201",
        data={"email": ORGANIZER_EMAIL, "password": ORGANIZER_PASSWORD, "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "X-Injected" not in response.headers
    assert client.get("/gestione/").status_code == 200


# -- email addresses outside ASCII -----------------------------------------------------------


def test_non_ascii_letters_before_the_at_sign_are_refused_with_a_message(client, make_event):
    event = make_event()
    response = post_registration_form(client, event, email="grazia.lò@comune.example.it")
    assert response.status_code == 422
    assert "Prima della @" in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


def test_an_internationalised_domain_is_accepted_and_its_mail_delivered(client, make_event, app, tmp_path):
    event = make_event()
    response = post_registration_form(client, event, email="anna@città.example")
    assert response.status_code == 303
    queued = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "anna@città.example")).all()
    assert queued
    folder = app.config["MAIL_FOLDER"]
    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path))
    try:
        report = deliver_due()
    finally:
        app.config["MAIL_FOLDER"] = folder
    assert report.failed == 0
    db.session.expire_all()
    assert {m.status for m in queued} == {OutboxStatus.SENT}
    sent = email.message_from_bytes(next(tmp_path.glob("*.eml")).read_bytes(), policy=email.policy.default)
    assert "anna@xn--citt-" in sent["To"]


# -- bodies without Content-Length -------------------------------------------------------------


def _chunked_post(client, url, body: bytes):
    return client.post(
        url,
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        # What a server that decodes chunked bodies (gunicorn, Werkzeug's) says.
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_chunked_public_form_body_over_64_kb_is_refused_with_413(client, organizer):
    body = b"email=staff%40anci.example&password=" + b"x" * (100 * 1024)
    assert _chunked_post(client, "/accedi", body).status_code == 413


def test_chunked_public_form_body_under_the_limit_is_read_whole(client, organizer):
    token = csrf_token_from(client.get("/accedi"))
    body = f"email=staff%40anci.example&password={ORGANIZER_PASSWORD}&csrf_token={token}".encode()
    response = _chunked_post(client, "/accedi", body + b"&padding=" + b"p" * (60 * 1024))
    assert response.status_code == 303


@pytest.mark.parametrize("path", ["/gestione/", "/gestione/posta", "/gestione/eventi/{event_id}/iscritti"])
@pytest.mark.parametrize("page", [TWENTY_DIGITS, "368934881474191034"])
def test_lists_paginated_from_the_query_string_show_the_first_page(logged_in, make_event, path, page):
    event = make_event()
    assert logged_in.get(path.format(event_id=event.id), query_string={"page": page}).status_code == 200
