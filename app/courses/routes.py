"""Public certificate pages: a participant's own PDF, reached by the registration's token, and
the verification by code that anyone holding the paper may ask for."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for

from app.courses import certificates
from app.courses import services as courses
from app.courses.models import Certificate
from app.extensions import limiter
from app.registrations import services as registrations
from app.registrations.models import Registration

bp = Blueprint("courses", __name__)


def _verify_rate_limit() -> str:
    return current_app.config["CERTIFICATE_VERIFY_RATE_LIMIT"]


def _private(response):
    """A certificate names a person: never cached by a proxy, indexed or sent as referrer."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def pdf_response(certificate: Certificate):
    response = make_response(certificates.render_pdf(certificate))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{certificates.filename(certificate)}"'
    return _private(response)


@bp.app_template_global()
def certificate_for(registration: Registration) -> Certificate | None:
    """The participant's page shows the download link only when there is a valid certificate."""
    certificate = courses.certificate_of(registration)
    return certificate if certificate is not None and not certificate.is_revoked else None


@bp.get("/iscrizioni/<token>/attestato.pdf")
def participant_certificate(token: str):
    registration = registrations.get_by_token(token)
    certificate = certificate_for(registration) if registration is not None else None
    if certificate is None:
        abort(404)
    return pdf_response(certificate)


@bp.get("/attestati")
@limiter.limit(_verify_rate_limit)
def verify_form():
    """A code typed from the paper: straight to its page."""
    code = "".join((request.args.get("codice") or "").split()).upper()[:16]
    if code:
        return redirect(url_for("courses.verify", code=code), code=303)
    return _private(render_template("courses/verify_form.html"))


@bp.get("/attestati/<code>")
@limiter.limit(_verify_rate_limit)
def verify(code: str):
    certificate = courses.find_certificate(code)
    if certificate is None:
        return _private((render_template("courses/verify_unknown.html", code=code[:16]), 404))
    return _private(render_template("courses/verify.html", certificate=certificate, **certificates.stated(certificate)))
