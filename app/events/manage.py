"""The organizer area of the events domain: events, their programme and materials, their
status, and the reference lists (series, types, speakers, organizations, venues). Every route
about an event reaches it through access.event_for."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.comuni import comuni_names
from app.events import access, forms, services
from app.events.access import Action
from app.events.models import (
    Event,
    EventSession,
    EventType,
    Material,
    Organization,
    Series,
    Speaker,
    Theme,
    Venue,
)
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l

bp = Blueprint("manage_events", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of the area needs an organizer; anonymous visitors go to the login."""


def _choices(model, label_attr="name", order=None, empty=None):
    rows = db.session.scalars(select(model).order_by(order if order is not None else getattr(model, label_attr)))
    choices = [SelectChoice(row.id, getattr(row, label_attr)) for row in rows]
    return ([SelectChoice("", empty)] if empty is not None else []) + choices


def _event_form(form: forms.EventForm) -> forms.EventForm:
    form.type_id.choices = _choices(EventType, "label", EventType.position)
    form.series_id.choices = _choices(Series, "title", empty=_("— nessuna —"))
    limits = access.placeable(current_user)
    if limits is not None:
        # A limited organizer is offered what keeps the event in reach: their types, or any
        # type within their series.
        types, series = limits
        if not series:
            form.type_id.choices = [c for c in form.type_id.choices if c.value in types]
        if not types:
            form.series_id.choices = [c for c in form.series_id.choices if c.value in series]
    form.venue_id.choices = _choices(Venue, "full_address", Venue.name, empty=_("— nessuno —"))
    orgs = _choices(Organization, "display_name", Organization.name)
    form.organizer_ids.choices = orgs
    form.partner_ids.choices = orgs
    return form


def _form_status() -> int:
    """422 for a form sent back with errors, so clients and tests can tell."""
    return 422 if request.method == "POST" else 200


def _show_refusal(form, error: services.EventError) -> None:
    """A refusal about one field is shown next to it, like the form's own errors; any other on top."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "danger")


def _save(form, review, save, message: str):
    """Review, then save: a refusal goes on its field and nothing is saved (None); otherwise the
    saved object, `message` flashed, then the warnings about what is unusual."""
    try:
        warnings = review()
        saved = save()
    except services.EventError as error:
        _show_refusal(form, error)
        return None
    flash(message, "success")
    _flash_warnings(warnings)
    return saved


def _within_reach(form: forms.EventForm) -> bool:
    """The event's type and series keep it among the organizer's events; else said on the field."""
    if access.may_place(current_user, form.type_id.data, form.series_id.data or None):
        return True
    form.type_id.errors.append(_("Si possono gestire solo eventi dei tipi o delle serie assegnati al proprio account."))
    return False


def _flash_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        flash(warning, "warning")


# -- dashboard and events ---------------------------------------------------------------


@bp.route("/eventi/nuovo", methods=["GET", "POST"])
def event_create():
    form = _event_form(forms.EventForm())
    if request.method == "GET":
        event_type = db.session.scalar(select(EventType).where(EventType.slug == request.args.get("tipo")))
        if event_type is not None:
            form.type_id.data = event_type.id
            form.registration_required.data = event_type.requires_registration
            form.capacity.data = event_type.default_capacity
            form.all_day.data = event_type.all_day_by_default
        else:
            form.registration_required.data = True
    if form.validate_on_submit() and _within_reach(form):
        data = form.to_input()
        message = _("Evento creato come bozza: lo pubblichi quando è pronto.")
        saved = _save(form, lambda: services.review_event(data), lambda: services.create_event(data), message)
        if saved is not None:
            return redirect(url_for("manage_events.event_detail", event_id=saved.id), code=303)
    return render_template("manage/event_form.html", form=form, event=None), _form_status()


@bp.get("/eventi/<int:event_id>")
def event_detail(event_id: int):
    return _render_event_detail(access.event_for(event_id, Action.EDIT))


def _render_event_detail(event: Event, material_form: forms.MaterialForm | None = None):
    """The event's management page; a material form sent back with errors is shown as sent."""
    services.load_programme(event)
    page = render_template(
        "manage/event_detail.html",
        event=event,
        cancel_form=forms.ReasonForm(),
        postpone_form=forms.NoteForm(),
        material_form=material_form or forms.MaterialForm(),
        series_label=services.series_label(event, services.series_numbers([event]).get(event.id)),
    )
    return page, 422 if material_form is not None else 200


