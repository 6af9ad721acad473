"""Whose address the rate limits count: the connection's, unless TRUSTED_PROXIES says a proxy
stands in front (tests/deploy/test_nginx.py runs the one of deploy/)."""

from __future__ import annotations

from tests import factories


def failed_login(client, forwarded_for: str) -> int:
    page = client.get("/accedi")
    form = {"csrf_token": factories.csrf_token_from(page), "email": "nessuno@example.org", "password": "sbagliata"}
    return client.post("/accedi", data=form, headers={"X-Forwarded-For": forwarded_for}).status_code


def test_without_a_trusted_proxy_a_forwarded_for_header_changes_nothing(app, client, monkeypatch):
    assert app.config["TRUSTED_PROXIES"] == 0
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    assert [failed_login(client, f"10.0.0.{n}") for n in range(3)] == [422, 422, 429]
