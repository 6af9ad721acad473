"""The organizer's forms of the events domain: events, programme, materials and the reference lists."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import LazyString
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.events.models import AttendanceMode, Event
from app.events.reminders import parse_offsets
from app.events.services import EventInput, SessionInput
from app.forms import BaseForm
from app.i18n import CONTENT_LANGUAGES
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.timeutil import ROME, days, rome_datetime

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
REQUIRED = _l("Campo obbligatorio.")
SLUG_MESSAGE = _l("Solo lettere minuscole, cifre e trattini.")


#: Dates an organizer can mean: anything else is a slip of the keyboard (year 0001 or 9999
#: would also overflow once moved to UTC or given a day more).
FIRST_YEAR, LAST_YEAR = 1900, 2199
#: Counts and positions: well inside every database's integer.
LARGEST_NUMBER = 1_000_000_000


class WholeNumberField(IntegerField):
    """An integer of a sensible size: twenty digits are a typing error, and would overflow."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > LARGEST_NUMBER:
            self.data = None
            raise ValueError(_l("Numero troppo grande."))


class _WithinYears:
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_l("Inserisca una data tra il %(first)s e il %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))


class DayField(_WithinYears, DateField):
    """A date between FIRST_YEAR and LAST_YEAR."""


class MomentField(_WithinYears, DateTimeLocalField):
    """A date and time between FIRST_YEAR and LAST_YEAR."""


def optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def optional_slug_field(label) -> StringField:
    """A slug the organizer may leave empty: the service derives it from the title."""
    return StringField(
        label,
        validators=[Optional(), Length(max=120), Regexp(SLUG_RE, message=SLUG_MESSAGE)],
        description=_l("Lascia vuoto per ricavarlo dal titolo."),
    )


def _url_validators():
    return [
        Optional(),
        Length(max=500),
        URL(require_tld=True, message=_l("Inserisca un indirizzo web completo (https://…).")),
    ]


#: How the other languages are named beside a field's label: in their own words, as the
#: language switch names them.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def in_language(field_class, label: str, language: str, max_length: int, **kwargs):
    """The optional twin of a content field for one other language: "Titolo (Français)"."""
    text = LazyString(lambda: f"{_(label)} ({LANGUAGE_NAMES[language]})")
    return field_class(text, validators=[Optional(), Length(max=max_length)], **kwargs)


class TranslatedForm(BaseForm):
    """A form with content fields written also in English and French: `<field>_en`, `<field>_fr`
    beside the Italian `<field>`. TRANSLATED maps each model attribute to its form field."""

    TRANSLATED: dict[str, str] = {}

    def translation_fields(self, language: str) -> list:
        return [self[f"{name}_{language}"] for name in self.TRANSLATED.values()]

    def is_translation(self, name: str) -> bool:
        return any(name == f"{field}_{lang}" for field in self.TRANSLATED.values() for lang in CONTENT_LANGUAGES)

    def translations_input(self) -> dict[str, dict[str, str | None]]:
        """What was typed per language, by model attribute; the service cleans and drops the empty."""
        return {
            language: {attr: self[f"{name}_{language}"].data for attr, name in self.TRANSLATED.items()}
            for language in CONTENT_LANGUAGES
        }

    def fill_translations(self, obj) -> None:
        stored = getattr(obj, "translations", None) or {}
        for language in CONTENT_LANGUAGES:
            for attr, name in self.TRANSLATED.items():
                self[f"{name}_{language}"].data = (stored.get(language) or {}).get(attr)

    def has_translations(self) -> bool:
        """Whether the other languages' section starts open: something written or refused in it."""
        fields = [f for language in CONTENT_LANGUAGES for f in self.translation_fields(language)]
        return any(f.data or f.errors for f in fields)


def valid_reminder_offsets(form, field):
    try:
        parse_offsets(field.data)
    except ValueError as error:
        raise ValidationError(
            _l("Scriva i promemoria come «7g, 1g» (giorni) o «3h» (ore), da 1 ora a 60 giorni.")
        ) from error


class EventForm(TranslatedForm):
    TRANSLATED = {"title": "title", "summary": "summary", "description_html": "description"}

    title = StringField(_l("Titolo"), validators=[DataRequired(REQUIRED), Length(max=200)])
    slug = optional_slug_field(_l("Indirizzo della pagina (slug)"))
    type_id = SelectField(_l("Tipo"), coerce=int, validators=[DataRequired(REQUIRED)])
    series_id = SelectField(_l("Serie"), coerce=optional_int, validators=[Optional()])
    summary = TextAreaField(
        _l("Sintesi"),
        validators=[Optional(), Length(max=500)],
        description=_l("Una o due frasi per elenchi e anteprime."),
    )
    description = TextAreaField(
        _l("Descrizione"),
        validators=[Optional(), Length(max=50000)],
        description=_l(
            "Testo semplice (una riga vuota separa i paragrafi) o HTML essenziale: grassetto, elenchi, link."
        ),
    )
    all_day = BooleanField(_l("Tutto il giorno (per esempio una mostra)"))
    start_date = DayField(_l("Data di inizio"), validators=[InputRequired(_l("Inserisca una data valida."))])
    start_time = TimeField(_l("Ora di inizio"), validators=[Optional()])
    end_date = DayField(_l("Data di fine"), validators=[InputRequired(_l("Inserisca una data valida."))])
    end_time = TimeField(_l("Ora di fine"), validators=[Optional()])
    opening_hours = StringField(
        _l("Orari di apertura"),
        validators=[Optional(), Length(max=300)],
        description=_l("Per le mostre, ad esempio: da lunedì a venerdì, 9–17."),
    )
    attendance_mode = SelectField(
        _l("Modalità"),
        choices=[
            SelectChoice(AttendanceMode.IN_PERSON.value, _l("In presenza")),
            SelectChoice(AttendanceMode.ONLINE.value, _l("Online")),
            SelectChoice(AttendanceMode.HYBRID.value, _l("In presenza e online")),
        ],
    )
    venue_id = SelectField(_l("Luogo"), coerce=optional_int, validators=[Optional()])
    online_url = URLField(_l("Link per collegarsi"), validators=_url_validators())
    online_url_public = BooleanField(
        _l("Link visibile a tutti"),
        description=_l(
            "Senza questa scelta il link compare solo nella pagina e nelle email di chi ha l'iscrizione "
            "confermata, non sul sito pubblico, nei calendari pubblici e nei dati aperti."
        ),
    )
    capacity = WholeNumberField(
        _l("Posti disponibili"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message=_l("Indichi un numero di posti tra 1 e 100000.")),
        ],
        description=_l("Lascia vuoto se non c'è limite."),
    )
    registration_required = BooleanField(_l("Richiede iscrizione"))
    registration_moderated = BooleanField(
        _l("Iscrizioni da approvare"),
        description=_l(
            "Ogni iscrizione resta in attesa finché un organizzatore non la approva (es. riunioni riservate ai membri)."
        ),
    )
    reminder_offsets = StringField(
        _l("Promemoria"),
        validators=[Optional(), Length(max=100), valid_reminder_offsets],
        description=_l(
            "Quanto prima dell'inizio scrivere agli iscritti, ad esempio «7g, 1g» o «3h» (per i corsi: prima di "
            "ogni lezione). Vuoto: quelli del tipo di evento; «nessuno»: nessun promemoria."
        ),
    )
    registration_opens_at = MomentField(_l("Apertura iscrizioni"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    registration_closes_at = MomentField(
        _l("Chiusura iscrizioni"),
        validators=[Optional()],
        format="%Y-%m-%dT%H:%M",
        description=_l("Lascia vuoto per chiuderle all'inizio dell'evento."),
    )
    themes = StringField(
        _l("Temi"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separati da virgole, ad esempio: cooperazione decentrata, Africa."),
    )
    organizer_ids = SelectMultipleField(_l("Organizzato da"), coerce=int, validators=[Optional()])
    partner_ids = SelectMultipleField(_l("Partner"), coerce=int, validators=[Optional()])
    title_en = in_language(StringField, "Titolo", "en", 200)
    summary_en = in_language(TextAreaField, "Sintesi", "en", 500)
    description_en = in_language(TextAreaField, "Descrizione", "en", 50000)
    title_fr = in_language(StringField, "Titolo", "fr", 200)
    summary_fr = in_language(TextAreaField, "Sintesi", "fr", 500)
    description_fr = in_language(TextAreaField, "Descrizione", "fr", 50000)

    def fill_from(self, event: Event) -> None:
        self.fill_translations(event)
        start = event.starts_at.astimezone(ROME)
        end = event.ends_at.astimezone(ROME)
        self.start_date.data = start.date()
        self.end_date.data = event.last_day if event.all_day else end.date()
        self.start_time.data = None if event.all_day else start.time()
        self.end_time.data = None if event.all_day else end.time()
        self.description.data = event.description_html
        self.themes.data = ", ".join(t.name for t in event.themes)
        self.organizer_ids.data = [o.id for o in event.organizers]
        self.partner_ids.data = [o.id for o in event.partners]
        for name in ("registration_opens_at", "registration_closes_at"):
            value = getattr(event, name)
            getattr(self, name).data = value.astimezone(ROME).replace(tzinfo=None) if value else None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        if not self.all_day.data:
            for field in (self.start_time, self.end_time):
                if field.data is None:
                    field.errors.append(_l("Indichi l'ora (o scelga «tutto il giorno»)."))
                    valid = False
        # The event's own rules (end after start, a link or a place for its mode, the
        # registration window…) are stated once, in events.services, and shown on their field
        # by the view when the service refuses.
        return valid

    def _instants(self):
        if self.all_day.data:
            return (
                rome_datetime(self.start_date.data, time(0, 0)),
                rome_datetime(self.end_date.data + days(1), time(0, 0)),
            )
        return (
            rome_datetime(self.start_date.data, self.start_time.data),
            rome_datetime(self.end_date.data, self.end_time.data),
        )

    def to_input(self) -> EventInput:
        start, end = self._instants()

        def aware(value):
            return value.replace(tzinfo=ROME) if value else None

        return EventInput(
            title=self.title.data,
            slug=self.slug.data or None,
            type_id=self.type_id.data,
            series_id=self.series_id.data,
            summary=self.summary.data,
            description=self.description.data,
            starts_at=start,
            ends_at=end,
            all_day=self.all_day.data,
            opening_hours=self.opening_hours.data,
            attendance_mode=self.attendance_mode.data,
            venue_id=self.venue_id.data,
            online_url=self.online_url.data or None,
            online_url_public=self.online_url_public.data,
            capacity=self.capacity.data,
            registration_required=self.registration_required.data,
            registration_moderated=self.registration_moderated.data,
            reminder_offsets=self.reminder_offsets.data or None,
            registration_opens_at=aware(self.registration_opens_at.data),
            registration_closes_at=aware(self.registration_closes_at.data),
            theme_names=[t for t in re.split(r"[,;]", self.themes.data or "") if t.strip()],
            organizer_ids=list(self.organizer_ids.data or []),
            partner_ids=list(self.partner_ids.data or []),
            translations=self.translations_input(),
        )


class SessionForm(TranslatedForm):
    TRANSLATED = {"title": "title", "description": "description"}

    title = StringField(_l("Titolo"), validators=[DataRequired(REQUIRED), Length(max=200)])
    date = DayField(_l("Data"), validators=[InputRequired(_l("Inserisca una data valida."))])
    start_time = TimeField(_l("Ora di inizio"), validators=[DataRequired(_l("Inserisca un'ora valida."))])
    end_time = TimeField(_l("Ora di fine"), validators=[Optional()])
    description = TextAreaField(_l("Descrizione"), validators=[Optional(), Length(max=5000)])
    speaker_ids = SelectMultipleField(_l("Relatori"), coerce=int, validators=[Optional()])
    venue_id = SelectField(_l("Luogo (se diverso da quello dell'evento)"), coerce=optional_int, validators=[Optional()])
    online_url = URLField(_l("Link per collegarsi (se diverso)"), validators=_url_validators())
    online_only = BooleanField(
        _l("Solo online"),
        description=_l("La lezione si segue solo a distanza: calendari e messaggi non indicano il luogo dell'evento."),
    )
    title_en = in_language(StringField, "Titolo", "en", 200)
    description_en = in_language(TextAreaField, "Descrizione", "en", 5000)
    title_fr = in_language(StringField, "Titolo", "fr", 200)
    description_fr = in_language(TextAreaField, "Descrizione", "fr", 5000)

    def follow(self, previous) -> None:
        """A new item starts from the date and times of the previous one, and nothing else."""
        start = previous.starts_at.astimezone(ROME)
        self.date.data = start.date()
        self.start_time.data = start.time()
        self.end_time.data = previous.ends_at.astimezone(ROME).time() if previous.ends_at else None

    def fill_from(self, session) -> None:
        self.follow(session)
        self.speaker_ids.data = [s.id for s in session.speakers]
        self.online_only.data = session.online_only
        self.fill_translations(session)

    def to_input(self) -> SessionInput:
        return SessionInput(
            title=self.title.data,
            starts_at=rome_datetime(self.date.data, self.start_time.data),
            ends_at=rome_datetime(self.date.data, self.end_time.data) if self.end_time.data else None,
            description=self.description.data,
            venue_id=self.venue_id.data,
            online_url=self.online_url.data or None,
            speaker_ids=list(self.speaker_ids.data or []),
            online_only=bool(self.online_only.data),
            translations=self.translations_input(),
        )


class MaterialForm(TranslatedForm):
    TRANSLATED = {"title": "title"}

    title = StringField(
        _l("Titolo"),
        validators=[Optional(), Length(max=200)],
        description=_l("Per esempio: Presentazione del COP (PDF)."),
    )
    url = URLField(_l("Link"), validators=_url_validators())
    file = FileField(_l("Oppure un file"))
    title_en = in_language(StringField, "Titolo", "en", 200)
    title_fr = in_language(StringField, "Titolo", "fr", 200)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        if valid and not has_file and not self.url.data:
            self.url.errors.append(_l("Indichi un link o scelga un file."))
            return False
        if valid and has_file and self.url.data:
            self.url.errors.append(_l("Indichi un link oppure un file, non entrambi."))
            return False
        if valid and not has_file and not self.title.data:
            self.title.errors.append(REQUIRED)
            return False
        return valid


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Motivo"), validators=[DataRequired(_l("Indichi il motivo.")), Length(max=2000)])


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Nota per i partecipanti"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Per esempio: la nuova data sarà comunicata a breve."),
    )


# -- reference data -------------------------------------------------------------------


class SeriesForm(TranslatedForm):
    TRANSLATED = {"title": "title", "item_label": "item_label", "description": "description"}

    title = StringField(_l("Titolo"), validators=[DataRequired(REQUIRED), Length(max=200)])
    slug = optional_slug_field(_l("Indirizzo (slug)"))
    item_label = StringField(
        _l("Nome di ogni appuntamento"),
        default="incontro",
        validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l("Compare nella numerazione: «2° incontro»."),
    )
    description = TextAreaField(_l("Descrizione"), validators=[Optional(), Length(max=5000)])
    title_en = in_language(StringField, "Titolo", "en", 200)
    item_label_en = in_language(StringField, "Nome di ogni appuntamento", "en", 40)
    description_en = in_language(TextAreaField, "Descrizione", "en", 5000)
    title_fr = in_language(StringField, "Titolo", "fr", 200)
    item_label_fr = in_language(StringField, "Nome di ogni appuntamento", "fr", 40)
    description_fr = in_language(TextAreaField, "Descrizione", "fr", 5000)


class EventTypeForm(TranslatedForm):
    TRANSLATED = {"label": "label"}

    label = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=80)])
    slug = StringField(
        _l("Codice (slug)"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=40),
            Regexp(SLUG_RE, message=SLUG_MESSAGE),
        ],
        description=_l("Compare negli indirizzi dei calendari: /calendario/<codice>.ics"),
    )
    color = StringField(
        _l("Colore"),
        default="#0066cc",
        validators=[DataRequired(REQUIRED), Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Un colore nella forma #rrggbb."))],
    )
    requires_registration = BooleanField(_l("Di norma richiede iscrizione"), default=True)
    default_capacity = WholeNumberField(
        _l("Posti predefiniti"), validators=[Optional(), NumberRange(min=1, max=100000)]
    )
    position = WholeNumberField(_l("Ordine"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    reminder_offsets = StringField(
        _l("Promemoria"),
        default="7g, 1g",
        validators=[Optional(), Length(max=100), valid_reminder_offsets],
        filters=[lambda value: value or ""],
        description=_l("Quanto prima dell'inizio scrivere agli iscritti, ad esempio «7g, 1g». Vuoto: nessuno."),
    )
    all_day_by_default = BooleanField(
        _l("Di norma dura giorni interi (mostra)"),
        description=_l("Un nuovo evento di questo tipo parte come evento di giornata intera, senza orari."),
    )
    has_lessons = BooleanField(
        _l("Ha lezioni (percorso formativo)"),
        description=_l(
            "Ogni voce del programma è una lezione: un appuntamento a sé nei calendari, con i propri "
            "promemoria e il proprio invito. Altrimenti le voci sono il programma di un unico evento."
        ),
    )
    label_en = in_language(StringField, "Nome", "en", 80)
    label_fr = in_language(StringField, "Nome", "fr", 80)


class ThemeForm(TranslatedForm):
    TRANSLATED = {"name": "name"}

    name = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=80)])
    name_en = in_language(StringField, "Nome", "en", 80)
    name_fr = in_language(StringField, "Nome", "fr", 80)


