"""Login, password and account forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Inserisca l'email.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Inserisca la password.")), Length(max=200)])
    remember = BooleanField(_l("Ricordami su questo dispositivo"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Inserisca l'email.")), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nuova password"),
        validators=[DataRequired(_l("Inserisca la password.")), Length(max=200)],
        description=_l("Almeno 10 caratteri; meglio alcune parole non collegate tra loro."),
    )
    confirm = PasswordField(
        _l("Ripeti la password"),
        validators=[
            DataRequired(_l("Ripeti la password.")),
            EqualTo("password", _l("Le due password non coincidono.")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Password attuale"), validators=[DataRequired(_l("Inserisca la password attuale.")), Length(max=200)]
    )


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        _l("Codice"),
        validators=[DataRequired(_l("Scriva il codice.")), Length(max=20)],
        description=_l("Le 6 cifre che l'app di autenticazione mostra ora, oppure uno dei codici di recupero."),
    )


class TwoFactorSetupForm(FlaskForm):
    code = StringField(
        _l("Codice mostrato dall'app"),
        validators=[DataRequired(_l("Scriva il codice.")), Length(max=20)],
    )


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Scriva la password.")), Length(max=200)])
    code = StringField(_l("Codice dell'app o di recupero"), validators=[DataRequired(_l("Scriva il codice.")), Length(max=20)])


class RecoveryCodesForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Scriva la password.")), Length(max=200)])
