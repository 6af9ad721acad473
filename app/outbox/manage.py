"""The organizer area's outbox page: every email with its status, and failures to retry."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.i18n import ngettext
from app.outbox import services
from app.outbox.models import OutboxMessage

bp = Blueprint("manage_mail", __name__)


@bp.before_request
@login_required
def require_login():
    """The outbox holds every event's recipients: administrators only (an organizer limited to
    some events must not read the others' addresses; each event's messages have their own tab)."""
    if not getattr(current_user, "is_admin", False):
        abort(403)


@bp.get("/posta")
def outbox():
    status = request.args.get("stato")
    pagination = db.paginate(services.messages_query(status), per_page=50, error_out=False)
    return render_template("manage/outbox.html", pagination=pagination, counts=services.status_counts(), status=status)


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
    flash(
        ngettext("%(num)d messaggio rimesso in coda.", "%(num)d messaggi rimessi in coda.", services.retry()), "success"
    )
    return redirect(url_for("manage_mail.outbox"), code=303)
