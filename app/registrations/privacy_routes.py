"""A participant's privacy requests: their data as JSON, and its erasure confirmed from their mailbox."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for

from app.extensions import limiter
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.registrations import privacy, services
from app.responses import private

bp = Blueprint("privacy", __name__)


def _rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]




def _json_download(data: dict, filename: str):
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private(response)


def _registration_or_404(token: str):
    registration = services.get_by_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.get("/iscrizioni/<token>/dati.json")
def export_one(token: str):
    registration = _registration_or_404(token)
    return _json_download(privacy.export_data([registration]), f"iscrizione-{registration.id}.json")


@bp.post("/iscrizioni/<token>/dati/invia-link")
@limiter.limit(_rate_limit)
def send_export_link(token: str):
    """Every registration of an address is shown only to whoever reads that mailbox."""
    registration = _registration_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    privacy.queue_request_link(privacy.EXPORT, registration)
    flash(_("Il link ai dati di tutte le iscrizioni è stato inviato a %(email)s.", email=registration.email), "success")
    return redirect(url_for("registrations.registration", token=token, _anchor="dati-personali"), code=303)


@bp.get("/dati-personali/<token>")
def export_all(token: str):
    found = privacy.request_from_token(privacy.EXPORT, token)
    if found is None:
        abort(404)
    if found.done:
        return private(make_response(render_template("privacy/erased.html", already=True)))
    registrations = privacy.registrations_of(found.registration.email)
    return _json_download(privacy.export_data(registrations), "dati-personali.json")


@bp.post("/iscrizioni/<token>/cancellazione")
@limiter.limit(_rate_limit)
def ask_erasure(token: str):
    registration = _registration_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    privacy.queue_request_link(privacy.ERASE, registration)
    flash(
        _(
            "Per confermare la cancellazione occorre aprire il link appena inviato a %(email)s. Fino ad allora nulla viene cancellato.",
            email=registration.email,
        ),
        "info",
    )
    return redirect(url_for("registrations.registration", token=token, _anchor="dati-personali"), code=303)


@bp.route("/cancellazione-dati/<token>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def erase_confirm(token: str):
    """Opened from the message: a GET only shows what will go (mail scanners open links)."""
    found = privacy.request_from_token(privacy.ERASE, token)
    if found is None:
        abort(404)
    if found.done:
        return private(make_response(render_template("privacy/erased.html", already=True)))
    registration = found.registration
    others = [r for r in privacy.registrations_of(registration.email) if r.id != registration.id]
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        chosen = [registration, *others] if request.form.get("scope") == "all" else [registration]
        privacy.erase_registrations(chosen)
        return private(make_response(render_template("privacy/erased.html", already=False)))
    page = render_template("privacy/erase_confirm.html", registration=registration, event=registration.event, others=others)
    return private(make_response(page))
