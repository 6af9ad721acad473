"""Participation as open data: per comune and year, how many events its representatives attended,
as a public page, JSON (`/api/v1/participation`) and CSV. Aggregates only, never a name; counts
below three are published as "< 3"; licence CC BY 4.0. Off with PUBLIC_PARTICIPATION=false."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_babel import format_decimal

from app import comuni
from app.extensions import csrf
from app.inputs import MAX_YEAR, MIN_YEAR, int_arg
from app.participation import services
from app.participation.tables import SIZE_LABELS
from app.registrations.export import write_csv
from app.urls import absolute_url

bp = Blueprint("participation", __name__)
csrf.exempt(bp)

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.it"


@bp.app_template_filter("italian_number")
def italian_number(value) -> str:
    """1.234 and 12,5 in Italian; the other languages' own way."""
    return format_decimal(value, format="#,##0.#")


@bp.before_request
def only_when_published():
    if not current_app.config["PUBLIC_PARTICIPATION"]:
        abort(404)


def _year() -> int | None:
    """The year asked for; a malformed one is refused, not silently widened to every year."""
    if not request.args.get("anno", request.args.get("year")):
        return None
    year = int_arg("anno", low=MIN_YEAR, high=MAX_YEAR) or int_arg("year", low=MIN_YEAR, high=MAX_YEAR)
    if year is None:
        abort(400)
    return year


def _record(row: services.OpenDataRow) -> dict:
    comune = row.comune
    return {
        "year": row.year,
        "istat_code": comune.code,
        "comune": comune.name,
        "province": comune.sigla,
        "region": comune.region,
        "size_class": comune.size_class,
        "events": row.shown,
    }


@bp.get("/partecipazione")
def page():
    year = _year()
    rows = services.open_data(year)
    years = sorted({r.year for r in services.open_data()}, reverse=True)
    return render_template(
        "participation/public.html",
        rows=rows,
        year=year,
        years=years,
        size_labels=SIZE_LABELS,
        provinces=comuni.PROVINCES,
        licence=LICENCE,
        licence_url=LICENCE_URL,
        small=services.SMALL_COUNT,
    )


@bp.get("/api/v1/participation")
def api():
    year = _year()
    return jsonify(
        {
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "source": "ANCI Piemonte; comuni e popolazione: ISTAT",
            "note": f'Counts below {services.SMALL_COUNT} are given as "< {services.SMALL_COUNT}".',
            "csv": absolute_url("participation.csv", anno=year) if year else absolute_url("participation.csv"),
            "data": [_record(r) for r in services.open_data(year)],
        }
    )


@bp.get("/partecipazione.csv")
@bp.get("/api/v1/participation.csv", endpoint="api_csv")
def csv():
    rows = services.open_data(_year())
    header = ["anno", "codice_istat", "comune", "provincia", "regione", "classe_popolazione", "eventi"]
    body = [[str(r["year"]), *(str(r[k] or "") for k in list(r)[1:])] for r in map(_record, rows)]
    response = current_app.response_class(write_csv(header, body), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="partecipazione-comuni.csv"'
    return response
