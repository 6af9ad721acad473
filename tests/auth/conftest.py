"""The tests here play several browsers against one app context (the test's): each request
must find its own user and CSRF token from its own cookies, not those the previous request
left in `g`."""

from __future__ import annotations

import pytest
from flask import g, request_started


def _forget_previous_user(sender, **extra):
    g.pop("_login_user", None)
    g.pop("csrf_token", None)  # Flask-WTF keeps the token of the session it last saw


@pytest.fixture(autouse=True)
def each_request_loads_its_own_user(app):
    request_started.connect(_forget_previous_user, app)
    yield
    request_started.disconnect(_forget_previous_user, app)
