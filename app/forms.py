"""What every form of the site shares."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import MultiDict
from wtforms import StringField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding spaces from every text field, and reads a submitted form from what was
    submitted only."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": (_strip, *filters)}
            return unbound_field.bind(form=form, **options)

    def process(self, formdata=_Auto, obj=None, data=None, extra_filters=None, **kwargs):
        formdata = self.meta.wrap_formdata(self, formdata)
        if formdata is None and self.is_submitted():
            formdata = MultiDict()  # an empty POST is a form with every field left empty
        if formdata is not None:
            # WTForms fills a field the request lacks from `obj`, whose attribute may be of
            # another type (an event's themes are Theme rows, the field wants text): a field
            # missing from a submitted form is empty, never the stored value.
            obj = None
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)


class ConfirmForm(FlaskForm):
    """A bare form for buttons that POST (publish, cancel, delete…): CSRF only."""
