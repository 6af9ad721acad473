"""The organizer area's email pages: the outbox with failures to retry, and messages to registrants."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
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
from app.notifications import services
from app.notifications.models import Broadcast, OutboxMessage, OutboxStatus
from app.presentation import REGISTRATION_STATUS_LABELS

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
        description=_l("Testo semplice. Ogni messaggio aggiunge i dati dell'evento e il link personale di ciascuno."),
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
    services.retry(message.id)
    flash(_("Messaggio rimesso in coda: partirà al prossimo giro del worker."), "success")
    return redirect(url_for("manage_mail.outbox", stato=request.form.get("stato") or None), code=303)


@bp.post("/posta/riprova-tutti")
def retry_all():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    flash(_("%(n)s messaggi rimessi in coda.", n=services.retry()), "success")
    return redirect(url_for("manage_mail.outbox"), code=303)


@bp.route("/eventi/<int:event_id>/messaggi", methods=["GET", "POST"])
def event_messages(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = BroadcastForm()
    form.audience.choices = _audiences()
    if form.validate_on_submit():
        broadcast = services.send_broadcast(
            event, form.subject.data, form.body.data, form.audience.data, user_id=current_user.id
        )
        flash(_("Messaggio messo in coda per %(n)s persone.", n=len(broadcast.messages)), "success")
        return redirect(url_for("manage_mail.event_messages", event_id=event.id), code=303)
    broadcasts = db.session.scalars(
        select(Broadcast).where(Broadcast.event_id == event.id).order_by(Broadcast.id.desc())
    ).all()
    progress = {b.id: _counts(OutboxMessage.broadcast_id == b.id) for b in broadcasts}
    return render_template(
        "manage/event_messages.html",
        event=event,
        form=form,
        broadcasts=broadcasts,
        progress=progress,
        counts=_counts(OutboxMessage.event_id == event.id),
    ), (422 if request.method == "POST" else 200)
