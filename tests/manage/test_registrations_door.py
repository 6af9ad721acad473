"""Every organizer route about an event's registrants and messages reaches the event through the
one door, `events.access.event_for`, asking for the registrants action; a registration or a
question of another event is not found there."""

from __future__ import annotations

import re

import pytest
from flask import abort

from app.events import access
from app.registrations import services
from tests.factories import CONSENT, csrf_token_from, participant


def _url(rule, values: dict[str, int]) -> str:
    url = rule.rule
    for argument in re.findall(r"<([^>]+)>", url):
        if argument.startswith("any("):
            value = argument[4:].split(")")[0].split(",")[0].strip()
        else:
            value = str(values[argument.split(":")[-1]])
        url = url.replace(f"<{argument}>", value, 1)
    return url


def _registrant_rules(app):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("manage_registrations.") and "event_id" in rule.arguments
    ]
    assert len(rules) > 10, "the URL map walk found too few routes to be meaningful"
    return rules


def test_every_registrants_route_asks_the_door(app, logged_in, make_event, monkeypatch):
    event = make_event()
    registration = services.register(event.id, participant(), CONSENT).registration
    question = services.add_question(event, services.attendance_question())
    values = {"event_id": event.id, "registration_id": registration.id, "question_id": question.id}
    token = csrf_token_from(logged_in.get("/gestione/"))
    asked = []

    def refusing_door(event_id, action=access.Action.VIEW):
        asked.append((event_id, action))
        abort(403)

    monkeypatch.setattr(access, "event_for", refusing_door)
    for rule in _registrant_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            asked.clear()
            data = {"csrf_token": token} if method == "POST" else None
            response = logged_in.open(_url(rule, values), method=method, data=data)
            assert response.status_code == 403, (rule.endpoint, method, response.status_code)
            assert asked == [(event.id, access.Action.REGISTRANTS)], (rule.endpoint, method)


@pytest.mark.parametrize("kind", ["registration_id", "question_id"])
def test_a_row_of_another_event_is_not_found(app, logged_in, make_event, kind):
    event, other = make_event(), make_event()
    registration = services.register(other.id, participant(), CONSENT).registration
    question = services.add_question(other, services.attendance_question())
    values = {"event_id": event.id, "registration_id": registration.id, "question_id": question.id}
    token = csrf_token_from(logged_in.get("/gestione/"))
    rules = [rule for rule in _registrant_rules(app) if kind in rule.arguments]
    assert rules
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = logged_in.open(_url(rule, values), method=method, data=data)
            assert response.status_code == 404, (rule.endpoint, method, response.status_code)
