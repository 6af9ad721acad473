"""Paper and spreadsheets for a course: the sign-in sheet of a lesson (foglio firme) as PDF, and
the attendance register of the whole course as CSV (Italian Excel) and XLSX."""

from __future__ import annotations

from flask import current_app, render_template

from app.courses import services as courses
from app.courses.certificates import html_to_pdf
from app.courses.labels import STANDING_LABELS
from app.events.models import Event
from app.formatting import long_datetime
from app.i18n import gettext as _
from app.i18n import pgettext
from app.registrations.export import write_csv, write_xlsx
from app.timeutil import ROME


def sign_in_sheet(slot: courses.Slot) -> bytes:
    """Everyone confirmed, by surname, with their ente and a column to sign: the paper the desk
    keeps for a lesson. The header row repeats on every page."""
    event = slot.event
    place = (slot.session.venue if slot.session and slot.session.venue else event.venue) if event.has_venue else None
    html = render_template(
        "courses/sign_in_sheet.html",
        event=event,
        slot=slot,
        when=long_datetime(slot.starts_at),
        place=place.full_address if place else _("Online"),
        people=courses.confirmed(event),
        organization=current_app.config["ORGANIZATION_NAME"],
    )
    return html_to_pdf(html)


def register_rows(event: Event) -> tuple[list[str], list[list]]:
    """One row per confirmed person, one column per lesson (✓, the minutes of a partial
    presence, or empty), then hours attended and the standing."""
    slots = courses.slots(event)
    header = [_("Cognome"), pgettext("persona", "Nome"), _("Ente")]
    header += [f"{slot.starts_at.astimezone(ROME):%d/%m} {slot.title}" for slot in slots]
    header += [_("Ore frequentate"), _("Ore del corso"), _("Attestato")]
    body = []
    for item in courses.progress(event):
        minutes = item.minutes_by_lesson
        cells = []
        for slot in slots:
            if slot.session_id not in minutes:
                cells.append("")
            elif minutes[slot.session_id] == slot.minutes:
                cells.append("✓")
            else:
                cells.append(_("%(n)s min", n=minutes[slot.session_id]))
        person = item.registration
        body.append(
            [person.last_name, person.first_name, person.organization, *cells]
            + [courses.hours(item.attended_minutes), courses.hours(item.total_minutes)]
            + [str(STANDING_LABELS[item.standing])]
        )
    return header, body


def register_csv(event: Event) -> bytes:
    return write_csv(*register_rows(event))


def register_xlsx(event: Event) -> bytes:
    header, body = register_rows(event)
    return write_xlsx(header, body, title=event.title, sheet_title=_("Registro presenze"))
