"""One person across every event, for the organizers: find them by address or name, hand over
their data (JSON) or erase it, as a data-protection request asks. An organizer limited to some
types or series finds, exports and erases only their events' registrations."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, or_, select

from app.audit import services as audit
from app.events.access import visible_events
from app.events.models import Event
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.i18n import ngettext
from app.inputs import text_arg
from app.registrations import privacy
from app.registrations.models import Registration
from app.responses import download, private
from app.search import LIKE_ESCAPE, fold, folded, like_pattern

bp = Blueprint("manage_people", __name__)

#: A search that would list half the database is refused: a person is looked for, not browsed.
MIN_QUERY = 3
MAX_RESULTS = 200


@bp.before_request
@login_required
def require_login():
    """Every organizer; what each one finds is narrowed to the events they may see."""


@dataclass(frozen=True)
class Person:
    email: str
    registrations: list[Registration]

    @property
    def name(self) -> str:
        latest = self.registrations[-1]
        return f"{latest.first_name} {latest.last_name}".strip()


def _visible_registrations():
    return (
        select(Registration)
        .join(Event, Registration.event_id == Event.id)
        .where(Registration.event_id.in_(visible_events(select(Event.id))), Registration.anonymised_at.is_(None))
        .order_by(Registration.created_at, Registration.id)
    )


def find_people(query: str) -> list[Person]:
    """Registrations that still hold personal data and match the address (exactly, any case) or
    the name (accents and case ignored), grouped by address."""
    needle = like_pattern(fold(query))
    registrations = db.session.scalars(
        _visible_registrations()
        .where(
            or_(
                func.lower(Registration.email) == query.strip().lower(),
                folded(Registration.first_name + " " + Registration.last_name).like(needle, escape=LIKE_ESCAPE),
                folded(Registration.last_name + " " + Registration.first_name).like(needle, escape=LIKE_ESCAPE),
            )
        )
        .limit(MAX_RESULTS)
    )
    people: dict[str, list[Registration]] = {}
    for registration in registrations:
        people.setdefault(registration.email.lower(), []).append(registration)
    return [Person(email, found) for email, found in sorted(people.items())]


def _registrations_of(email: str) -> list[Registration]:
    return list(db.session.scalars(_visible_registrations().where(func.lower(Registration.email) == email.strip().lower())))


def _email_from_form() -> str:
    email = (request.form.get("email") or "").strip()
    if not email or len(email) > 254:
        abort(400)
    return email


@bp.get("/privacy")
def people():
    query = text_arg("q", 254)
    too_short = query is not None and len(query) < MIN_QUERY
    found = find_people(query) if query and not too_short else []
    return private(
        render_template("manage/people.html", query=query, too_short=too_short, people=found, form=ConfirmForm())
    )


@bp.post("/privacy/esporta")
def export_person():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    email = _email_from_form()
    registrations = _registrations_of(email)
    if not registrations:
        flash(_("Nessun dato personale di %(email)s negli eventi che Lei gestisce.", email=email), "warning")
        return redirect(url_for(".people", q=email), code=303)
    audit.record(
        "privacy.esportazione",
        target=f"{len(registrations)} iscrizioni",
        detail=", ".join(str(r.id) for r in registrations),
    )
    body = json.dumps(privacy.export_data(registrations), ensure_ascii=False, indent=2).encode("utf-8")
    return download(body, "application/json; charset=utf-8", "dati-personali.json")


@bp.post("/privacy/cancella")
def erase_person():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    email = _email_from_form()
    if request.form.get("confirm") != "1":
        flash(_("Per cancellare, spunti la casella di conferma."), "warning")
        return redirect(url_for(".people", q=email), code=303)
    registrations = _registrations_of(email)
    ids = [r.id for r in registrations]
    erased = privacy.erase_registrations(registrations)
    if not erased:
        flash(_("Non c'era più nulla da cancellare: i dati erano già stati rimossi."), "info")
        return redirect(url_for(".people"), code=303)
    # The entry names the registrations by number only: the log must not keep what was erased.
    audit.record("privacy.cancellazione", target=f"{erased} iscrizioni", detail=", ".join(map(str, ids)))
    db.session.commit()
    flash(
        ngettext("Dati personali cancellati da %(num)d iscrizione.", "Dati personali cancellati da %(num)d iscrizioni.", erased),
        "success",
    )
    return redirect(url_for(".people"), code=303)
