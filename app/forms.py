"""What every form of the site shares."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding spaces from every text field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": (_strip, *filters)}
            return unbound_field.bind(form=form, **options)


class ConfirmForm(FlaskForm):
    """A bare form for buttons that POST (publish, cancel, delete…): CSRF only."""
