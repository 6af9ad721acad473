"""The organizer routes about an event, as the URL map lists them, and how to call each one:
for the tests that prove every such route goes through the one door."""

from __future__ import annotations

#: Any other id a route takes is looked up only after the door has let the request in.
OTHER_ID = 1


def event_scoped_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for each /gestione route with an event_id, for a given event."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/gestione") or "event_id" not in rule.arguments:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule))
    return routes


def url_for_event(app, rule, event_id: int) -> str:
    values = {}
    for name in rule.arguments:
        choices = getattr(rule._converters[name], "items", None)  # <any(a, b):name>
        values[name] = event_id if name == "event_id" else (sorted(choices)[0] if choices else OTHER_ID)
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values)


def request_route(client, method: str, url: str, token: str):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token})
