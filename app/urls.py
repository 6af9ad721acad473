"""Absolute links, for what leaves the site: API documents, calendar entries, emails."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """The public address of an endpoint, built on BASE_URL (the proxy in front may rewrite Host).
    Needs only the application context: messages are written by the worker and by commands too."""
    base = current_app.config["BASE_URL"]
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme)
    return base + adapter.build(endpoint, values)


def host_of(base_url: str) -> str:
    """The host name of a base URL, for UIDs and Message-IDs."""
    return urlsplit(base_url).hostname or "localhost"
