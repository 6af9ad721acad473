"""Every route of the organizer area refuses anonymous visitors."""

import re

import pytest

from app.auth.models import Role
from app.auth.services import create_user
from tests.factories import csrf_token_from


def _sample_url(rule) -> str:
    url = rule.rule
    for converter_arg in re.findall(r"<([^>]+)>", url):
        if converter_arg.startswith("any("):
            value = converter_arg[4:].split(")")[0].split(",")[0].strip()
        elif converter_arg.startswith("int:"):
            value = "1"
        else:
            value = "x"
        url = url.replace(f"<{converter_arg}>", value, 1)
    return url


def test_every_gestione_route_redirects_anonymous_visitors_to_login(app, client):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/gestione")]
    assert len(rules) > 15, "the URL map walk found too few routes to be meaningful"
    # A valid CSRF token, so a POST is refused for being anonymous, not for the token.
    token = csrf_token_from(client.get("/accedi"))
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(_sample_url(rule), method=method, data=data)
            assert response.status_code == 302, (rule.rule, method, response.status_code)
            assert "/accedi" in response.headers["Location"], rule.rule


def test_organizer_cannot_manage_event_types(client):
    create_user("org@anci.example", "password-lunga-1", role=Role.ORGANIZER)
    page = client.get("/accedi")
    client.post(
        "/accedi",
        data={"email": "org@anci.example", "password": "password-lunga-1", "csrf_token": csrf_token_from(page)},
    )
    assert client.get("/gestione/").status_code == 200
    assert client.get("/gestione/tipi/").status_code == 403


@pytest.mark.parametrize("path", ["/gestione/", "/gestione/serie/", "/gestione/luoghi/nuovo", "/gestione/eventi/nuovo"])
def test_logged_in_organizer_reaches_the_area(logged_in, path):
    assert logged_in.get(path).status_code == 200
