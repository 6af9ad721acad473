"""What spans a person's registrations opens only after their address has proved itself: the
personal calendar, and moving a registration to another address."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations import feeds as calendar
from app.registrations import services
from app.registrations.models import PersonalFeed
from tests.factories import CONSENT, csrf_token_from, participant

OWNER = "sindaca@comune.pinerolo.to.it"


def outbox(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    return re.search(r"http://incontri\.test(/\S+)", message.text_body.split(":", 1)[1]).group(1)


def post(client, page_url: str, action: str):
    token = csrf_token_from(client.get(page_url))
    return client.post(action, data={"csrf_token": token})


def test_someone_registering_with_another_persons_email_never_sees_or_replaces_their_feed(client, make_event):
    first, second = make_event(title="Consulta di novembre"), make_event(title="Consulta di dicembre")
    services.register(first.id, participant(OWNER), CONSENT)
    feed = calendar.personal_feed_for(OWNER)
    real_token = feed.token
    # A stranger types the owner's address on another event: the registration is theirs to see…
    stranger = services.register(second.id, participant(OWNER), CONSENT).registration
    page = client.get(f"/iscrizioni/{stranger.token}").get_data(as_text=True)
    # …but not the feed that lists every event of that address, nor a way to replace it.
    assert real_token not in page
    assert "/calendario.ics" not in page.replace("/eventi/", "")
    assert client.post(f"/iscrizioni/{stranger.token}/calendario/nuovo-link").status_code in (404, 405)
    db.session.expire_all()
    assert db.session.get(PersonalFeed, feed.id).token == real_token


def test_the_feed_link_goes_to_the_address_and_opens_the_feed_page(client, make_event):
    event = make_event()
    registration = services.register(event.id, participant(OWNER), CONSENT).registration
    response = post(client, f"/iscrizioni/{registration.token}", f"/iscrizioni/{registration.token}/calendario/invia-link")
    assert response.status_code == 303
    [message] = outbox("feed_link")
    assert message.recipient == OWNER
    page_url = link_in(message)
    page = client.get(page_url)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    feed = calendar.personal_feed_for(OWNER)
    assert f"/iscrizioni/{feed.token}/calendario.ics" in page.get_data(as_text=True)
    # Pressing the button again soon sends nothing more.
    post(client, f"/iscrizioni/{registration.token}", f"/iscrizioni/{registration.token}/calendario/invia-link")
    assert len(outbox("feed_link")) == 1


def test_replacing_the_feed_address_from_the_mailed_page_retires_the_old_page_link(client, make_event):
    event = make_event()
    services.register(event.id, participant(OWNER), CONSENT)
    feed = calendar.personal_feed_for(OWNER)
    old_feed_token = feed.token
    page_url = f"/calendario-personale/{calendar.feed_page_token(feed)}"
    response = post(client, page_url, page_url + "/nuovo-indirizzo")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(PersonalFeed, feed.id).token != old_feed_token
    assert client.get(f"/iscrizioni/{old_feed_token}/calendario.ics").status_code == 404
    assert client.get(page_url).status_code == 404  # the mailed link stops with the old address
    assert client.get(response.headers["Location"]).status_code == 200


def test_forged_or_foreign_feed_page_links_are_refused(client, make_event):
    event = make_event()
    registration = services.register(event.id, participant(OWNER), CONSENT).registration
    feed = calendar.personal_feed_for(OWNER)
    genuine = calendar.feed_page_token(feed)
    assert client.get(f"/calendario-personale/{genuine[:-2]}xx").status_code == 404
    assert client.get(f"/calendario-personale/{registration.token}").status_code == 404
    assert client.get(f"/calendario-personale/{feed.token}").status_code == 404
    # A link signed for another purpose (the email change) does not open the feed page.
    other = services.email_change_token(registration, "altro@comune.example.it")
    assert client.get(f"/calendario-personale/{other}").status_code == 404


def test_a_new_email_takes_effect_only_after_the_new_address_confirms_it(client, make_event):
    event = make_event()
    registration = services.register(event.id, participant(OWNER), CONSENT).registration
    edit_url = f"/iscrizioni/{registration.token}/modifica"
    form = client.get(edit_url)
    data = {
        "csrf_token": csrf_token_from(form),
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": "nuovo.indirizzo@comune.pinerolo.to.it",
        "organization": registration.organization,
        "role": registration.role,
    }
    assert client.post(edit_url, data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(registration), registration.id).email == OWNER
    [message] = outbox("email_change")
    assert message.recipient == "nuovo.indirizzo@comune.pinerolo.to.it"
    confirm_url = link_in(message)
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert db.session.get(type(registration), registration.id).email == OWNER  # a GET changes nothing
    response = client.post(confirm_url, data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(registration), registration.id).email == "nuovo.indirizzo@comune.pinerolo.to.it"
    # Used again, the link changes nothing and says the address was already confirmed.
    again = client.get(confirm_url, follow_redirects=True)
    assert "era già avvenuta" in again.get_data(as_text=True)
    assert db.session.get(type(registration), registration.id).email == "nuovo.indirizzo@comune.pinerolo.to.it"


def test_a_confirmed_change_moves_the_calendar_entry_and_tells_the_old_address(make_event, parsed):
    event = make_event(title="Riunione della Consulta")
    registration = services.register(event.id, participant(OWNER), CONSENT).registration
    new = "nuovo.indirizzo@comune.pinerolo.to.it"
    services.update_participant(registration, participant(new, first_name=registration.first_name))
    services.confirm_email_change(registration, new)
    old_side, new_side = outbox("address_changed")
    assert (old_side.recipient, new_side.recipient) == (OWNER, new)
    assert new in old_side.text_body and OWNER in new_side.text_body
    withdrawn = parsed(old_side.calendar.encode(), method="CANCEL").icalendar.walk("VEVENT")[0]
    invited = parsed(new_side.calendar.encode(), method="REQUEST").icalendar.walk("VEVENT")[0]
    assert str(withdrawn["ATTENDEE"]) == f"mailto:{OWNER}" and str(invited["ATTENDEE"]) == f"mailto:{new}"
    assert str(withdrawn["UID"]) == str(invited["UID"])


def test_an_organizer_correction_of_the_email_applies_at_once(make_event):
    from app.registrations.models import Actor

    event = make_event()
    registration = services.register(event.id, participant(OWNER), CONSENT).registration
    data = participant("corretto@comune.pinerolo.to.it", first_name=registration.first_name)
    assert services.update_participant(registration, data, by=Actor.ORGANIZER) is None
    assert registration.email == "corretto@comune.pinerolo.to.it"
    assert outbox("email_change") == []
