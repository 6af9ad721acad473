"""Organizer accounts, for admins: invite by email, change role and limits, deactivate and
reactivate. Here, in the web layer, because an organizer's limits name event types and series
(the events domain), which the accounts domain below must not know."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import EmailField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

import app.manage.account_notifications  # noqa: F401  (the emails the accounts' signals call for)
from app.auth import services as accounts
from app.auth.models import Role, User
from app.events.models import EventType, Series
from app.extensions import db
from app.forms import BaseForm
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l

bp = Blueprint("manage_users", __name__)

ROLE_CHOICES = [
    SelectChoice(Role.ORGANIZER.value, _l("Organizzatore: eventi (tutti, o solo i tipi e le serie scelti qui sotto)")),
    SelectChoice(Role.ADMIN.value, _l("Amministratore: tutto, compresi gli account")),
]


class RoleForm(BaseForm):
    role = RadioField(_l("Ruolo"), choices=ROLE_CHOICES, default=Role.ORGANIZER.value, validators=[DataRequired()])
    type_ids = SelectMultipleField(
        _l("Solo questi tipi di evento"),
        coerce=int,
        validators=[Optional()],
        description=_l(
            "Nessuna scelta: tutti. Vale per gli organizzatori; con tipi e serie, vede gli eventi dell'uno o dell'altra."
        ),
    )
    series_ids = SelectMultipleField(_l("Solo queste serie"), coerce=int, validators=[Optional()])


class InviteForm(RoleForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Inserisca l'email.")), Length(max=254)])
    name = StringField(_l("Nome e cognome"), validators=[Optional(), Length(max=120)])


@bp.before_request
@login_required
def require_admin():
    """Accounts are for admins only."""
    if not current_user.is_admin:
        abort(403)


def _with_choices(form: RoleForm) -> RoleForm:
    form.type_ids.choices = [
        (t.id, t.label) for t in db.session.scalars(select(EventType).order_by(EventType.position, EventType.label))
    ]
    form.series_ids.choices = [
        SelectChoice(s.id, s.title) for s in db.session.scalars(select(Series).order_by(Series.title))
    ]
    return form


def _labels(user: User) -> str:
    types, series = accounts.limits_of(user)
    if user.is_admin or not (types or series):
        return ""
    names = [t.label for t in db.session.scalars(select(EventType).where(EventType.id.in_(types)))]
    names += [s.title for s in db.session.scalars(select(Series).where(Series.id.in_(series)))]
    return ", ".join(sorted(names))


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/utenti")
def users():
    form = _with_choices(InviteForm())
    rows = accounts.users()
    return render_template("manage/users.html", rows=rows, limits={u.id: _labels(u) for u in rows}, form=form)


@bp.post("/utenti")
def invite():
    form = _with_choices(InviteForm())
    if form.validate_on_submit():
        try:
            user = accounts.invite_user(
                form.email.data,
                name=form.name.data or "",
                role=Role(form.role.data),
                type_ids=form.type_ids.data or (),
                series_ids=form.series_ids.data or (),
                invited_by=current_user._get_current_object(),
            )
        except accounts.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            flash(_("Invito inviato a %(email)s: il link vale 72 ore.", email=user.email), "success")
            return redirect(url_for("manage_users.users"), code=303)
    rows = accounts.users()
    return (
        render_template("manage/users.html", rows=rows, limits={u.id: _labels(u) for u in rows}, form=form),
        422,
    )


@bp.route("/utenti/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    form = _with_choices(RoleForm())
    if request.method == "GET":
        types, series = accounts.limits_of(user)
        form.role.data, form.type_ids.data, form.series_ids.data = user.role, sorted(types), sorted(series)
    elif form.validate_on_submit():
        try:
            accounts.change_role(
                user,
                Role(form.role.data),
                type_ids=form.type_ids.data or (),
                series_ids=form.series_ids.data or (),
                by=current_user._get_current_object(),
            )
        except accounts.AccountError as error:
            form.role.errors.append(str(error))
        else:
            flash(_("Ruolo di %(email)s aggiornato.", email=user.email), "success")
            return redirect(url_for("manage_users.users"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("manage/users_edit.html", user=user, form=form), status


@bp.post("/utenti/<int:user_id>/<any(disattiva, riattiva):change>")
def user_active(user_id: int, change: str):
    user = _user_or_404(user_id)
    try:
        accounts.set_active(user, change == "riattiva", by=current_user._get_current_object())
    except accounts.AccountError as error:
        flash(str(error), "danger")
    else:
        if change == "riattiva":
            flash(_("%(email)s può di nuovo accedere.", email=user.email), "success")
        else:
            flash(_("%(email)s è disattivato: le sue sessioni sono terminate.", email=user.email), "success")
    return redirect(url_for("manage_users.users"), code=303)


@bp.post("/utenti/<int:user_id>/reinvia")
def user_reinvite(user_id: int):
    user = _user_or_404(user_id)
    if user.password_set or not user.active:
        abort(409)
    accounts.resend_invitation(user, current_user._get_current_object())
    flash(_("Nuovo invito inviato a %(email)s; il precedente non vale più.", email=user.email), "success")
    return redirect(url_for("manage_users.users"), code=303)