@bp.route("/eventi/<int:event_id>/modifica", methods=["GET", "POST"])
def event_edit(event_id: int):
    event = access.event_for(event_id, Action.EDIT)
    form = _event_form(forms.EventForm(obj=event))
    if request.method == "GET":
        form.fill_from(event)
    if form.validate_on_submit() and _within_reach(form):
        data = form.to_input()
        review = lambda: services.review_event(data, event)  # noqa: E731
        if _save(form, review, lambda: services.update_event(event, data), _("Modifiche salvate.")):
            return redirect(url_for("manage_events.event_detail", event_id=event.id), code=303)
    return render_template("manage/event_form.html", form=form, event=event), _form_status()


def _status_action(event_id: int, action, message: str):
    event = access.event_for(event_id, Action.EDIT)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action(event)
    flash(message, "success")
    return redirect(url_for("manage_events.event_detail", event_id=event.id), code=303)


@bp.post("/eventi/<int:event_id>/pubblica")
def event_publish(event_id: int):
    return _status_action(event_id, services.publish_event, _("Evento pubblicato: ora è visibile a tutti."))


@bp.post("/eventi/<int:event_id>/ritira")
def event_unpublish(event_id: int):
    return _status_action(event_id, services.unpublish_event, _("Evento riportato in bozza: non è più visibile."))


@bp.post("/eventi/<int:event_id>/duplica")
def event_duplicate(event_id: int):
    event = access.event_for(event_id, Action.EDIT)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    copy = services.duplicate_event(event)
    flash(_("Creata una copia in bozza: aggiorna date e dettagli."), "success")
    return redirect(url_for("manage_events.event_edit", event_id=copy.id), code=303)


@bp.post("/eventi/<int:event_id>/elimina")
def event_delete(event_id: int):
    event = access.event_for(event_id, Action.EDIT)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_event(event, current_app.config["UPLOAD_FOLDER"])
    except services.EventError as error:
        flash(str(error), "danger")
        return redirect(url_for("manage_events.event_detail", event_id=event.id), code=303)
    flash(_("Bozza eliminata."), "success")
    return redirect(url_for("manage.dashboard"), code=303)


@bp.post("/eventi/<int:event_id>/annulla")
def event_cancel(event_id: int):
    event = access.event_for(event_id, Action.EDIT)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        services.cancel_event(event, form.reason.data)
        flash(_("Evento annullato. Resta visibile con il motivo."), "success")
    else:
        flash(_("Per annullare l'evento indica il motivo."), "danger")
    return redirect(url_for("manage_events.event_detail", event_id=event.id), code=303)


@bp.post("/eventi/<int:event_id>/rinvia")
def event_postpone(event_id: int):
    event = access.event_for(event_id, Action.EDIT)
    form = forms.NoteForm()
    if not form.validate_on_submit():
        abort(400)
    services.postpone_event(event, form.note.data)
    flash(_("Evento segnato come rinviato. Quando la nuova data è nota, modificala e ripubblica."), "success")
    return redirect(url_for("manage_events.event_detail", event_id=event.id), code=303)


# -- programme --------------------------------------------------------------------------


def _session_form(form: forms.SessionForm) -> forms.SessionForm:
    form.speaker_ids.choices = [
        SelectChoice(s.id, f"{s.name} ({s.organization.acronym or s.organization.name})" if s.organization else s.name)
        for s in db.session.scalars(select(Speaker).order_by(Speaker.name))
    ]
    form.venue_id.choices = _choices(Venue, "full_address", Venue.name, empty=_("— quello dell'evento —"))
    return form


