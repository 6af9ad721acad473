"""The organizer's attendance pages: one lesson at a time on a phone (with or without
JavaScript), the whole course as a matrix with each person's standing and the certificate rule,
and the QR check-in a participant shows at the door. Every event route reaches its event
through the one door, `events.access.event_for`."""

from __future__ import annotations

import re
from collections import Counter

import segno
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from app.courses import qr, sheets
from app.courses import services as courses
from app.courses.forms import RuleForm
from app.courses.labels import STANDING_LABELS
from app.events import access
from app.events.models import Event
from app.forms import ConfirmForm
from app.i18n import gettext as _
from app.i18n import ngettext
from app.registrations.manage import registration_in
from app.registrations.models import Registration
from app.responses import download
from app.timeutil import utcnow

bp = Blueprint("manage_courses", __name__)

_WHOLE_NUMBER = re.compile(r"\d{1,5}")


@bp.before_request
@login_required
def require_login():
    """Participants' attendance: organizers only."""


def _event(event_id: int) -> Event:
    """Through the door: attendance is registrants' data."""
    return access.event_for(event_id, access.Action.REGISTRANTS)




def _slot(event: Event, session_id: int | None) -> courses.Slot:
    """The lesson asked for, or 404 when it is not one of this event's."""
    try:
        return courses.slot_for(event, session_id)
    except courses.CourseError:
        abort(404)


def _chosen_slot(event: Event, raw: str | None) -> courses.Slot:
    """The lesson named by `lezione` (query or form); none named: today's lesson first."""
    raw = (raw or "").strip()
    if not raw:
        return courses.current_slot(event)
    if not _WHOLE_NUMBER.fullmatch(raw):
        abort(404)
    return _slot(event, int(raw))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _name_key(registration: Registration) -> str:
    return " ".join(f"{registration.first_name} {registration.last_name}".casefold().split())


def _back_to_lesson(event: Event, slot: courses.Slot):
    return redirect(url_for(".attendance", event_id=event.id, lezione=slot.session_id), code=303)


# -- one lesson ----------------------------------------------------------------------------------------


@bp.get("/eventi/<int:event_id>/presenze")
def attendance(event_id: int):
    """The desk's page for a lesson: everyone confirmed, a search box, one tap each."""
    event = _event(event_id)
    slot = _chosen_slot(event, request.args.get("lezione"))
    people = courses.confirmed(event)
    present = courses.attendance_minutes(slot)
    names = Counter(_name_key(p) for p in people)
    confirmed_ids = {p.id for p in people}
    return render_template(
        "courses/attendance.html",
        event=event,
        slot=slot,
        slots=courses.slots(event),
        started=slot.has_started(),
        people=people,
        present=present,
        present_count=sum(1 for registration_id in present if registration_id in confirmed_ids),
        # Two people with the same name look alike at the desk: they also show their address.
        homonyms={p.id for p in people if names[_name_key(p)] > 1},
    )


def _parse_minutes(raw: str | None) -> int | None:
    """Minutes typed for a partial presence; empty: the whole lesson."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise courses.CourseError(_("Indicare i minuti di presenza con un numero intero."))
    return int(raw)


@bp.get("/eventi/<int:event_id>/presenze/foglio-firme.pdf")
def sign_in_sheet(event_id: int):
    """The paper sign-in sheet of the chosen lesson, for the desk to print."""
    event = _event(event_id)
    slot = _chosen_slot(event, request.args.get("lezione"))
    return download(sheets.sign_in_sheet(slot), "application/pdf", f"foglio-firme-{event.slug}-{slot.starts_at:%Y%m%d}.pdf")


@bp.get("/eventi/<int:event_id>/presenze/registro.<any(csv, xlsx):kind>")
def attendance_register(event_id: int, kind: str):
    """The whole course's attendance, one row per person, one column per lesson."""
    event = _event(event_id)
    if kind == "csv":
        return download(sheets.register_csv(event), "text/csv; charset=utf-8", f"registro-{event.slug}.csv")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return download(sheets.register_xlsx(event), xlsx, f"registro-{event.slug}.xlsx")




@bp.post("/eventi/<int:event_id>/presenze/<int:registration_id>")
def attendance_tap(event_id: int, registration_id: int):
    """A tap: present (wholly, or for the minutes typed) or not; answers JSON to the page's script."""
    event = _event(event_id)
    registration = registration_in(event, registration_id)
    slot = _chosen_slot(event, request.form.get("lezione"))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    present = request.form.get("presente") != "0"
    try:
        if present:
            attendance = courses.mark_present(
                registration, slot, minutes=_parse_minutes(request.form.get("minuti")), user_id=current_user.id
            )
            minutes = attendance.minutes
        else:
            courses.mark_absent(registration, slot, user_id=current_user.id)
            minutes = None
    except courses.CourseError as error:
        if _wants_json():
            return jsonify({"error": str(error)}), 409
        flash(str(error), "danger")
        return _back_to_lesson(event, slot)
    if _wants_json():
        return jsonify(
            {
                "id": registration.id,
                "present": present,
                "minutes": minutes,
                "present_count": len(courses.present_ids(slot)),
            }
        )
    return _back_to_lesson(event, slot)


