"""Error pages: Italian HTML for people, JSON under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
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
}


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

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return _render(500, MESSAGES[500])
