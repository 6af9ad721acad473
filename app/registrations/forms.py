"""The registration form, its per-event questions, and the organizer's question editor and
message to registrants.

Field names are part of the public interface: other sites may post to the registration form.
"""

from __future__ import annotations

from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from app.comuni import by_code
from app.countries import name as country_name
from app.forms import BaseForm
from app.i18n import current_language, lazy_pgettext
from app.i18n import lazy_gettext as _l
from app.registrations.labels import ENTE_LABELS, ROLE_LABELS
from app.registrations.models import EnteKind, ParticipantRole, Question, QuestionKind
from app.registrations.services import (
    ParticipantInput,
    QuestionInput,
    RegistrationError,
    normalize_email,
    resolve_ente,
)

REQUIRED = _l("Campo obbligatorio.")

#: The fields that say which body a person represents, checked together by the service.
ENTE_FIELDS = ("ente_tipo", "comune", "organization", "paese")

YES_NO = [SelectChoice("si", _l("Sì")), SelectChoice("no", _l("No"))]


def _valid_email(form, field):
    if field.data:
        try:
            normalize_email(field.data)
        except RegistrationError as error:
            raise ValidationError(str(error)) from error


class ParticipantForm(BaseForm):
    # "Nome" is also a venue's or an organization's name; a person's is "Prénom" in French.
    first_name = StringField(lazy_pgettext("persona", "Nome"), validators=[DataRequired(REQUIRED), Length(max=100)])
    last_name = StringField(_l("Cognome"), validators=[DataRequired(REQUIRED), Length(max=100)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), Length(max=254), _valid_email],
        description=_l("A questo indirizzo arriveranno la conferma e il link per gestire l'iscrizione."),
    )
    ente_tipo = SelectField(
        _l("Tipo di ente"),
        choices=[SelectChoice("", _l("— selezionare —"))]
        + [SelectChoice(k.value, label) for k, label in ENTE_LABELS.items()],
        validators=[Optional()],
        validate_choice=False,  # the service says which kinds exist, with its own message
    )
    comune = StringField(
        _l("Comune"),
        validators=[Optional(), Length(max=120)],
        description=_l("Scrivendo le prime lettere compaiono i suggerimenti, per esempio «Alba (CN)»."),
    )
    organization = StringField(
        _l("Ente di appartenenza"),
        validators=[Optional(), Length(max=200)],
        description=_l("Il nome dell'ente o dell'organizzazione; per un Comune si può lasciare vuoto."),
    )
    paese = StringField(
        _l("Paese dell'ente estero"),
        validators=[Optional(), Length(max=80)],
        description=_l("Solo per gli enti con sede fuori dall'Italia."),
    )
    role = SelectField(
        _l("Ruolo"),
        choices=[SelectChoice("", _l("— selezionare —"))]
        + [SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        validators=[DataRequired(_l("Indicare il ruolo."))],
    )
    phone = TelField(
        _l("Telefono"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\+?[0-9][0-9 ./()-]{4,38}$", message=_l("Usare solo cifre, spazi e, se serve, il prefisso +.")),
        ],
        description=_l("Facoltativo: sarà usato solo per comunicazioni urgenti sull'evento."),
    )
    #: The honeypot: hidden from people, filled in by bots. Anything in it refuses the request.
    url = StringField(_l("Campo da lasciare vuoto"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mark_country_required()

    def _mark_country_required(self) -> None:
        """The country is required only of a body abroad: its label's "*" (and the browser's
        check) follow the kind chosen; ente.js does the same as the kind changes."""
        self.paese.flags.required = self.ente_tipo.data == EnteKind.ESTERO

    def validate_role(self, field):
        if field.data not in {r.value for r in ParticipantRole}:
            raise ValidationError(_l("Indicare il ruolo."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any(self[name].errors for name in ENTE_FIELDS):
            try:
                resolve_ente(self.to_input())
            except RegistrationError as error:
                self[error.field or "organization"].errors = [*self[error.field or "organization"].errors, str(error)]
                return False
        return valid

    @property
    def question_fields(self):
        return [f for f in self if f.name.startswith("q_")]

    @property
    def is_bot(self) -> bool:
        return bool(self.url.data)

    def to_input(self) -> ParticipantInput:
        return ParticipantInput(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            email=self.email.data,
            organization=self.organization.data or "",
            role=self.role.data,
            phone=self.phone.data or None,
            answers={int(f.name[2:]): f.data or "" for f in self.question_fields},
            ente_tipo=self.ente_tipo.data or None,
            comune=self.comune.data or None,
            ente_country=self.paese.data or None,
        )

    def fill_from(self, registration) -> None:
        for name in ("first_name", "last_name", "email", "organization", "role", "phone", "ente_tipo"):
            getattr(self, name).data = getattr(registration, name)
        comune = by_code(registration.comune_istat)
        self.comune.data = comune.label if comune else ""
        self.paese.data = country_name(registration.ente_country, current_language())
        self._mark_country_required()
        for f in self.question_fields:
            f.data = registration.answer_for(int(f.name[2:]))


def _question_field(question: Question):
    needed = [InputRequired(_l("Rispondere a questa domanda."))] if question.required else [Optional()]
    if question.kind == QuestionKind.TEXT:
        return TextAreaField(question.label, validators=[*needed, Length(max=2000)])
    choices = YES_NO if question.kind == QuestionKind.YES_NO else [SelectChoice(o, o) for o in question.options]
    return RadioField(question.label, choices=choices, validators=needed, validate_choice=True)


def participant_form_class(questions: list[Question], *, with_consent: bool) -> type[ParticipantForm]:
    """A form for one event: the common fields, its questions, and the privacy consent."""
    attrs = {f"q_{q.id}": _question_field(q) for q in questions}
    if with_consent:
        attrs["privacy_consent"] = BooleanField(
            _l("Ho letto l'informativa sulla privacy e acconsento al trattamento dei miei dati per questa iscrizione."),
            validators=[DataRequired(_l("Per l'iscrizione è necessario accettare l'informativa sulla privacy."))],
        )
    return type("EventParticipantForm", (ParticipantForm,), attrs)


class QuestionForm(BaseForm):
    label = StringField(_l("Domanda"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(
        _l("Tipo di risposta"),
        choices=[
            SelectChoice(QuestionKind.TEXT.value, _l("Testo libero")),
            SelectChoice(QuestionKind.CHOICE.value, _l("Scelta tra opzioni")),
            SelectChoice(QuestionKind.YES_NO.value, _l("Sì / No")),
        ],
    )
    options_text = TextAreaField(
        _l("Opzioni"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Solo per le domande a scelta: una opzione per riga."),
    )
    required = BooleanField(_l("Risposta obbligatoria"))

    def to_input(self) -> QuestionInput:
        return QuestionInput(
            label=self.label.data,
            kind=self.kind.data,
            options_text=self.options_text.data,
            required=self.required.data,
        )


class BroadcastForm(BaseForm):
    """An organizer's message to an event's registrants; the audience's choices are set by the view."""

    audience = SelectField(_l("A chi"))
    subject = StringField(_l("Oggetto"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField(
        _l("Messaggio"),
        validators=[DataRequired(REQUIRED), Length(max=10000)],
        description=_l(
            "Testo semplice, inviato così come è scritto: cominci con il saluto che preferisce (per esempio "
            "«Gentili partecipanti,»). I link diventano cliccabili; ogni messaggio aggiunge i dati dell'evento "
            "e il link personale di ciascuno. Prima dell'invio viene mostrata l'anteprima."
        ),
    )
