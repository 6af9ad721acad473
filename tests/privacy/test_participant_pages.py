"""From the personal page: this registration's data at once; all of the address's, and erasure,
only through a link mailed to the address."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations.models import Registration
from tests.factories import csrf_token_from, enrol
from tests.support.privacy import EMAIL, NAME, columns_holding


def _link(kind: str) -> str:
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == kind))
    return re.search(r"http://incontri\.test(/\S+)", message.text_body).group(1)


def test_the_page_downloads_this_registrations_data(client, person):
    response = client.get(f"/iscrizioni/{person.token}/dati.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)["data"]
    assert data["iscrizioni"][0]["email"] == EMAIL


def test_all_registrations_of_the_address_come_by_email(client, person, make_event):
    enrol(make_event(title="Altro incontro"), email=EMAIL)
    page = client.get(f"/iscrizioni/{person.token}")
    assert "I propri dati" in page.get_data(as_text=True)
    client.post(f"/iscrizioni/{person.token}/dati/invia-link", data={"csrf_token": csrf_token_from(page)})
    response = client.get(_link("privacy_export"))
    titles = {r["event"]["title"] for r in json.loads(response.data)["data"]["iscrizioni"]}
    assert titles == {"Bilancio dei Comuni", "Altro incontro"}
    assert client.get("/dati-personali/falso").status_code == 404


def test_erasure_is_confirmed_from_the_mailbox_and_twice_is_harmless(client, person):
    old_token = person.token
    page = client.get(f"/iscrizioni/{old_token}")
    client.post(f"/iscrizioni/{old_token}/cancellazione", data={"csrf_token": csrf_token_from(page)})
    assert db.session.get(Registration, person.id).anonymised_at is None  # nothing before confirming
    link = _link("privacy_erase")
    confirm = client.get(link)
    assert confirm.status_code == 200 and "Cancellazione dei dati" in confirm.get_data(as_text=True)
    done = client.post(link, data={"csrf_token": csrf_token_from(confirm), "scope": "this"})
    assert "I dati personali sono stati cancellati" in done.get_data(as_text=True)
    db.session.expire_all()
    assert columns_holding(EMAIL, NAME[1], skip={"certificates.facts"}) == []
    again = client.get(link)
    assert again.status_code == 200 and "erano già stati cancellati" in again.get_data(as_text=True)
    assert client.get(f"/iscrizioni/{old_token}").status_code == 404
    assert client.get("/cancellazione-dati/falso").status_code == 404
