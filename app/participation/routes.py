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
    """A row as JSON: a count below SMALL_COUNT is null with events_suppressed true, so that
    "events" is always a number or nothing (the CSV and the page write "< 3")."""
    comune = row.comune
    suppressed = row.events < services.SMALL_COUNT
    return {
        "year": row.year,
        "istat_code": comune.code,
        "comune": comune.name,
        "province": comune.sigla,
        "region": comune.region,
        "size_class": comune.size_class,
        "events": None if suppressed else row.events,
        "events_suppressed": suppressed,
    }


def _refuse_unknown_language():
    """?lang= naming no language of the site is a 400, as on the rest of the API (app.api's
    in_language, which this layer below the API cannot import); the figures have no text to
    translate, so a known language changes nothing."""
    if "lang" in request.args and request.args["lang"] not in current_app.config["LANGUAGES"]:
        languages = ", ".join(current_app.config["LANGUAGES"])
        refusal = jsonify({"error": {"status": 400, "message": f"lang must be one of {languages}"}})
        refusal.status_code = 400
        abort(refusal)


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
    _refuse_unknown_language()
    year = _year()
    return jsonify(
        {
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "source": "ANCI Piemonte; comuni e popolazione: ISTAT",
            "note": (
                f"Counts below {services.SMALL_COUNT} are not given: events is null and events_suppressed "
                f'is true (the CSV writes "< {services.SMALL_COUNT}").'
            ),
            "csv": absolute_url("participation.csv", anno=year) if year else absolute_url("participation.csv"),
            "data": [_record(r) for r in services.open_data(year)],
        }
    )


@bp.get("/partecipazione.csv")
@bp.get("/api/v1/participation.csv", endpoint="api_csv")
def csv():
    _refuse_unknown_language()
    rows = services.open_data(_year())
    header = ["anno", "codice_istat", "comune", "provincia", "regione", "classe_popolazione", "eventi"]
    body = [
        [str(r.year), r.comune.code, r.comune.name, r.comune.sigla, r.comune.region, r.comune.size_class or "", r.shown]
        for r in rows
    ]
    response = current_app.response_class(write_csv(header, body), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="partecipazione-comuni.csv"'
    return response
