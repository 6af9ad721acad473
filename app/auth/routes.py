"""Login and logout of organizers."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.services import authenticate
from app.extensions import limiter
from app.i18n import gettext as _
from app.redirects import safe_next_path

bp = Blueprint("auth", __name__)


@bp.route("/accedi", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("manage.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(
                safe_next_path(request.args.get("next")) if request.args.get("next") else url_for("manage.dashboard"),
                code=303,
            )
        form.password.errors.append(_("Email o password non corretti."))
    return render_template("auth/login.html", form=form), 422 if request.method == "POST" else 200


@bp.post("/esci")
@login_required
def logout():
    logout_user()
    flash(_("Sei uscito dall'area riservata."), "success")
    return redirect(url_for("events.home"), code=303)
