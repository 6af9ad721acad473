"""Public registration pages: the form, and each participant's own page reached by its token."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from app import comuni
from app.comuni import piedmont_labels
from app.errors import MESSAGES, database_unavailable, forget_failed_transaction, unavailable
from app.events.services import get_public_event, load_programme
from app.extensions import limiter
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.inputs import text_arg
from app.registrations import feeds, notifications, services
from app.registrations.forms import participant_form_class
from app.registrations.models import Actor, Registration, RegistrationStatus
from app.responses import private

bp = Blueprint("registrations", __name__)


def _rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]




def _registration_or_404(token: str) -> Registration:
    registration = services.get_by_token(token)
    if registration is None:
        abort(404)
    return registration


def _sent_message(registration) -> str:
    """What the person should look for in their mailbox, said on the page they land on: the
    worker writes and sends it within seconds (outbox.services.write_unwritten)."""
    if registration.status == RegistrationStatus.PENDING:
        return _(
            "Riceverà tra pochi istanti all'indirizzo %(email)s un riepilogo della richiesta; un'altra email arriverà quando sarà esaminata.",
            email=registration.email,
        )
    if registration.status == RegistrationStatus.WAITLISTED:
        return _(
            "Riceverà tra pochi istanti all'indirizzo %(email)s la conferma dell'inserimento in lista d'attesa, con il link a questa pagina.",
            email=registration.email,
        )
    return _(
        "Riceverà tra pochi istanti all'indirizzo %(email)s la conferma, con il link a questa pagina per gestire l'iscrizione.",
        email=registration.email,
    )


@bp.route("/eventi/<slug>/iscrizione", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def register(slug: str):
    event = get_public_event(slug)
    if event is None:
        abort(404)
    refusal = services.registration_refusal(event)
    questions = services.questions_for(event.id)
    form = participant_form_class(questions, with_consent=True)()
    if refusal is None and form.validate_on_submit():
        if form.is_bot:
            abort(400)
        consent = services.Consent(current_app.config["PRIVACY_NOTICE_VERSION"], str(form.privacy_consent.label.text))
        try:
            outcome = services.register(event.id, form.to_input(), consent, locale=str(get_locale()))
        except services.RegistrationError as error:
            flash(str(error), "danger")
        else:
            if outcome.created:
                flash(_sent_message(outcome.registration), "success")
                return redirect(url_for("registrations.registration", token=outcome.registration.token), code=303)
            # Someone may type another person's address: never show that registration here.
            return redirect(url_for("registrations.already_registered", slug=event.slug), code=303)
    status = 422 if request.method == "POST" else 200
    if refusal is not None and request.method == "POST":
        status = 409
    return render_template(
        "registrations/register.html",
        event=event,
        form=form,
        refusal=refusal,
        comuni=piedmont_labels(),
    ), status


@bp.get("/comuni/suggerimenti")
def comuni_suggestions():
    """What the comune field suggests as one types: Piedmont's first, accents ignored."""
    found = comuni.suggest(text_arg("q", limit=60))
    response = jsonify([{"code": c.code, "label": c.label} for c in found])
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/eventi/<slug>/iscrizione/gia-iscritto")
def already_registered(slug: str):
    event = get_public_event(slug)
    if event is None:
        abort(404)
    return render_template("registrations/already_registered.html", event=event)


@bp.get("/iscrizioni/<token>")
def registration(token: str):
    registration = _registration_or_404(token)
    event = load_programme(registration.event)
    questions = services.questions_for(event.id)
    return private(
        render_template(
            "registrations/registration.html",
            registration=registration,
            event=event,
            questions=questions,
            waitlist_position=services.waitlist_position(registration),
        )
    )


@bp.route("/iscrizioni/<token>/modifica", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def edit(token: str):
    registration = _registration_or_404(token)
    if not registration.is_active:
        flash(_("Questa iscrizione non è attiva e non si può modificare."), "warning")
        return redirect(url_for("registrations.registration", token=token), code=303)
    form = participant_form_class(services.questions_for(registration.event_id), with_consent=False)()
    if request.method == "GET":
        form.fill_from(registration)
    if form.validate_on_submit():
        if form.is_bot:
            abort(400)
        try:
            awaiting = services.update_participant(registration, form.to_input())
        except services.RegistrationError as error:
            flash(str(error), "danger")
        else:
            flash(_("Dati aggiornati."), "success")
            if awaiting:
                flash(
                    _(
                        "Per usare il nuovo indirizzo %(email)s occorre confermarlo dal link appena inviato lì; "
                        "fino ad allora i messaggi arrivano all'indirizzo attuale.",
                        email=awaiting,
                    ),
                    "info",
                )
            return redirect(url_for("registrations.registration", token=token), code=303)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "registrations/edit.html", registration=registration, event=registration.event, form=form, comuni=piedmont_labels()
    )
    return private((page, status))


@bp.route("/iscrizioni/<token>/annulla", methods=["GET", "POST"])
def cancel(token: str):
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if registration.is_active:
            services.cancel(registration, by=Actor.PARTICIPANT)
            flash(_("Iscrizione annullata. Grazie di averci avvisato."), "success")
        else:
            flash(_("Questa iscrizione era già annullata."), "info")
        return redirect(url_for("registrations.registration", token=token), code=303)
    if not registration.is_active:
        return redirect(url_for("registrations.registration", token=token), code=303)
    return private(
        render_template(
            "registrations/cancel.html",
            registration=registration,
            event=registration.event,
            waitlist_count=services.waitlist_count(registration.event_id),
        )
    )


