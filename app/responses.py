"""Responses that carry personal data: never stored by a cache, indexed, or sent on as referrer."""

from __future__ import annotations

from flask import Response, make_response

from app.audit.services import record_download


def private(rv) -> Response:
    """A page reached by a personal link or showing people's data (a registration, a certificate)."""
    response = make_response(rv)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """A file to save (an export, a PDF, a ZIP) that holds personal data. An organizer's
    download is written to the audit log before the file leaves."""
    record_download(filename)
    response = private(Response(body, mimetype=mimetype))
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
