"""Login and logout of organizers, forgotten passwords, invitations, and one's own password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from app.extensions import limiter
from app.i18n import gettext as _
from app.redirects import safe_next_path

bp = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_rate_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    """The account a login attempt is about, whatever address it comes from: the limit is
    shared by every worker through the limiter's storage (Redis in production)."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/accedi", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_account_rate_limit, key_func=_account_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("manage.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(
                safe_next_path(request.args.get("next")) if request.args.get("next") else url_for("manage.dashboard"),
                code=303,
            )
        # The same words for an unknown address, a wrong password and a locked account: the
        # owner of a locked account learns it by email.
        form.password.errors.append(_("Email o password non corretti."))
    return render_template("auth/login.html", form=form), 422 if request.method == "POST" else 200


@bp.post("/esci")
@login_required
def logout():
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("Sei uscito dall'area riservata."), "success")
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
            flash(_("Password salvata: ora sei nell'area organizzatori."), "success")
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
