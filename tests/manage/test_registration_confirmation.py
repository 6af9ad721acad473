"""Cancelling or rejecting someone from the registrants list asks first, on a page that says
who, which email goes out and who gets the seat; nothing changes until it is confirmed."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.registrations import services
from app.registrations.models import Registration
from tests.factories import CONSENT, csrf_token_from, participant


def register(event, **fields) -> Registration:
    return services.register(event.id, participant(**fields), CONSENT).registration


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _status(registration) -> str:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


def _outbox_count() -> int:
    return len(db.session.scalars(select(OutboxMessage.id)).all())


def test_cancel_in_the_list_leads_to_a_page_not_to_the_cancellation(logged_in, make_event):
    event = make_event(capacity=1)
    holder = register(event, first_name="Anna", last_name="Bianchi")
    register(event, first_name="Luca", last_name="Verdi")
    listing = _page(logged_in.get(f"/gestione/eventi/{event.id}/iscritti"))
    # No form posts the cancellation from the list: "Annulla" is a link to the question.
    assert not re.search(rf'<form[^>]+action="[^"]*/iscritti/{holder.id}/annulla"', listing)
    link = re.search(rf'href="(/gestione/eventi/{event.id}/iscritti/{holder.id}/annulla[^"]*)"', listing).group(1)
    queued = _outbox_count()

    asked = logged_in.get(link)
    page = _page(asked)
    assert "Annullare l'iscrizione di Anna Bianchi?" in page
    assert f"all'indirizzo {holder.email} l'email «Iscrizione annullata: {event.title}»" in page
    assert "L'evento sarà tolto dal suo calendario." in page
    assert "Luca Verdi (Comune di Pinerolo), in lista d'attesa, otterrà il posto" in page
    # Asking changed nothing and wrote to nobody.
    assert _status(holder) == "confirmed" and _outbox_count() == queued

    form = re.search(r'<form method="post" action="([^"]+/iscritti/[^"]+)"', page).group(1)
    back = re.search(r'name="next" value="([^"]+)"', page).group(1)
    response = logged_in.post(form, data={"csrf_token": csrf_token_from(asked), "next": back})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/gestione/eventi/{event.id}/iscritti"
    )
    assert _status(holder) == "cancelled"
    waiting = db.session.scalar(select(Registration).where(Registration.last_name == "Verdi"))
    assert waiting.status == "confirmed"


def test_the_page_says_the_seat_stays_free_when_nobody_waits(logged_in, make_event):
    event = make_event(capacity=5)
    holder = register(event, first_name="Anna", last_name="Bianchi")
    page = _page(logged_in.get(f"/gestione/eventi/{event.id}/iscritti/{holder.id}/annulla"))
    assert "Nessuno è in lista d'attesa: il posto resterà libero." in page
    assert "otterrà il posto" not in page


def test_cancelling_someone_on_the_waiting_list_promotes_nobody(logged_in, make_event):
    event = make_event(capacity=1)
    register(event)
    first = register(event, first_name="Luca", last_name="Verdi")
    second = register(event, first_name="Sara", last_name="Neri")
    page = _page(logged_in.get(f"/gestione/eventi/{event.id}/iscritti/{first.id}/annulla"))
    assert "Nessun posto si libera" in page
    assert "Sara Neri" not in page and "tolto dal suo calendario" not in page
    assert _status(second) == "waitlisted"


def test_reject_in_the_list_asks_first_too(logged_in, make_event):
    event = make_event(registration_moderated=True)
    pending = register(event, first_name="Anna", last_name="Bianchi")
    assert _status(pending) == "pending"
    listing = _page(logged_in.get(f"/gestione/eventi/{event.id}/iscritti"))
    assert not re.search(rf'<form[^>]+action="[^"]*/iscritti/{pending.id}/respingi"', listing)
    asked = logged_in.get(f"/gestione/eventi/{event.id}/iscritti/{pending.id}/respingi")
    page = _page(asked)
    assert "Respingere la richiesta di Anna Bianchi?" in page
    assert f"l'email «Richiesta non accolta: {event.title}»" in page
    assert _status(pending) == "pending"
    form = re.search(r'<form method="post" action="([^"]+/iscritti/[^"]+)"', page).group(1)
    logged_in.post(form, data={"csrf_token": csrf_token_from(asked)})
    assert _status(pending) == "rejected"


def test_a_registration_no_longer_active_has_nothing_to_confirm(logged_in, make_event):
    event = make_event()
    gone = register(event)
    services.cancel(gone)
    page = _page(logged_in.get(f"/gestione/eventi/{event.id}/iscritti/{gone.id}/annulla"))
    assert "non c'è nulla da annullare" in page
    assert '<form method="post" action="/gestione/eventi' not in page


def test_the_way_back_stays_within_the_event(logged_in, make_event):
    event = make_event()
    holder = register(event)
    page = _page(logged_in.get(f"/gestione/eventi/{event.id}/iscritti/{holder.id}/annulla?next=https://evil.example/"))
    assert f'name="next" value="/gestione/eventi/{event.id}/iscritti"' in page
    detail = f"/gestione/eventi/{event.id}/iscritti/{holder.id}"
    page = _page(logged_in.get(f"{detail}/annulla?next={detail}"))
    assert f'name="next" value="{detail}"' in page
