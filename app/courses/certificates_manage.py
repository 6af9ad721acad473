"""The organizer's certificates page of a course: everyone confirmed with their standing and
certificate, issuing (all or one), revoking with a reason, the ZIP of all PDFs, and sending each
by email. Every route reaches its event through the one door, `events.access.event_for`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.courses import certificates, notifications
from app.courses import services as courses
from app.courses.labels import STANDING_LABELS
from app.courses.models import Certificate
from app.events import access
from app.events.models import Event
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.i18n import ngettext
from app.registrations.manage import registration_in
from app.responses import download, private
from app.text import slugify

bp = Blueprint("manage_certificates", __name__)


@bp.before_request
@login_required
def require_login():
    """Certificates name people: organizers only."""


def _event(event_id: int) -> Event:
    """Through the door: certificates are registrants' data."""
    return access.event_for(event_id, access.Action.REGISTRANTS)


def _certificate(event: Event, certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.event_id != event.id:
        abort(404)
    return certificate




def _back(event: Event):
    return redirect(url_for(".certificate_list", event_id=event.id), code=303)




@bp.get("/eventi/<int:event_id>/attestati")
def certificate_list(event_id: int):
    event = _event(event_id)
    return private(
        render_template(
            "courses/certificates_manage.html",
            event=event,
            rule=courses.rule_for(event),
            people=courses.progress(event),
            issued=courses.certificates_of(event),
            refusal=courses.issuing_refusal(event),
            sendable=len(notifications.sendable(event)),
            STANDING_LABELS=STANDING_LABELS,
            Standing=courses.Standing,
            hours=courses.hours,
            form=ConfirmForm(),
        )
    )


@bp.post("/eventi/<int:event_id>/attestati/rilascia")
def certificates_issue_all(event_id: int):
    event = _event(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = courses.issuing_refusal(event)
    if refusal:
        flash(refusal, "warning")
        return _back(event)
    try:
        issued = courses.issue_all(event, user_id=current_user.id)
    except courses.CourseError as error:
        flash(str(error), "warning")
        return _back(event)
    if issued:
        flash(ngettext("%(num)s attestato rilasciato.", "%(num)s attestati rilasciati.", len(issued)), "success")
    else:
        flash(_("Nessuno ha raggiunto la frequenza richiesta: nessun attestato da rilasciare."), "info")
    return _back(event)


@bp.post("/eventi/<int:event_id>/attestati/iscrizioni/<int:registration_id>/rilascia")
def certificate_issue(event_id: int, registration_id: int):
    event = _event(event_id)
    registration = registration_in(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        certificate = courses.issue(event, registration, user_id=current_user.id)
    except courses.CourseError as error:
        flash(str(error), "warning")
        return _back(event)
    flash(_("Attestato %(code)s rilasciato a %(name)s.", code=certificate.code, name=registration.full_name), "success")
    return _back(event)


@bp.post("/eventi/<int:event_id>/attestati/<int:certificate_id>/revoca")
def certificate_revoke(event_id: int, certificate_id: int):
    event = _event(event_id)
    certificate = _certificate(event, certificate_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        courses.revoke(certificate, request.form.get("motivo", ""), user_id=current_user.id)
    except courses.CourseError as error:
        flash(str(error), "warning")
        return _back(event)
    flash(_("Attestato %(code)s revocato.", code=certificate.code), "success")
    return _back(event)


@bp.get("/eventi/<int:event_id>/attestati/<int:certificate_id>.pdf")
def certificate_pdf(event_id: int, certificate_id: int):
    event = _event(event_id)
    certificate = _certificate(event, certificate_id)
    return download(certificates.render_pdf(certificate), "application/pdf", certificates.filename(certificate))


@bp.get("/eventi/<int:event_id>/attestati.zip")
def certificates_zip(event_id: int):
    """Every valid certificate of the course, one PDF each: revoked ones stay out."""
    event = _event(event_id)
    issued = courses.issued_certificates(event)
    if not issued:
        flash(_("Non ci sono ancora attestati rilasciati da scaricare."), "info")
        return _back(event)
    name = slugify(event.title, max_length=60) or "corso"
    return download(certificates.zip_of(issued), "application/zip", f"attestati-{name}.zip")


@bp.post("/eventi/<int:event_id>/attestati/invia")
def certificates_send(event_id: int):
    event = _event(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    queued = notifications.send_certificates(event)
    if queued:
        flash(
            ngettext(
                "%(num)s attestato messo in coda per l'invio per email.",
                "%(num)s attestati messi in coda per l'invio per email.",
                queued,
            ),
            "success",
        )
    else:
        flash(_("Nessun attestato da inviare: quelli rilasciati sono già stati inviati."), "info")
    return _back(event)
