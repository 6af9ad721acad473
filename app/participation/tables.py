"""The participation figures as tables: each one shown on the page under its chart and exported as
it is shown (CSV for Italian Excel, XLSX), so the page and the files can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date

from app import comuni
from app.countries import is_code as is_country_code
from app.countries import name as country_name
from app.i18n import current_language
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.participation.services import Participation
from app.registrations.export import write_csv, write_xlsx

SIZE_LABELS = {
    "lt1000": _l("meno di 1.000 abitanti"),
    "1000-4999": _l("da 1.000 a 4.999 abitanti"),
    "5000-14999": _l("da 5.000 a 14.999 abitanti"),
    "ge15000": _l("15.000 abitanti e oltre"),
}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list]


def _comune_cells(comune) -> list:
    return [
        comune.code,
        comune.name,
        comune.sigla,
        str(SIZE_LABELS.get(comune.size_class, "")) if comune.size_class else "",
    ]


def _comune_header() -> list[str]:
    return [_("Codice ISTAT"), _("Comune"), _("Provincia"), _("Classe di popolazione")]


def _figures_rows(items) -> list[list]:
    return [[*_comune_cells(f.comune), f.people, f.registrations, f.attendances, f.hours, f.events] for f in items]


def _figures_header() -> list[str]:
    return [
        *_comune_header(),
        _("Persone"),
        _("Iscrizioni confermate"),
        _("Presenze"),
        _("Ore di formazione (corsi)"),
        _("Eventi"),
    ]


def month_label(month: str) -> str:
    """ "2026-10" as "ott 2026" (in the page's language)."""
    return format_date(date.fromisoformat(f"{month}-01"), "MMM y")


#: Table names, as they appear in the export addresses.
NAMES = ("comuni", "province", "classi", "mesi", "piu-attivi", "mai-raggiunti", "estero")


def table(name: str, result: Participation, province: str | None = None, size: str | None = None) -> Table:
    if name == "comuni":
        return Table(name, _("Partecipazione per comune"), _figures_header(), _figures_rows(result.per_comune))
    if name == "piu-attivi":
        return Table(name, _("I comuni più attivi"), _figures_header(), _figures_rows(result.most_active()))
    if name == "province":
        return Table(
            name,
            _("Comuni raggiunti per provincia"),
            [_("Provincia"), _("Comuni raggiunti"), _("Comuni della provincia"), _("Quota (%)")],
            [[comuni.PROVINCES[g.key], g.reached, g.total, g.share] for g in result.provinces],
        )
    if name == "classi":
        return Table(
            name,
            _("Comuni raggiunti per classe di popolazione"),
            [_("Classe di popolazione"), _("Comuni raggiunti"), _("Comuni della classe"), _("Quota (%)")],
            [[str(SIZE_LABELS[g.key]), g.reached, g.total, g.share] for g in result.sizes],
        )
    if name == "mesi":
        rows = [[month_label(m.month), m.comuni, m.registrations, m.attendances] for m in result.months]
        if result.registrations_elsewhere:
            # without it the columns would not add up to the totals above the table
            rows.append(
                [
                    _("Senza comune (altri enti o non abbinati)"),
                    None,
                    result.registrations_elsewhere,
                    result.attendances_elsewhere,
                ]
            )
        return Table(
            name,
            _("Andamento per mese"),
            [_("Mese"), _("Comuni raggiunti"), _("Iscrizioni confermate"), _("Presenze")],
            rows,
        )
    if name == "estero":
        return Table(
            name,
            _("Enti con sede all'estero, per paese"),
            [_("Paese"), _("Codice paese (ISO 3166)"), _("Persone"), _("Iscrizioni confermate")],
            [
                [
                    country_name(c.country, current_language()) or _("(non indicato)"),
                    c.country if is_country_code(c.country) else "",
                    c.people,
                    c.registrations,
                ]
                for c in result.abroad
            ],
        )
    if name == "mai-raggiunti":
        return Table(
            name,
            _("Comuni mai raggiunti"),
            [*_comune_header(), _("Popolazione (2011)")],
            [[*_comune_cells(c), c.population] for c in result.never_reached(province, size)],
        )
    raise KeyError(name)


def to_csv(t: Table) -> bytes:
    return write_csv(t.header, [[_cell(c) for c in row] for row in t.rows])


def to_xlsx(t: Table) -> bytes:
    return write_xlsx(t.header, t.rows, title=t.title, sheet_title=t.title)


def _cell(value) -> str:
    """Numbers the Italian way in CSV: a decimal comma, so Excel reads them as numbers."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return "" if value is None else str(value)


def comune_tables(history) -> dict[str, Table]:
    """The two tables of a comune's page, as shown there (names included: the page and its
    files are for the organizers who may see those events)."""
    return {
        "ore": Table(
            "ore",
            _("Ore di formazione per anno"),
            [_("Anno"), _("Ore")],
            [[year, hours] for year, hours in history.hours_by_year],
        ),
        "eventi": Table(
            "eventi",
            _("Eventi e persone"),
            [_("Evento"), _("Data"), _("Persone"), _("Ore")],
            [
                [
                    item.event.title,
                    item.event.starts_at,
                    "; ".join(_("(dati anonimizzati)") if r.anonymised_at else r.full_name for r in item.registrations),
                    round(item.minutes / 60, 1),
                ]
                for item in history.events
            ],
        ),
    }
