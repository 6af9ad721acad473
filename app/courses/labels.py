"""How attendance standings are named in pages and exports."""

from __future__ import annotations

from app.courses.models import RuleBasis
from app.courses.services import Standing
from app.i18n import lazy_gettext

STANDING_LABELS = {
    Standing.ELIGIBLE: lazy_gettext("idoneo all'attestato"),
    Standing.NOT_YET: lazy_gettext("non ancora"),
    Standing.NOT_ELIGIBLE: lazy_gettext("frequenza insufficiente"),
}

BASIS_LABELS = {
    RuleBasis.HOURS: lazy_gettext("ore"),
    RuleBasis.LESSONS: lazy_gettext("lezioni"),
}
