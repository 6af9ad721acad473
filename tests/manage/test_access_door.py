"""Every organizer route about an event goes through the one door, events.access.event_for:
walking the URL map, each such route answers what the door decides, for every method it takes."""

from __future__ import annotations

import pytest
from flask import abort

from app.events import access
from tests.factories import add_weekly_lessons, csrf_token_from, register
from tests.support.url_map import event_scoped_routes, request_route, url_for_event


@pytest.fixture
def course(make_event):
    course = make_event(title="Percorso formativo", type_slug="corso", capacity=5)
    add_weekly_lessons(course, 2)
    register(course)
    return course


def test_the_url_map_has_event_scoped_organizer_routes_of_every_domain(app):
    blueprints = {endpoint.split(".")[0] for endpoint, _method, _rule in event_scoped_routes(app)}
    assert {"manage_events", "manage_registrations"} <= blueprints


def test_every_event_scoped_organizer_route_asks_the_door(app, logged_in, course, monkeypatch):
    token = csrf_token_from(logged_in.get("/gestione/"))
    asked: list[tuple[int, str]] = []

    def door(event_id, action=access.Action.VIEW):
        asked.append((event_id, action))
        abort(418)  # a status no route answers by itself

    monkeypatch.setattr(access, "event_for", door)
    not_asking = []
    for endpoint, method, rule in event_scoped_routes(app):
        asked.clear()
        response = request_route(logged_in, method, url_for_event(app, rule, course.id), token)
        if response.status_code != 418 or len(asked) != 1 or asked[0][0] != course.id:
            not_asking.append(f"{method} {rule.rule} ({endpoint}): {response.status_code}")
    assert not_asking == []


def test_a_door_that_refuses_closes_every_event_scoped_route(app, logged_in, course, monkeypatch):
    token = csrf_token_from(logged_in.get("/gestione/"))
    monkeypatch.setattr(access, "may", lambda user, event, action: False)
    open_routes = []
    for endpoint, method, rule in event_scoped_routes(app):
        response = request_route(logged_in, method, url_for_event(app, rule, course.id), token)
        if response.status_code != 403:
            open_routes.append(f"{method} {rule.rule} ({endpoint}): {response.status_code}")
    assert open_routes == []


def test_registrant_routes_ask_for_the_registrants_right(app, logged_in, course, monkeypatch):
    """Personal data needs Action.REGISTRANTS, which the roles issue will narrow."""
    token = csrf_token_from(logged_in.get("/gestione/"))
    actions = {}

    def door(event_id, action=access.Action.VIEW):
        actions[current] = action
        abort(418)

    monkeypatch.setattr(access, "event_for", door)
    for endpoint, method, rule in event_scoped_routes(app):
        if not endpoint.startswith("manage_registrations."):
            continue
        current = f"{method} {rule.rule}"
        request_route(logged_in, method, url_for_event(app, rule, course.id), token)
    assert actions and set(actions.values()) == {access.Action.REGISTRANTS}
