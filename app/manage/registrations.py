"""The organizer area for an event's registrations: list, actions, exports, check-in, questions."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.comuni import comuni_names
from app.events.models import Event
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.redirects import safe_next_path
from app.registrations import export, services
from app.registrations.forms import QuestionForm, participant_form_class
from app.registrations.labels import REGISTRATION_STATUS_LABELS
from app.registrations.models import Actor, Question, Registration, RegistrationStatus, Source
from app.registrations.notifications import SUBJECTS
from app.registrations.queries import promoted_if_cancelled

bp = Blueprint("manage_registrations", __name__)


@bp.before_request
@login_required
def require_login():
    """Participants' personal data: organizers only."""


def _event(event_id: int) -> Event:
    return db.get_or_404(Event, event_id)


def _registration(event_id: int, registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if registration.event_id != event_id:
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
    registration = _registration(event_id, registration_id)
    return render_template(
        "manage/registration_detail.html",
        event=registration.event,
        registration=registration,
        questions=services.questions_for(event_id),
        waitlist_position=services.waitlist_position(registration),
    )


@bp.get("/eventi/<int:event_id>/iscritti/<int:registration_id>/<any(respingi, annulla):action>")
def registrant_action_confirm(event_id: int, registration_id: int, action: str):
    """Before taking a seat or a request away from someone: who, which email goes out, and who
    gets the seat from the waiting list. A plain page with a form, so it needs no JavaScript."""
    registration = _registration(event_id, registration_id)
    event = registration.event
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
    registration = _registration(event_id, registration_id)
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
                message += " " + _("La capienza è salita a %(n)s posti.", n=registration.event.capacity)
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


@bp.post("/eventi/<int:event_id>/iscritti/<int:registration_id>/presenza")
def registrant_check_in(event_id: int, registration_id: int):
    """Tick or untick a participant at the door; answers JSON to the check-in page's script."""
    registration = _registration(event_id, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    present = request.form.get("presente") == "1"
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        services.set_checked_in(registration, present, user_id=current_user.id)
    except services.RegistrationError as error:
        if wants_json:
            return jsonify({"error": str(error)}), 409
        flash(str(error), "danger")
        return _back_to_list(event_id)
    if wants_json:
        return jsonify({"id": registration.id, "present": registration.checked_in_at is not None})
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
        "manage/registration_form.html", event=event, form=form, registration=None, comuni=comuni_names()
    ), (422 if request.method == "POST" else 200)


@bp.route("/eventi/<int:event_id>/iscritti/<int:registration_id>/modifica", methods=["GET", "POST"])
def registrant_edit(event_id: int, registration_id: int):
    registration = _registration(event_id, registration_id)
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
        event=registration.event,
        form=form,
        registration=registration,
        comuni=comuni_names(),
    ), (422 if request.method == "POST" else 200)


def _status_label(status: str) -> str:
    return str(REGISTRATION_STATUS_LABELS[status]).lower()


# -- exports ------------------------------------------------------------------------------


def _export_data(event: Event):
    query = services.registrations_query(event.id, **_list_args())
    return list(db.session.scalars(query)), services.questions_for(event.id)


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/eventi/<int:event_id>/iscritti.csv")
def export_csv(event_id: int):
    event = _event(event_id)
    registrations, questions = _export_data(event)
    return _download(export.to_csv(registrations, questions), "text/csv", f"iscritti-{event.slug}.csv")


@bp.get("/eventi/<int:event_id>/iscritti.xlsx")
def export_xlsx(event_id: int):
    event = _event(event_id)
    registrations, questions = _export_data(event)
    return _download(
        export.to_xlsx(registrations, questions, event.title),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"iscritti-{event.slug}.xlsx",
    )


# -- check-in -----------------------------------------------------------------------------


@bp.get("/eventi/<int:event_id>/accoglienza")
def check_in(event_id: int):
    """The page for the registration desk: everyone confirmed, a search box, one tap each."""
    event = _event(event_id)
    people = list(
        db.session.scalars(services.registrations_query(event.id, status=RegistrationStatus.CONFIRMED, sort="cognome"))
    )
    names = Counter(_name_key(p) for p in people)
    return render_template(
        "manage/check_in.html",
        event=event,
        people=people,
        present=sum(1 for p in people if p.checked_in_at),
        # Two people with the same name look alike at the desk: they also show their address.
        homonyms={p.id for p in people if names[_name_key(p)] > 1},
    )


def _name_key(registration: Registration) -> str:
    return " ".join(f"{registration.first_name} {registration.last_name}".casefold().split())


# -- questions ----------------------------------------------------------------------------


@bp.route("/eventi/<int:event_id>/domande", methods=["GET", "POST"])
def questions(event_id: int):
    event = _event(event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(event, form.to_input())
        except services.RegistrationError as error:
            db.session.rollback()
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


def _question(event_id: int, question_id: int) -> Question:
    question = db.get_or_404(Question, question_id)
    if question.event_id != event_id:
        abort(404)
    return question


@bp.route("/eventi/<int:event_id>/domande/<int:question_id>", methods=["GET", "POST"])
def question_edit(event_id: int, question_id: int):
    question = _question(event_id, question_id)
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        try:
            services.update_question(question, form.to_input())
        except services.RegistrationError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(_("Domanda aggiornata."), "success")
            return redirect(url_for("manage_registrations.questions", event_id=event_id), code=303)
    return render_template("manage/question_form.html", event=_event(event_id), form=form, question=question), (
        422 if request.method == "POST" else 200
    )


@bp.post("/eventi/<int:event_id>/domande/<int:question_id>/elimina")
def question_delete(event_id: int, question_id: int):
    question = _question(event_id, question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_question(question)
    except services.RegistrationError as error:
        flash(str(error), "danger")
    else:
        flash(_("Domanda eliminata."), "success")
    return redirect(url_for("manage_registrations.questions", event_id=event_id), code=303)
