"""Responses that carry personal data: never stored by a cache, indexed, or sent on as
referrer; and answers to conditional requests."""

from __future__ import annotations

from flask import Response, make_response, request

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


def conditional(response: Response) -> Response:
    """`make_conditional` (a 304 for a matching ETag or date, ranges), without the Date header
    werkzeug adds when there is none: the server writes the Date of each answer itself
    (gunicorn always does), and a second one, or one kept with a stored answer, would say
    another moment."""
    response = response.make_conditional(request)
    del response.headers["Date"]
    return response
