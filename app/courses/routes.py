"""Public certificate pages: a participant's own PDF, reached by the registration's token, and
the verification by code that anyone holding the paper may ask for; the feedback form after the
event, reached by the signed link of the follow-up email."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from app.courses import certificates, feedback
from app.courses import services as courses
from app.courses.models import Certificate
from app.extensions import limiter
from app.forms import BaseForm
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.registrations import services as registrations
from app.registrations.models import Registration
from app.responses import private

bp = Blueprint("courses", __name__)


def _verify_rate_limit() -> str:
    return current_app.config["CERTIFICATE_VERIFY_RATE_LIMIT"]




def pdf_response(certificate: Certificate):
    response = make_response(certificates.render_pdf(certificate))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{certificates.filename(certificate)}"'
    return private(response)


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
    return private(render_template("courses/verify_form.html"))


@bp.get("/attestati/<code>")
@limiter.limit(_verify_rate_limit)
def verify(code: str):
    certificate = courses.find_certificate(code)
    if certificate is None:
        return private((render_template("courses/verify_unknown.html", code=code[:16]), 404))
    return private(render_template("courses/verify.html", certificate=certificate, **certificates.stated(certificate)))


# -- feedback after the event ------------------------------------------------------------------------


def _known_rating(_form, field) -> None:
    if field.data not in {str(rating) for rating in feedback.RATINGS}:
        raise ValidationError(_l("Scegliere un voto da 1 a 5."))


class FeedbackForm(BaseForm):
    """The follow-up's short questionnaire: a rating, and two optional answers in words."""

    rating = RadioField(
        _l("Nel complesso, come valuta l'evento?"),
        choices=[SelectChoice(str(rating), label) for rating, label in feedback.RATING_LABELS.items()],
        validators=[InputRequired(_l("Scegliere un voto da 1 a 5.")), _known_rating],
        validate_choice=False,  # the message above, in Italian, instead of WTForms' own
    )
    useful = TextAreaField(
        _l("Che cosa è stato più utile?"),
        validators=[Length(max=feedback.USEFUL_MAX, message=_l("Al massimo %(max)d caratteri."))],
        render_kw={"maxlength": feedback.USEFUL_MAX, "rows": 4},
        description=_l("Facoltativo."),
    )
    comment = TextAreaField(
        _l("Commenti e suggerimenti"),
        validators=[Length(max=feedback.COMMENT_MAX, message=_l("Al massimo %(max)d caratteri."))],
        render_kw={"maxlength": feedback.COMMENT_MAX, "rows": 4},
        description=_l("Facoltativo: che cosa migliorare, quali temi approfondire in futuro."),
    )


def _feedback_rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


@bp.route("/riscontro/<code>", methods=["GET", "POST"])
@limiter.limit(_feedback_rate_limit)
def feedback_form(code: str):
    registration = feedback.registration_for(code)
    if registration is None:
        return private((render_template("courses/feedback_invalid.html"), 404))
    event = registration.event
    if feedback.answer_of(registration) is not None:
        status = 409 if request.method == "POST" else 200
        return private((render_template("courses/feedback_done.html", event=event), status))
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback.record(registration, int(form.rating.data), form.useful.data, form.comment.data)
        except feedback.AlreadyAnswered:
            return private((render_template("courses/feedback_done.html", event=event), 409))
        except courses.CourseError as error:
            form.rating.errors = [str(error)]
        else:
            flash(_("Grazie: la risposta è stata registrata."), "success")
            return redirect(url_for("courses.feedback_form", code=code), code=303)
    status = 422 if request.method == "POST" else 200
    page = render_template("courses/feedback.html", event=event, form=form)
    return private((page, status))
