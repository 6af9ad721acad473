"""Error pages: Italian HTML for people, JSON under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.i18n import lazy_gettext

MESSAGES = {
    400: lazy_gettext("La richiesta non è valida."),
    403: lazy_gettext("L'accesso a questa pagina non è consentito."),
    404: lazy_gettext("La pagina richiesta non esiste o non è più disponibile."),
    405: lazy_gettext("Operazione non consentita su questa pagina."),
    413: lazy_gettext("Il file o i dati inviati sono troppo grandi."),
    429: lazy_gettext("Troppe richieste in poco tempo: si prega di riprovare tra qualche minuto."),
    500: lazy_gettext("Si è verificato un errore imprevisto. Si prega di riprovare più tardi."),
    503: lazy_gettext("Il servizio è momentaneamente non disponibile. Si prega di riprovare tra qualche secondo."),
}

#: Seconds a client is asked to wait when the database is out of reach (a restart takes a few).
RETRY_AFTER_SECONDS = 5


def forget_failed_transaction() -> None:
    """Roll the session back after the database went away; the rollback itself may fail on a
    connection already gone, which is fine: the pool replaces it."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def unavailable(rv):
    """A 503 answer (page or response) with Retry-After, never stored by a cache."""
    response = make_response(rv)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def keep_unavailable_retry_after(response):
    """Flask-Limiter sets Retry-After on every answer of a limited route to the end of its
    window (up to a minute): a 503 keeps the few seconds a database restart takes."""
    if response.status_code == 503 and "Retry-After" in response.headers:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable():
    """503 with Retry-After: JSON under /api/, else a page that keeps what a form sent."""
    if _wants_json():
        return unavailable(jsonify({"error": {"status": 503, "message": str(MESSAGES[503])}}))
    resend = _resend_form()
    try:
        page = render_template("errors/error.html", code=503, message=MESSAGES[503], resend=resend)
    except SQLAlchemyError:
        # The site's frame asked the database something (the signed-in organizer): a bare page.
        forget_failed_transaction()
        page = render_template("errors/unavailable.html", message=MESSAGES[503], resend=resend)
    return unavailable(page)


def _resend_form() -> list[tuple[str, str]] | None:
    """What a form sent, to send again from the 503 page: nothing typed is lost even when the
    page behind the form cannot be rebuilt without the database."""
    if request.method != "POST" or not request.form:
        return None
    return list(request.form.items(multi=True))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(code: int, message: str):
    if _wants_json():
        return jsonify({"error": {"status": code, "message": str(message)}}), code
    return render_template("errors/error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(
            400, lazy_gettext("Il modulo è scaduto o non è valido: occorre ricaricare la pagina e inviarlo di nuovo.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        return _render(code, MESSAGES.get(code, error.description))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_error(error):
        """The database cannot be reached or dropped the connection (also a deadlock, or SQLite
        busy beyond its timeout): nothing the request did wrong, so not a 500. The view was
        already run twice when that was safe (app/transaction.py)."""
        app.logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error.orig)
        forget_failed_transaction()
        return database_unavailable()

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return _render(500, MESSAGES[500])