class SpeakerForm(BaseForm):
    name = StringField(_l("Nome e cognome"), validators=[DataRequired(REQUIRED), Length(max=200)])
    role = StringField(_l("Ruolo"), validators=[Optional(), Length(max=200)])
    organization_id = SelectField(_l("Organizzazione"), coerce=optional_int, validators=[Optional()])


class OrganizationForm(BaseForm):
    name = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=200)])
    acronym = StringField(_l("Sigla"), validators=[Optional(), Length(max=40)])
    country = StringField(
        _l("Paese (codice ISO)"),
        default="IT",
        validators=[DataRequired(REQUIRED), Regexp(r"^[A-Za-z]{2}$", message=_l("Due lettere, ad esempio IT o BJ."))],
        filters=[lambda v: v.upper() if isinstance(v, str) else v],
    )
    website = URLField(_l("Sito web"), validators=_url_validators())
    description = TextAreaField(_l("Descrizione"), validators=[Optional(), Length(max=5000)])


class VenueForm(BaseForm):
    name = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=200)])
    address = StringField(_l("Indirizzo"), validators=[Optional(), Length(max=300)])
    comune = StringField(_l("Comune"), validators=[Optional(), Length(max=120)])
    latitude = FloatField(
        _l("Latitudine"), validators=[Optional(), NumberRange(min=-90, max=90, message=_l("Tra -90 e 90."))]
    )
    longitude = FloatField(
        _l("Longitudine"), validators=[Optional(), NumberRange(min=-180, max=180, message=_l("Tra -180 e 180."))]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and (self.latitude.data is None) != (self.longitude.data is None):
            self.longitude.errors.append(_l("Indichi entrambe le coordinate o nessuna."))
            return False
        return valid
