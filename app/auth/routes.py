"""Login (with its second step when two-factor login is on) and logout of organizers, forgotten
passwords, invitations, one's own password and two-factor login."""

from __future__ import annotations

import functools
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services, two_factor
from app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    RecoveryCodesForm,
    TwoFactorCodeForm,
    TwoFactorDisableForm,
    TwoFactorSetupForm,
)
from app.auth.models import User
from app.extensions import db, limiter
from app.i18n import gettext as _
from app.redirects import safe_next_path
from app.responses import private

bp = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_rate_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    """The account a login attempt is about, whatever address it comes from: the limit is
    shared by every worker through the limiter's storage (Redis in production)."""
    if request.endpoint == "auth.second_factor":
        return "login-account-code:" + str((session.get(PENDING) or {}).get("user", ""))
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


#: The session key of a login waiting for its code: who, for how long, where to go next.
PENDING = "login_pending"
PENDING_SECONDS = 300
PENDING_ATTEMPTS = 5


def _after_login() -> str:
    target = request.args.get("next")
    return safe_next_path(target) if target else url_for("manage.dashboard")


def _finish_login(user: User, remember: bool, target: str):
    login_user(user, remember=remember)
    services.record_login(user)
    return redirect(target, code=303)


@bp.route("/accedi", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_account_rate_limit, key_func=_account_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("manage.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and user.two_factor_enabled:
            # The password was right; the session holds only who is half-way, not a login.
            session[PENDING] = {
                "user": user.get_id(),
                "remember": bool(form.remember.data),
                "next": _after_login(),
                "since": int(time.time()),
                "attempts": 0,
            }
            return redirect(url_for("auth.second_factor"), code=303)
        if user is not None:
            return _finish_login(user, bool(form.remember.data), _after_login())
        services.record_failed_login(form.email.data)
        # The same words for an unknown address, a wrong password and a locked account: the
        # owner of a locked account learns it by email.
        form.password.errors.append(_("Email o password non corretti."))
    return render_template("auth/login.html", form=form), 422 if request.method == "POST" else 200


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING) or {}
    if not pending or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        return None, {}
    user_part, _, version = str(pending.get("user", "")).partition(":")
    user = db.session.get(User, int(user_part)) if user_part.isdigit() else None
    # A logout, a new password or a deactivation meanwhile ends the half-way login too.
    if user is None or not user.active or user.get_id() != f"{user_part}:{version}":
        return None, {}
    return user, pending


@bp.route("/accedi/verifica", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_account_rate_limit, key_func=_account_key, methods=["POST"])
def second_factor():
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("L'accesso è scaduto: inserisca di nuovo email e password."), "info")
        return redirect(url_for("auth.login"), code=303)
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify(user, form.code.data):
            session.pop(PENDING, None)
            return _finish_login(user, pending["remember"], pending["next"])
        services.record_failed_second_factor(user)
        pending["attempts"] = pending.get("attempts", 0) + 1
        if pending["attempts"] >= PENDING_ATTEMPTS:
            session.pop(PENDING, None)
            flash(_("Troppi codici errati: inserisca di nuovo email e password."), "warning")
            return redirect(url_for("auth.login"), code=303)
        session[PENDING] = pending
        form.code.errors.append(_("Il codice non è corretto o è già stato usato."))
    return private(render_template("auth/second_factor.html", form=form)), 422 if request.method == "POST" else 200


@bp.post("/esci")
@login_required
def logout():
    services.record_logout(current_user._get_current_object())
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("Uscita dall'area riservata completata."), "success")
    return redirect(url_for("events.home"), code=303)


