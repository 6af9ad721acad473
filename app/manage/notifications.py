"""The organizer area's email pages: the outbox with failures to retry, and messages to registrants."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import case, func, select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.events.models import Event
from app.extensions import db
from app.forms import BaseForm, ConfirmForm
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.i18n import ngettext
from app.outbox import services as outbox_services
from app.outbox.models import OutboxMessage, OutboxStatus
from app.registrations import notifications as services
from app.registrations.labels import REGISTRATION_STATUS_LABELS
from app.registrations.models import Broadcast

bp = Blueprint("manage_mail", __name__)


@bp.before_request
@login_required
def require_login():
    """Recipients' addresses are personal data: organizers only."""


class BroadcastForm(BaseForm):
    audience = SelectField(_l("A chi"))
    subject = StringField(_l("Oggetto"), validators=[DataRequired(_l("Campo obbligatorio.")), Length(max=200)])
    body = TextAreaField(
        _l("Messaggio"),
        validators=[DataRequired(_l("Campo obbligatorio.")), Length(max=10000)],
        description=_l(
            "Testo semplice, inviato così come è scritto: cominci con il saluto che preferisce (per esempio "
            "«Gentili partecipanti,»). I link diventano cliccabili; ogni messaggio aggiunge i dati dell'evento "
            "e il link personale di ciascuno. Prima dell'invio viene mostrata l'anteprima."
        ),
    )


def _audiences():
    return [SelectChoice("all", _("Tutti gli iscritti attivi (confermati, in lista d'attesa, da approvare)"))] + [
        SelectChoice(status, str(REGISTRATION_STATUS_LABELS[status])) for status in services.AUDIENCES[1:]
    ]


def _counts(*conditions) -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).where(*conditions).group_by(OutboxMessage.status)
    )
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update(dict(rows.all()))
    return counts


@bp.get("/posta")
def outbox():
    status = request.args.get("stato")
    query = select(OutboxMessage)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    # Failures first: they are what an organizer must act on.
    query = query.order_by(case((OutboxMessage.status == OutboxStatus.FAILED, 0), else_=1), OutboxMessage.id.desc())
    pagination = db.paginate(query, per_page=50, error_out=False)
    return render_template("manage/outbox.html", pagination=pagination, counts=_counts(), status=status)


@bp.post("/posta/<int:message_id>/riprova")
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    outbox_services.retry(message.id)
    flash(_("Messaggio rimesso in coda: partirà al prossimo giro del worker."), "success")
    return redirect(url_for("manage_mail.outbox", stato=request.form.get("stato") or None), code=303)


@bp.post("/posta/riprova-tutti")
def retry_all():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    flash(
        ngettext("%(num)d messaggio rimesso in coda.", "%(num)d messaggi rimessi in coda.", outbox_services.retry()), "success"
    )
    return redirect(url_for("manage_mail.outbox"), code=303)


@bp.route("/eventi/<int:event_id>/messaggi", methods=["GET", "POST"])
def event_messages(event_id: int):
    """Write, preview, then send: "Anteprima" shows the email exactly as one recipient will get
    it and how many will get it; only the "Invia" of that preview, which carries the previewed
    text, queues the messages."""
    event = db.get_or_404(Event, event_id)
    form = BroadcastForm()
    form.audience.choices = _audiences()
    preview = None
    if form.validate_on_submit():
        subject, body, audience = form.subject.data, form.body.data, form.audience.data
        preview = services.preview_broadcast(event, subject, body, audience, current_user.email)
        if not preview.recipients:
            form.audience.errors.append(_("Nessun iscritto corrisponde a questa scelta: il messaggio non partirebbe."))
            preview = None
        elif request.form.get("invia"):
            if request.form.get("destinatari") == str(preview.recipients):
                broadcast = services.send_broadcast(
                    event, subject, body, audience, user_id=current_user.id, organizer_email=current_user.email
                )
                count = len(broadcast.messages)
                flash(
                    ngettext(
                        "Messaggio messo in coda per %(num)d persona.",
                        "Messaggio messo in coda per %(num)d persone.",
                        count,
                    ),
                    "success",
                )
                return redirect(url_for("manage_mail.event_messages", event_id=event.id), code=303)
            flash(
                _("Nel frattempo il numero di destinatari è cambiato: controlli l'anteprima e confermi di nuovo."),
                "warning",
            )
    broadcasts = db.session.scalars(
        select(Broadcast).where(Broadcast.event_id == event.id).order_by(Broadcast.id.desc())
    ).all()
    progress = {b.id: _counts(OutboxMessage.broadcast_id == b.id) for b in broadcasts}
    status = 200 if request.method == "GET" or preview is not None else 422
    return render_template(
        "manage/event_messages.html",
        event=event,
        form=form,
        preview=preview,
        audience_label=dict((str(c.value), c.label) for c in form.audience.choices).get(form.audience.data),
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        broadcasts=broadcasts,
        progress=progress,
        counts=_counts(OutboxMessage.event_id == event.id),
    ), status