@bp.route("/eventi/<int:event_id>/programma/nuovo", methods=["GET", "POST"])
def session_create(event_id: int):
    event = access.event_for(event_id, Action.EDIT)
    form = _session_form(forms.SessionForm())
    if request.method == "GET":
        if event.sessions:
            # A new item usually follows the last one: start from its date and times. Not from
            # its speakers: a copied name is easily left on a lesson someone else gives.
            form.follow(event.sessions[-1])
        else:
            form.date.data = event.first_day
    if form.validate_on_submit():
        data = form.to_input()
        review = lambda: services.review_session(data, event)  # noqa: E731
        if _save(form, review, lambda: services.add_session(event, data), _("Voce del programma aggiunta.")):
            return redirect(url_for("manage_events.event_detail", event_id=event.id, _anchor="programma"), code=303)
    return render_template("manage/session_form.html", form=form, event=event, session=None), _form_status()


def _get_session(event_id: int, session_id: int) -> EventSession:
    event = access.event_for(event_id, Action.EDIT)
    session = db.session.get(EventSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    return session


@bp.route("/eventi/<int:event_id>/programma/<int:session_id>", methods=["GET", "POST"])
def session_edit(event_id: int, session_id: int):
    session = _get_session(event_id, session_id)
    form = _session_form(forms.SessionForm(obj=session))
    if request.method == "GET":
        form.fill_from(session)
    if form.validate_on_submit():
        data = form.to_input()
        review = lambda: services.review_session(data, session.event, session)  # noqa: E731
        if _save(form, review, lambda: services.update_session(session, data), _("Voce del programma aggiornata.")):
            return redirect(url_for("manage_events.event_detail", event_id=event_id, _anchor="programma"), code=303)
    return render_template("manage/session_form.html", form=form, event=session.event, session=session), _form_status()


@bp.post("/eventi/<int:event_id>/programma/<int:session_id>/elimina")
def session_delete(event_id: int, session_id: int):
    session = _get_session(event_id, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_session(session)
    flash(_("Voce del programma eliminata."), "success")
    return redirect(url_for("manage_events.event_detail", event_id=event_id, _anchor="programma"), code=303)


@bp.post("/eventi/<int:event_id>/programma/<int:session_id>/sposta")
def session_move(event_id: int, session_id: int):
    session = _get_session(event_id, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.move_session(session, -1 if request.form.get("direzione") == "su" else 1)
    return redirect(url_for("manage_events.event_detail", event_id=event_id, _anchor="programma"), code=303)


# -- materials --------------------------------------------------------------------------


@bp.post("/eventi/<int:event_id>/materiali")
def material_add(event_id: int):
    event = access.event_for(event_id, Action.EDIT)
    form = forms.MaterialForm()
    if form.validate_on_submit():
        try:
            translations = form.translations_input()
            if form.url.data:
                services.add_material_link(event, form.title.data, form.url.data, translations)
            else:
                upload_folder = current_app.config["UPLOAD_FOLDER"]
                services.add_material_file(event, form.title.data, form.file.data, upload_folder, translations)
        except services.EventError as error:
            flash(str(error), "danger")
        else:
            flash(_("Materiale aggiunto."), "success")
            return redirect(url_for("manage_events.event_detail", event_id=event.id, _anchor="materiali"), code=303)
    return _render_event_detail(event, material_form=form)


@bp.post("/eventi/<int:event_id>/materiali/<int:material_id>/elimina")
def material_delete(event_id: int, material_id: int):
    event = access.event_for(event_id, Action.EDIT)
    material = db.session.get(Material, material_id)
    if material is None or material.event_id != event.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_material(material, current_app.config["UPLOAD_FOLDER"])
    flash(_("Materiale eliminato."), "success")
    return redirect(url_for("manage_events.event_detail", event_id=event_id, _anchor="materiali"), code=303)


# -- reference data: one generic list/create/edit/delete per kind -------------------------


@dataclass(frozen=True)
class Catalogue:
    model: type
    form: type
    title: str
    singular: str
    columns: tuple[tuple[str, str], ...]
    order: object
    admin_only: bool = False
    slug_from: str | None = None


CATALOGUES = {
    "serie": Catalogue(
        Series,
        forms.SeriesForm,
        _l("Serie"),
        _l("serie"),
        (("title", _l("Titolo")), ("item_label", _l("Appuntamento"))),
        Series.title,
        slug_from="title",
    ),
    "tipi": Catalogue(
        EventType,
        forms.EventTypeForm,
        _l("Tipi di evento"),
        _l("tipo"),
        (
            ("label", _l("Nome")),
            ("slug", _l("Codice")),
            ("color", _l("Colore")),
            ("default_capacity", _l("Posti predefiniti")),
        ),
        EventType.position,
        admin_only=True,
    ),
    "temi": Catalogue(
        Theme,
        forms.ThemeForm,
        _l("Temi"),
        _l("tema"),
        (("name", _l("Nome")),),
        Theme.name,
        slug_from="name",
    ),
    "relatori": Catalogue(
        Speaker,
        forms.SpeakerForm,
        _l("Relatori"),
        _l("relatore"),
        (("name", _l("Nome")), ("role", _l("Ruolo")), ("organization", _l("Organizzazione"))),
        Speaker.name,
    ),
    "organizzazioni": Catalogue(
        Organization,
        forms.OrganizationForm,
        _l("Organizzazioni"),
        _l("organizzazione"),
        (("name", _l("Nome")), ("acronym", _l("Sigla")), ("country", _l("Paese"))),
        Organization.name,
    ),
    "luoghi": Catalogue(
        Venue,
        forms.VenueForm,
        _l("Luoghi"),
        _l("luogo"),
        (("name", _l("Nome")), ("address", _l("Indirizzo")), ("comune", _l("Comune"))),
        Venue.name,
    ),
}


def _catalogue(kind: str) -> Catalogue:
    catalogue = CATALOGUES.get(kind)
    if catalogue is None:
        abort(404)
    if catalogue.admin_only and not current_user.is_admin:
        abort(403)
    return catalogue


def _prepare(form):
    if isinstance(form, forms.SpeakerForm):
        form.organization_id.choices = _choices(Organization, "display_name", Organization.name, empty=_("— nessuna —"))
    return form


@bp.get("/<any(serie, temi, tipi, relatori, organizzazioni, luoghi):kind>/")
def catalogue_list(kind: str):
    catalogue = _catalogue(kind)
    rows = db.session.scalars(select(catalogue.model).order_by(catalogue.order)).all()
    return render_template("manage/catalogue_list.html", kind=kind, catalogue=catalogue, rows=rows)


def _values(form) -> dict:
    """What the organizer typed, by attribute name (every field but the CSRF token); what was
    written in the other languages goes together under "translations"."""
    translated = isinstance(form, forms.TranslatedForm)
    values = {
        name: field.data
        for name, field in form._fields.items()
        if name != "csrf_token" and not (translated and form.is_translation(name))
    }
    if translated:
        values["translations"] = form.translations_input()
    return values


@bp.route("/<any(serie, temi, tipi, relatori, organizzazioni, luoghi):kind>/nuovo", methods=["GET", "POST"])
@bp.route("/<any(serie, temi, tipi, relatori, organizzazioni, luoghi):kind>/<int:row_id>", methods=["GET", "POST"])
def catalogue_edit(kind: str, row_id: int | None = None):
    catalogue = _catalogue(kind)
    row = db.get_or_404(catalogue.model, row_id) if row_id is not None else None
    form = _prepare(catalogue.form(obj=row))
    if request.method == "GET" and row is not None and isinstance(form, forms.TranslatedForm):
        form.fill_translations(row)
    if form.validate_on_submit():
        try:
            services.save_reference(
                row if row is not None else catalogue.model(),
                _values(form),
                slug_from=catalogue.slug_from,
                translated=tuple(getattr(form, "TRANSLATED", {})),
            )
        except services.EventError as error:
            flash(str(error), "danger")
        else:
            flash(_("Salvato."), "success")
            return redirect(url_for("manage_events.catalogue_list", kind=kind), code=303)
    return render_template(
        "manage/catalogue_form.html",
        kind=kind,
        catalogue=catalogue,
        form=form,
        row=row,
        comuni=comuni_names() if kind == "luoghi" else [],
    ), _form_status()


@bp.post("/<any(serie, temi, tipi, relatori, organizzazioni, luoghi):kind>/<int:row_id>/elimina")
def catalogue_delete(kind: str, row_id: int):
    catalogue = _catalogue(kind)
    row = db.get_or_404(catalogue.model, row_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_reference(row)
    except services.EventError as error:
        flash(str(error), "danger")
    else:
        flash(_("Eliminato."), "success")
    return redirect(url_for("manage_events.catalogue_list", kind=kind), code=303)