@bp.route("/accedi/password-dimenticata", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("auth/forgot_sent.html")
    return render_template("auth/forgot.html", form=form), 422 if request.method == "POST" else 200


def _invalid_link():
    return render_template("auth/link_invalid.html"), 400


def _choose_password(purpose: str, token: str, template: str):
    user = services.user_for_password_link(purpose, token)
    if user is None:
        return _invalid_link()
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            services.record_login(user)
            flash(_("Password salvata: l'area organizzatori è aperta."), "success")
            return redirect(url_for("manage.dashboard"), code=303)
    return render_template(template, form=form, user=user), 422 if request.method == "POST" else 200


@bp.route("/accedi/invito/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def accept_invitation(token: str):
    return _choose_password(services.INVITE_PURPOSE, token, "auth/invitation.html")


@bp.route("/accedi/nuova-password/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def reset_password(token: str):
    return _choose_password(services.RESET_PURPOSE, token, "auth/reset.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_rate_limit, methods=["POST"])
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not user.check_password(form.current.data):
            form.current.errors.append(_("La password attuale non è corretta."))
        else:
            try:
                services.set_password(user, form.password.data)
            except services.AccountError as error:
                form.password.errors.append(str(error))
            else:
                login_user(user)  # this session goes on with the new version; the others end
                flash(_("Password cambiata. Le altre sessioni aperte con questo account sono terminate."), "success")
                return redirect(url_for("manage.dashboard"), code=303)
    return render_template("auth/change_password.html", form=form), 422 if request.method == "POST" else 200


# Two-factor login ---------------------------------------------------------------------------

#: The key being set up lives in the session until the app proves it has it.
SETUP = "totp_setup"


@bp.route("/account/due-fattori", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_rate_limit, methods=["POST"])
def two_factor_setup():
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        return _two_factor_page(user)
    secret = session.get(SETUP) or two_factor.new_secret()
    session[SETUP] = secret
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        codes = two_factor.enable(user, secret, form.code.data)
        if codes is not None:
            session.pop(SETUP, None)
            return private(render_template("auth/recovery_codes.html", codes=codes, first_time=True))
        form.code.errors.append(_("Il codice non corrisponde: controlli che l'ora del telefono sia esatta e riprovi."))
    uri = two_factor.provisioning_uri(user, secret)
    return private(
        render_template(
            "auth/two_factor_setup.html",
            form=form,
            qr=two_factor.qr_svg(uri),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            required=two_factor.required_for(user),
        )
    ), 422 if request.method == "POST" else 200


def _two_factor_page(user: User, disable_form=None, codes_form=None):
    """The page of an account with two-factor login on: new recovery codes, or turn it off."""
    return private(
        render_template(
            "auth/two_factor.html",
            disable_form=disable_form or TwoFactorDisableForm(prefix="off"),
            codes_form=codes_form or RecoveryCodesForm(prefix="codes"),
            remaining=two_factor.remaining_recovery_codes(user),
        )
    )


def _password_ok(user: User, form) -> bool:
    if not user.check_password(form.password.data):
        form.password.errors.append(_("La password non è corretta."))
        return False
    return True


def _with_two_factor(view):
    """The account's two-factor settings: signed in, rate-limited, and only once it is on."""

    @functools.wraps(view)
    def wrapped():
        user = current_user._get_current_object()
        if not user.two_factor_enabled:
            return redirect(url_for("auth.two_factor_setup"), code=303)
        return view(user)

    return login_required(limiter.limit(_login_rate_limit)(wrapped))


@bp.post("/account/due-fattori/disattiva")
@_with_two_factor
def two_factor_disable(user: User):
    form = TwoFactorDisableForm(prefix="off")
    if form.validate_on_submit() and _password_ok(user, form):
        if two_factor.required_for(user):
            form.code.errors.append(_("Per gli amministratori la verifica in due passaggi è obbligatoria."))
        elif two_factor.verify(user, form.code.data):
            two_factor.disable(user)
            flash(_("Verifica in due passaggi disattivata."), "success")
            return redirect(url_for("auth.two_factor_setup"), code=303)
        else:
            form.code.errors.append(_("Il codice non è corretto o è già stato usato."))
    return _two_factor_page(user, disable_form=form), 422


@bp.post("/account/due-fattori/codici")
@_with_two_factor
def two_factor_recovery_codes(user: User):
    form = RecoveryCodesForm(prefix="codes")
    if form.validate_on_submit() and _password_ok(user, form):
        return private(render_template("auth/recovery_codes.html", codes=two_factor.new_recovery_codes(user), first_time=False))
    return _two_factor_page(user, codes_form=form), 422


#: What an admin without two-factor login may still reach when it is required.
_ALLOWED_WITHOUT_SECOND_FACTOR = {"auth.two_factor_setup", "auth.logout", "static"}


@bp.before_app_request
def require_second_factor_for_admins():
    """With REQUIRE_2FA_FOR_ADMINS, an admin's organizer pages open only once it is on."""
    if not request.path.startswith(("/gestione", "/account")) or request.endpoint in _ALLOWED_WITHOUT_SECOND_FACTOR:
        return None
    if not current_app.config.get("REQUIRE_2FA_FOR_ADMINS") or not current_user.is_authenticated:
        return None
    if current_user.is_admin and not current_user.two_factor_enabled:
        flash(_("Gli amministratori devono attivare la verifica in due passaggi prima di continuare."), "warning")
        return redirect(url_for("auth.two_factor_setup"), code=303)
    return None
