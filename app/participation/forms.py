"""The organizers' form that resolves a free-text ente for every registration that wrote it."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BaseForm
from app.i18n import lazy_gettext as _l
from app.registrations.labels import ENTE_LABELS


class ResolveForm(BaseForm):
    testo = HiddenField(validators=[DataRequired(), Length(max=200)])
    ente_tipo = SelectField(
        _l("Tipo di ente"),
        choices=[SelectChoice("", _l("— selezionare —"))]
        + [SelectChoice(k.value, label) for k, label in ENTE_LABELS.items()],
        validate_choice=False,  # the registrations' service says which kinds exist
    )
    comune = StringField(_l("Comune"), validators=[Optional(), Length(max=120)])
    paese = StringField(_l("Paese"), validators=[Optional(), Length(max=80)])
