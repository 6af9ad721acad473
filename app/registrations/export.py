"""Registrant lists as files organizers open in a spreadsheet: CSV for Italian Excel, and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from app.countries import is_code as is_country_code
from app.countries import name as country_name
from app.i18n import current_language, pgettext
from app.i18n import gettext as _
from app.registrations import signals
from app.registrations.labels import ENTE_LABELS, REGISTRATION_STATUS_LABELS, ROLE_LABELS, answer_label
from app.registrations.models import Question, Registration
from app.timeutil import ROME

#: A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, by making it plain text."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


#: How a date and time reads in a spreadsheet cell, in Rome time.
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _text(cell: str | datetime | None) -> str:
    if isinstance(cell, datetime):
        return cell.astimezone(ROME).strftime("%d/%m/%Y %H:%M")
    return cell or ""


def _local(moment: datetime) -> datetime:
    """Excel has no time zones: a cell holds Rome's wall-clock time."""
    return moment.astimezone(ROME).replace(tzinfo=None)


def _answer(question: Question, value: str | None) -> str:
    return answer_label(question, value) if value else ""


def rows(registrations: list[Registration], questions: list[Question]) -> tuple[list[str], list[list]]:
    """Header and rows: every field and every answer as text, every date as an aware datetime
    (or None), for each format to write as it should."""
    header = [
        _("Cognome"),
        pgettext("persona", "Nome"),
        _("Email"),
        _("Telefono"),
        _("Ente"),
        _("Tipo di ente"),
        _("Codice ISTAT"),
        _("Paese"),
        _("Codice paese (ISO 3166)"),
        _("Ruolo"),
        _("Stato"),
        _("Data di iscrizione"),
        _("Data di conferma"),
        _("In lista d'attesa dal"),
        _("Data di annullamento"),
        _("Iscrizione fatta da"),
        _("Lingua"),
        _("Versione informativa privacy"),
    ]
    body = []
    for r in registrations:
        body.append(
            [
                r.last_name,
                r.first_name,
                r.email,
                r.phone or "",
                r.organization,
                str(ENTE_LABELS.get(r.ente_tipo, "")) if r.ente_tipo else "",
                r.comune_istat or "",
                country_name(r.ente_country, current_language()),
                r.ente_country if is_country_code(r.ente_country) else "",
                str(ROLE_LABELS.get(r.role, r.role)),
                str(REGISTRATION_STATUS_LABELS.get(r.status, r.status)),
                r.created_at,
                r.confirmed_at,
                r.waitlisted_at,
                r.cancelled_at,
                _("organizzatore") if r.source == "organizer" else _("online"),
                r.locale,
                r.consent_version,
            ]
        )
    # Columns other domains add (attendance, certificates…), then the answers, last.
    for _receiver, columns in signals.export_columns.send(registrations):
        for title, values in columns or []:
            header.append(title)
            for row, registration in zip(body, registrations, strict=True):
                row.append(values.get(registration.id, ""))
    header += [q.label for q in questions]
    for row, registration in zip(body, registrations, strict=True):
        row += [_answer(q, registration.answer_for(q.id)) for q in questions]
    return header, body


def to_csv(registrations: list[Registration], questions: list[Question]) -> bytes:
    return write_csv(*rows(registrations, questions))


def to_xlsx(registrations: list[Registration], questions: list[Question], title: str) -> bytes:
    header, body = rows(registrations, questions)
    return write_xlsx(header, body, title=title, sheet_title=_("Iscritti"))


def write_csv(header: list[str], body: list[list]) -> bytes:
    """UTF-8 with BOM and semicolons: what Excel set to Italian opens correctly with a double
    click. Every cell is guarded against formulas; dates are written the Italian way."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([guard_formula(cell) for cell in header])
    for row in body:
        writer.writerow([guard_formula(_text(cell)) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(header: list[str], body: list[list], *, title: str, sheet_title: str) -> bytes:
    """One sheet, header in bold and frozen, a filter, text kept as text (never a formula),
    dates as real dates shown the Italian way, columns as wide as their content."""
    # Imported here: openpyxl adds some 19 MiB to a process, which only the ones that write a
    # spreadsheet should carry, not every web worker (bench/README.md).
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(header)
    for row in body:
        sheet.append([_local(cell) if isinstance(cell, datetime) else cell for cell in row])
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                # openpyxl stores any string starting with "=" as a formula: force text.
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):
                # A real date, so Excel sorts and filters by it, shown the Italian way.
                cell.number_format = XLSX_DATETIME_FORMAT
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.columns, start=1):
        width = max(
            (len(_text(c.value) if isinstance(c.value, datetime) else str(c.value or "")) for c in column), default=10
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 50)
    workbook.properties.title = title[:200]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
