"""The organizer's forms for attendance: they parse; the rules are in services."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.courses.labels import BASIS_LABELS
from app.courses.models import RuleBasis
from app.forms import BaseForm
from app.i18n import lazy_gettext as _l


class RuleForm(BaseForm):
    """The course's rule for a certificate."""

    enabled = BooleanField(_l("Il corso rilascia l'attestato di partecipazione"))
    basis = RadioField(
        _l("La frequenza si conta in"),
        choices=[SelectChoice(basis.value, BASIS_LABELS[basis]) for basis in RuleBasis],
        validators=[InputRequired(_l("Scegliere se contare le ore o le lezioni."))],
    )
    min_percent = IntegerField(
        _l("Quota minima di frequenza (%)"),
        validators=[InputRequired(_l("Indicare la quota minima, da 1 a 100."))],
        description=_l("Per esempio 75: servono i tre quarti delle ore (o delle lezioni)."),
    )