@bp.route("/eventi/<int:event_id>/presenze/tutti", methods=["GET", "POST"])
def attendance_all(event_id: int):
    """'Tutti presenti', after a confirmation page (the same without JavaScript)."""
    event = _event(event_id)
    slot = _chosen_slot(event, request.values.get("lezione"))
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            marked = courses.mark_all_present(slot, user_id=current_user.id)
        except courses.CourseError as error:
            flash(str(error), "danger")
        else:
            flash(ngettext("Segnata presente %(num)s persona.", "Segnate presenti %(num)s persone.", marked), "success")
        return _back_to_lesson(event, slot)
    people = courses.confirmed(event)
    present = set(courses.present_ids(slot))
    return render_template(
        "courses/attendance_all.html",
        event=event,
        slot=slot,
        started=slot.has_started(),
        to_mark=sum(1 for p in people if p.id not in present),
    )


# -- the whole course ---------------------------------------------------------------------------------


@bp.get("/eventi/<int:event_id>/presenze/riepilogo")
def attendance_summary(event_id: int):
    """People × lessons, hours and standing per person, and the certificate rule."""
    event = _event(event_id)
    rule = courses.rule_for(event)
    form = RuleForm(data={"enabled": rule.enabled, "basis": rule.basis, "min_percent": rule.min_percent})
    return _summary(event, form)


@bp.post("/eventi/<int:event_id>/presenze/regola")
def attendance_rule(event_id: int):
    event = _event(event_id)
    form = RuleForm()
    if form.validate_on_submit():
        try:
            courses.set_rule(event, enabled=form.enabled.data, basis=form.basis.data, min_percent=form.min_percent.data)
        except courses.CourseError as error:
            form.min_percent.errors.append(str(error))
        else:
            flash(_("Regola dell'attestato salvata."), "success")
            return redirect(url_for(".attendance_summary", event_id=event.id), code=303)
    return _summary(event, form), 400


def _summary(event: Event, form: RuleForm):
    return render_template(
        "courses/summary.html",
        event=event,
        form=form,
        slots=courses.slots(event),
        grid=courses.attendance_grid(event),
        progress=courses.progress(event),
        rule=courses.rule_for(event),
        hours=courses.hours,
        STANDING_LABELS=STANDING_LABELS,
    )


# -- QR check-in ------------------------------------------------------------------------------------


@bp.app_template_global("check_in_qr")
def check_in_qr(registration: Registration) -> Markup:
    """The QR code a participant shows at the door, as an image with the signed check-in link."""
    data_uri = segno.make(qr.check_in_url(registration), error="m").svg_data_uri(scale=4, border=2)
    return Markup('<img src="{}" alt="{}" class="img-fluid" width="{}" height="{}">').format(
        data_uri, _("Codice QR per l'accoglienza"), 240, 240
    )


def _refused(error: courses.CheckInRefused):
    return render_template("courses/qr_refused.html", message=str(error)), error.status


@bp.route("/presenze/<code>", methods=["GET", "POST"])
def qr_check_in(code: str):
    """Where a scanned QR lands: names the person and the lesson in progress (or asks which),
    and marks them present with one tap."""
    try:
        registration = courses.registration_for_check_in(code)
    except courses.CheckInRefused as error:
        return _refused(error)
    event = _event(registration.event_id)
    now = utcnow()
    started = [slot for slot in courses.slots(event) if slot.has_started(now)]
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        raw = request.form.get("lezione")
        if not event.lessons or raw:
            slot = _chosen_slot(event, raw) if event.lessons else courses.slot_for(event, None)
            try:
                courses.mark_present(registration, slot, user_id=current_user.id)
            except courses.CourseError as error:
                return render_template("courses/qr_refused.html", message=str(error)), 409
            flash(
                _("%(name)s: presenza segnata (%(lesson)s).", name=registration.full_name, lesson=slot.title), "success"
            )
            return redirect(url_for(".qr_check_in", code=code, lezione=slot.session_id), code=303)
        flash(_("Scegliere la lezione."), "danger")
    in_progress = [slot for slot in started if now < slot.ends_at]
    if request.args.get("lezione"):
        chosen = _chosen_slot(event, request.args.get("lezione"))
    elif not event.lessons:
        chosen = started[0] if started else None
    else:
        chosen = in_progress[0] if len(in_progress) == 1 else None
    present_at = {slot.session_id for slot in started if courses.attendance_of(registration, slot) is not None}
    return render_template(
        "courses/qr_check_in.html",
        event=event,
        registration=registration,
        code=code,
        chosen=chosen,
        started=started,
        present_at=present_at,
    )
