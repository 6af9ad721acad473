"""Organizers set reminders per event and per type; unreadable values get an Italian message."""

from __future__ import annotations

import html

from app.events.models import EventType
from app.extensions import db
from tests.factories import csrf_token_from


def test_event_type_form_refuses_unreadable_reminders(logged_in):
    page = logged_in.get("/gestione/tipi/nuovo")
    data = {"csrf_token": csrf_token_from(page), "label": "Seminario", "slug": "seminario", "color": "#123456"}
    bad = logged_in.post("/gestione/tipi/nuovo", data={**data, "reminder_offsets": "domani mattina"})
    assert bad.status_code == 422
    assert "Scriva i promemoria come «7g, 1g»" in html.unescape(bad.get_data(as_text=True))
    good = logged_in.post("/gestione/tipi/nuovo", data={**data, "reminder_offsets": "3g, 2h"})
    assert good.status_code == 303
    assert db.session.scalar(db.select(EventType.reminder_offsets).where(EventType.slug == "seminario")) == "3g, 2h"
