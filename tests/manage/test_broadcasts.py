"""Messages to registrants: previewed before anything is queued, sent as the organizer wrote
them (no automatic greeting), with clickable links, and answered to a real address."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.outbox import delivery
from app.outbox.models import OutboxMessage
from app.registrations import services as registrations
from app.text import linkify
from tests.factories import CONSENT, ORGANIZER_EMAIL, csrf_token_from, participant

BODY = (
    "Gentili partecipanti,\n"
    "le slide sono su https://www.anci.piemonte.it/slide?id=3&v=2.\n\n"
    'Cordiali saluti\n<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)'
)


def _queued() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "broadcast"))


@pytest.fixture
def course(make_event):
    event = make_event(title="Incontro sui gemellaggi", capacity=10)
    for name in ("Anna", "Bruno"):
        registrations.register(event.id, participant(first_name=name, last_name="Ferrero"), CONSENT)
    return event


def _write(client, event, **fields):
    url = f"/gestione/eventi/{event.id}/messaggi"
    data = {"csrf_token": csrf_token_from(client.get(url)), "audience": "all", "subject": "Le slide", "body": BODY}
    data.update(fields)
    return client.post(url, data=data)


def test_writing_shows_a_preview_and_queues_nothing(logged_in, course):
    response = _write(logged_in, course)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Il messaggio partirà per 2 persone" in page
    assert "Ecco l'email che riceverà Anna Ferrero" in page
    subject = re.search(r"data-subject>([^<]*)<", page).group(1)
    assert subject == "Le slide"
    text = re.search(r"<pre[^>]*data-text>(.*?)</pre>", response.get_data(as_text=True), re.S).group(1)
    assert html.unescape(text).startswith("Gentili partecipanti,\nle slide sono su https://www.anci.piemonte.it/")
    srcdoc = re.search(r'srcdoc="([^"]*)"', response.get_data(as_text=True)).group(1)
    assert '<a href="https://www.anci.piemonte.it/slide?id=3&amp;v=2">' in html.unescape(srcdoc)
    assert re.search(r"data-reply-to>\s*staff@anci.example", page)
    assert "Invia a 2 persone" in page
    assert _queued() == 0


def test_invia_in_the_preview_queues_what_was_previewed(logged_in, course):
    preview = _write(logged_in, course)
    page = preview.get_data(as_text=True)
    send_form = re.search(r'<section aria-labelledby="anteprima".*?(<form method="post".*?</form>)', page, re.S).group(
        1
    )
    hidden = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', send_form)
    }
    hidden["body"] = html.unescape(
        re.search(r"<textarea name=\"body\" hidden>\n(.*?)</textarea>", send_form, re.S).group(1)
    )
    response = logged_in.post(f"/gestione/eventi/{course.id}/messaggi", data={**hidden, "invia": "1"})
    assert response.status_code == 303
    assert _queued() == 2
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "broadcast"))
    assert message.text_body.startswith(BODY.split("\n<script>")[0])
    assert message.reply_to == ORGANIZER_EMAIL
    done = html.unescape(logged_in.get(response.headers["Location"]).get_data(as_text=True))
    assert "Messaggio messo in coda per 2 persone." in done


def test_a_changed_number_of_recipients_asks_again(logged_in, course):
    response = _write(logged_in, course, invia="1", destinatari="1")
    assert response.status_code == 200 and "data-preview" in response.get_data(as_text=True)
    assert "il numero di destinatari è cambiato" in html.unescape(response.get_data(as_text=True))
    assert _queued() == 0


def test_nobody_to_write_to_is_said_on_the_audience(logged_in, course):
    response = _write(logged_in, course, audience="pending")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert 'id="audience-error"' in page and "Nessun iscritto corrisponde a questa scelta" in page
    assert "data-preview" not in page


def _send_and_receive(client, event, smtp_server, **fields):
    response = _write(client, event, invia="1", destinatari="2", **fields)
    assert response.status_code == 303
    delivery.deliver_due()
    received = sorted((m for m in smtp_server.inbox.messages if m["Subject"] == "Le slide"), key=lambda m: m["To"])
    assert len(received) == 2
    return received[0]


def test_the_participant_gets_the_organizers_text_without_a_second_greeting(logged_in, course, smtp):
    received = _send_and_receive(logged_in, course, smtp)
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Gentili partecipanti,\n")
    assert "Gentile" not in text.replace("Gentili partecipanti", "")
    html_part = received.get_body(("html",)).get_content()
    assert "Gentile" not in html_part


def test_links_in_the_html_part_are_clickable_and_nothing_typed_becomes_markup(logged_in, course, smtp):
    html_part = _send_and_receive(logged_in, course, smtp).get_body(("html",)).get_content()
    assert '<a href="https://www.anci.piemonte.it/slide?id=3&amp;v=2">' in html_part
    assert "</a>." in html_part  # the full stop ends the sentence, not the address
    assert "<script>" not in html_part and "&lt;script&gt;" in html_part
    assert "<img" not in html_part and "&#34;&gt;&lt;img" in html_part
    assert 'href="javascript' not in html_part


def test_answers_go_to_the_organizer_who_wrote(logged_in, course, smtp):
    received = _send_and_receive(logged_in, course, smtp)
    assert received["Reply-To"] == ORGANIZER_EMAIL


def test_mail_reply_to_sends_answers_to_the_office(app, logged_in, course, smtp):
    app.config["MAIL_REPLY_TO"] = "Segreteria ANCI <segreteria@anci.example>"
    try:
        received = _send_and_receive(logged_in, course, smtp)
    finally:
        app.config["MAIL_REPLY_TO"] = None
    assert received["Reply-To"].addresses[0].addr_spec == "segreteria@anci.example"
    assert received["Reply-To"].addresses[0].display_name == "Segreteria ANCI"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://a.it/x", ['<a href="https://a.it/x">https://a.it/x</a>']),
        ("(vedi https://a.it/p_(1)).", ['(vedi <a href="https://a.it/p_(1)">https://a.it/p_(1)</a>).']),
        ("«http://a.it»", ['«<a href="http://a.it">http://a.it</a>»']),
        ('https://a.it/"onclick="x', ['<a href="https://a.it/">https://a.it/</a>&#34;onclick=&#34;x']),
        ("ftp://a.it javascript:alert(1)", ["ftp://a.it javascript:alert(1)"]),
        ("uno\ndue\n\ntre", ["uno<br>\ndue", "tre"]),
    ],
)
def test_linkify_escapes_first_then_links_web_addresses(text, expected):
    assert [str(p) for p in linkify(text)] == expected
