"""Login form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Inserisci l'email.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Inserisci la password.")), Length(max=200)])
    remember = BooleanField(_l("Ricordami su questo dispositivo"))
