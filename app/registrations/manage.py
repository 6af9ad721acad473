"""The organizer area for an event's registrations: list, actions, exports, check-in, questions,
and messages to registrants. Every route reaches its event through the one door,
`events.access.event_for`."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.comuni import by_code, piedmont_labels
from app.events import access
from app.events.models import Event
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.i18n import ngettext
from app.outbox import services as outbox
from app.redirects import safe_next_path
from app.registrations import export, notifications, services
from app.registrations.forms import BroadcastForm, QuestionForm, participant_form_class
from app.registrations.labels import ENTE_LABELS, REGISTRATION_STATUS_LABELS
from app.registrations.models import Actor, Question, Registration, RegistrationStatus, Source
from app.registrations.notifications import SUBJECTS
from app.registrations.queries import promoted_if_cancelled
from app.responses import download

bp = Blueprint("manage_registrations", __name__)


@bp.before_request
@login_required
def require_login():
    """Participants' personal data: organizers only."""


def _event(event_id: int) -> Event:
    """Through the door: registrants' data is what the organizer asks to see or change."""
    return access.event_for(event_id, access.Action.REGISTRANTS)


def registration_in(event: Event, registration_id: int) -> Registration:
    """A registration of this event, or 404: an id from another event is not found here. The
    organizer pages of the domains above (attendance, certificates) find people through it."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def _list_args() -> dict:
    status = request.args.get("stato") or None
    sort = request.args.get("ordine") or "data"
    return {
        "status": status if status in {s.value for s in RegistrationStatus} else None,
        "q": (request.args.get("q") or "").strip()[:200] or None,
        "sort": sort if sort in services.SORTS else "data",
    }


def _return_path(event_id: int, candidate: str | None) -> str:
    """Back where the action was taken (list, detail, check-in), if that is a page of this event."""
    target = safe_next_path(candidate)
    if target.startswith(f"/gestione/eventi/{event_id}/"):
        return target
    return url_for("manage_registrations.registrant_list", event_id=event_id)


def _back_to_list(event_id: int):
    return redirect(_return_path(event_id, request.form.get("next")), code=303)


@bp.get("/eventi/<int:event_id>/iscritti")
def registrant_list(event_id: int):
    event = _event(event_id)
    args = _list_args()
    pagination = db.paginate(services.registrations_query(event.id, **args), per_page=100, error_out=False)
    return render_template(
        "manage/registrations.html",
        event=event,
        pagination=pagination,
        args=args,
        counts=services.status_counts(event.id),
        questions=services.questions_for(event.id),
        over_time=services.registrations_over_time(event.id),
    )


@bp.get("/eventi/<int:event_id>/iscritti/<int:registration_id>")
def registrant_detail(event_id: int, registration_id: int):
    event = _event(event_id)
    registration = registration_in(event, registration_id)
    return render_template(
        "manage/registration_detail.html",
        event=event,
        registration=registration,
        questions=services.questions_for(event_id),
        waitlist_position=services.waitlist_position(registration),
        ente_kind=ENTE_LABELS.get(registration.ente_tipo),
        comune=by_code(registration.comune_istat),
    )


@bp.get("/eventi/<int:event_id>/iscritti/<int:registration_id>/<any(respingi, annulla):action>")
def registrant_action_confirm(event_id: int, registration_id: int, action: str):
    """Before taking a seat or a request away from someone: who, which email goes out, and who
    gets the seat from the waiting list. A plain page with a form, so it needs no JavaScript."""
    event = _event(event_id)
    registration = registration_in(event, registration_id)
    cancelling = action == "annulla"
    if cancelling:
        possible = registration.is_active
    else:
        possible = registration.status in (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED)
    title = {"title": event.title}
    return render_template(
        "manage/registration_confirm.html",
        event=event,
        registration=registration,
        action=action,
        possible=possible,
        subject=str(SUBJECTS["cancelled" if cancelling else "rejected"]) % title,
        # Only someone who held a seat has an invitation in their calendar to withdraw.
        withdraws_invitation=cancelling and registration.confirmed_at is not None and not event.is_cancelled,
        promoted=promoted_if_cancelled(registration) if cancelling and possible else [],
        promoted_subject=str(SUBJECTS["promoted"]) % title,
        back=_return_path(event_id, request.args.get("next")),
    )


@bp.post("/eventi/<int:event_id>/iscritti/<int:registration_id>/<any(approva, respingi, conferma, annulla):action>")
def registrant_action(event_id: int, registration_id: int, action: str):
    event = _event(event_id)
    registration = registration_in(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = registration.full_name
    try:
        if action == "approva":
            services.approve(registration, user_id=current_user.id)
            if registration.status == RegistrationStatus.CONFIRMED:
                flash(_("%(name)s: iscrizione approvata e confermata.", name=name), "success")
            else:
                flash(_("%(name)s: approvata, ma i posti sono esauriti: è in lista d'attesa.", name=name), "warning")
        elif action == "respingi":
            services.reject(registration, user_id=current_user.id)
            flash(_("%(name)s: richiesta respinta.", name=name), "success")
        elif action == "conferma":
            grew = services.promote(registration, user_id=current_user.id)
            message = _("%(name)s: iscrizione confermata.", name=name)
            if grew:
                message += " " + _("La capienza è salita a %(n)s posti.", n=event.capacity)
            flash(message, "success")
        else:
            promoted = services.cancel(registration, by=Actor.ORGANIZER, user_id=current_user.id)
            message = _("%(name)s: iscrizione annullata.", name=name)
            if promoted:
                message += " " + _(
                    "Posto assegnato dalla lista d'attesa a: %(names)s.", names=", ".join(p.full_name for p in promoted)
                )
            flash(message, "success")
    except services.RegistrationError as error:
        flash(str(error), "danger")
    return _back_to_list(event_id)


@bp.route("/eventi/<int:event_id>/iscritti/nuovo", methods=["GET", "POST"])
def registrant_add(event_id: int):
    event = _event(event_id)
    form = participant_form_class(services.questions_for(event.id), with_consent=False)()
    if form.validate_on_submit():
        consent = services.Consent(
            "organizer", _("Iscrizione inserita dall'organizzatore %(email)s.", email=current_user.email)
        )
        try:
            outcome = services.register(
                event.id, form.to_input(), consent, source=Source.ORGANIZER, user_id=current_user.id
            )
        except services.RegistrationError as error:
            flash(str(error), "danger")
        else:
            registration = outcome.registration
            if outcome.created:
                flash(
                    _(
                        "%(name)s aggiunto: %(status)s.",
                        name=registration.full_name,
                        status=_status_label(registration.status),
                    ),
                    "success",
                )
            else:
                flash(_("Questa persona è già iscritta: nessuna nuova iscrizione creata."), "info")
            return redirect(
                url_for("manage_registrations.registrant_detail", event_id=event.id, registration_id=registration.id),
                code=303,
            )
    return render_template(
        "manage/registration_form.html", event=event, form=form, registration=None, comuni=piedmont_labels()
    ), (422 if request.method == "POST" else 200)


@bp.route("/eventi/<int:event_id>/iscritti/<int:registration_id>/modifica", methods=["GET", "POST"])
def registrant_edit(event_id: int, registration_id: int):
    event = _event(event_id)
    registration = registration_in(event, registration_id)
    form = participant_form_class(services.questions_for(event_id), with_consent=False)()
    if request.method == "GET":
        form.fill_from(registration)
    if form.validate_on_submit():
        try:
            services.update_participant(registration, form.to_input(), by=Actor.ORGANIZER)
        except services.RegistrationError as error:
            flash(str(error), "danger")
        else:
            flash(_("Dati aggiornati."), "success")
            return redirect(
                url_for("manage_registrations.registrant_detail", event_id=event_id, registration_id=registration.id),
                code=303,
            )
    return render_template(
        "manage/registration_form.html",
        event=event,
        form=form,
        registration=registration,
        comuni=piedmont_labels(),
    ), (422 if request.method == "POST" else 200)


def _status_label(status: str) -> str:
    return str(REGISTRATION_STATUS_LABELS[status]).lower()


# -- exports ------------------------------------------------------------------------------


def _export_data(event: Event):
    query = services.registrations_query(event.id, **_list_args())
    return list(db.session.scalars(query)), services.questions_for(event.id)




@bp.get("/eventi/<int:event_id>/iscritti.csv")
def export_csv(event_id: int):
    event = _event(event_id)
    registrations, questions = _export_data(event)
    return download(export.to_csv(registrations, questions), "text/csv", f"iscritti-{event.slug}.csv")


@bp.get("/eventi/<int:event_id>/iscritti.xlsx")
def export_xlsx(event_id: int):
    event = _event(event_id)
    registrations, questions = _export_data(event)
    return download(
        export.to_xlsx(registrations, questions, event.title),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"iscritti-{event.slug}.xlsx",
    )


# -- check-in -----------------------------------------------------------------------------


@bp.get("/eventi/<int:event_id>/accoglienza")
def check_in(event_id: int):
    """The registration desk is now the attendance page of the courses domain (per lesson, or
    for the event itself); bookmarks of the old address still lead there."""
    event = _event(event_id)
    return redirect(f"{request.script_root}/gestione/eventi/{event.id}/presenze", code=301)


# -- questions ----------------------------------------------------------------------------


@bp.route("/eventi/<int:event_id>/domande", methods=["GET", "POST"])
def questions(event_id: int):
    event = _event(event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(event, form.to_input())
        except services.RegistrationError as error:
            flash(str(error), "danger")
        else:
            flash(_("Domanda aggiunta al modulo di iscrizione."), "success")
            return redirect(url_for("manage_registrations.questions", event_id=event.id), code=303)
    return render_template(
        "manage/questions.html", event=event, form=form, questions=services.questions_for(event.id)
    ), (422 if request.method == "POST" else 200)


@bp.post("/eventi/<int:event_id>/domande/presenza-online")
def question_attendance(event_id: int):
    event = _event(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.add_question(event, services.attendance_question())
    flash(_("Domanda aggiunta al modulo di iscrizione."), "success")
    return redirect(url_for("manage_registrations.questions", event_id=event.id), code=303)


def _question(event: Event, question_id: int) -> Question:
    """A question of this event's form, or 404."""
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