@bp.post("/iscrizioni/<token>/nuovo-link")
@limiter.limit(_rate_limit)
def reissue(token: str):
    registration = _registration_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    new_token = services.reissue_token(registration)
    flash(
        _(
            "Ecco il nuovo link: il precedente non funziona più. Arriva anche per email; conviene salvarlo tra i preferiti."
        ),
        "success",
    )
    return redirect(url_for("registrations.registration", token=new_token), code=303)


@bp.post("/iscrizioni/<token>/calendario/invia-link")
@limiter.limit(_rate_limit)
def send_feed_link(token: str):
    """The personal feed spans every registration of an address, and anyone can register with
    any address: its page opens only from a link sent to that address."""
    registration = _registration_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notifications.queue_feed_link(registration)
    flash(
        _(
            "Il link al calendario personale è stato inviato a %(email)s. Se non arriva entro qualche minuto, "
            "conviene controllare la posta indesiderata.",
            email=registration.email,
        ),
        "success",
    )
    return redirect(url_for("registrations.registration", token=token, _anchor="calendario"), code=303)


def _feed_or_404(token: str):
    feed = feeds.feed_from_page_token(token)
    if feed is None:
        abort(404)
    return feed


@bp.get("/calendario-personale/<token>")
def personal_calendar(token: str):
    feed = _feed_or_404(token)
    return private(render_template("registrations/personal_calendar.html", feed=feed, page_token=token))


@bp.post("/calendario-personale/<token>/nuovo-indirizzo")
@limiter.limit(_rate_limit)
def replace_personal_calendar(token: str):
    """A new address for the personal feed; calendars subscribed to the old one stop updating."""
    feed = _feed_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    feeds.revoke_personal_feed(feed)
    flash(
        _("Nuovo indirizzo creato: il vecchio non funziona più. Il calendario va aggiunto di nuovo con quello nuovo."),
        "success",
    )
    return redirect(url_for("registrations.personal_calendar", token=feeds.feed_page_token(feed)), code=303)


@bp.route("/conferma-email/<token>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def confirm_email(token: str):
    """Opened from the message sent to a participant's new address. A GET only shows what will
    change (mail scanners open links); the button confirms."""
    found = services.email_change_request(token)
    if found is None:
        abort(404)
    registration, new_email = found.registration, found.new_email
    if found.done:
        flash(_("La conferma del nuovo indirizzo era già avvenuta: i messaggi arrivano a %(email)s.", email=new_email), "info")
        return redirect(url_for("registrations.registration", token=registration.token), code=303)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            services.confirm_email_change(registration, new_email)
        except services.RegistrationError as error:
            flash(str(error), "danger")
        else:
            flash(_("Indirizzo email aggiornato."), "success")
            return redirect(url_for("registrations.registration", token=registration.token), code=303)
    page = render_template(
        "registrations/confirm_email.html", registration=registration, event=registration.event, new_email=new_email
    )
    return private(page)


@bp.get("/privacy")
def privacy():
    return render_template("registrations/privacy.html")


def _form_again(message: str):
    """The registration or edit form bound to what was posted, not validated (it is to be sent
    again), under the message; None when the request was no such form or its page is gone."""
    if request.method != "POST":
        return None
    if request.endpoint == "registrations.register":
        event = get_public_event(request.view_args["slug"])
        if event is None:
            return None
        form = participant_form_class(services.questions_for(event.id), with_consent=True)()
        flash(message, "warning")
        return render_template(
            "registrations/register.html",
            event=event,
            form=form,
            refusal=services.registration_refusal(event),
            comuni=piedmont_labels(),
        )
    if request.endpoint == "registrations.edit":
        registration = services.get_by_token(request.view_args["token"])
        if registration is None or not registration.is_active:
            return None
        form = participant_form_class(services.questions_for(registration.event_id), with_consent=False)()
        flash(message, "warning")
        return private(
            render_template(
                "registrations/edit.html",
                registration=registration,
                event=registration.event,
                form=form,
                comuni=piedmont_labels(),
            )
        )
    return None


@bp.errorhandler(429)
def too_many_requests(error):
    """A municipal office sends all its staff's registrations from one address: past the limit
    the form comes back with what was typed, ready to send again, instead of an error page.
    (An error handler must not abort: what is not found gets the plain 429 page.)"""
    message = _(
        "Sono arrivate molte richieste da questa rete in poco tempo: questa non è ancora stata registrata. "
        "I dati inseriti sono conservati qui sotto; attendere un minuto e inviare di nuovo il modulo."
    )
    page = _form_again(message)
    if page is None:
        return render_template("errors/error.html", code=429, message=MESSAGES[429]), 429
    return page, 429


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def database_unavailable_form(error):
    """PostgreSQL restarting in the middle of sign-ups: the form comes back with what was typed
    and a 503 asking to send it again in a few seconds. Whether a COMMIT cut off halfway was
    saved cannot be known, but sending the form again never registers anyone twice."""
    current_app.logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error.orig)
    forget_failed_transaction()
    message = _(
        "Per un problema momentaneo del servizio la richiesta potrebbe non essere stata registrata. "
        "I dati inseriti sono conservati qui sotto: si prega di inviare di nuovo il modulo tra qualche secondo "
        "(inviarlo due volte non crea doppioni)."
    )
    try:
        page = _form_again(message)
    except SQLAlchemyError:
        # The page could not be drawn: its message must not appear on the next one.
        session.pop("_flashes", None)
        forget_failed_transaction()
        page = None
    if page is None:
        return database_unavailable()
    return unavailable(page)