@bp.route("/eventi/<int:event_id>/domande/<int:question_id>", methods=["GET", "POST"])
def question_edit(event_id: int, question_id: int):
    event = _event(event_id)
    question = _question(event, question_id)
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        try:
            services.update_question(question, form.to_input())
        except services.RegistrationError as error:
            flash(str(error), "danger")
        else:
            flash(_("Domanda aggiornata."), "success")
            return redirect(url_for("manage_registrations.questions", event_id=event_id), code=303)
    return render_template("manage/question_form.html", event=event, form=form, question=question), (
        422 if request.method == "POST" else 200
    )


@bp.post("/eventi/<int:event_id>/domande/<int:question_id>/elimina")
def question_delete(event_id: int, question_id: int):
    event = _event(event_id)
    question = _question(event, question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_question(question)
    except services.RegistrationError as error:
        flash(str(error), "danger")
    else:
        flash(_("Domanda eliminata."), "success")
    return redirect(url_for("manage_registrations.questions", event_id=event_id), code=303)


# -- messages to registrants ----------------------------------------------------------------


def _audiences() -> list[SelectChoice]:
    return [SelectChoice("all", _("Tutti gli iscritti attivi (confermati, in lista d'attesa, da approvare)"))] + [
        SelectChoice(status, str(REGISTRATION_STATUS_LABELS[status])) for status in notifications.AUDIENCES[1:]
    ]


@bp.route("/eventi/<int:event_id>/messaggi", methods=["GET", "POST"])
def event_messages(event_id: int):
    """Write, preview, then send: "Anteprima" shows the email exactly as one recipient will get
    it and how many will get it; only the "Invia" of that preview, which carries the previewed
    text, queues the messages."""
    event = _event(event_id)
    form = BroadcastForm()
    form.audience.choices = _audiences()
    preview = None
    if form.validate_on_submit():
        subject, body, audience = form.subject.data, form.body.data, form.audience.data
        preview = notifications.preview_broadcast(event, subject, body, audience, current_user.email)
        if not preview.recipients:
            form.audience.errors.append(_("Nessun iscritto corrisponde a questa scelta: il messaggio non partirebbe."))
            preview = None
        elif request.form.get("invia"):
            if request.form.get("destinatari") == str(preview.recipients):
                broadcast = notifications.send_broadcast(
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
                return redirect(url_for("manage_registrations.event_messages", event_id=event.id), code=303)
            flash(
                _("Nel frattempo il numero di destinatari è cambiato: controlli l'anteprima e confermi di nuovo."),
                "warning",
            )
    broadcasts = notifications.broadcasts_for(event)
    progress = {b.id: outbox.status_counts(broadcast_id=b.id) for b in broadcasts}
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
        counts=outbox.status_counts(event_id=event.id),
    ), status
