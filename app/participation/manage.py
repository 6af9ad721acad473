"""The organizers' participation pages: the dashboard of comuni reached, each comune's page, the
free-text entes still to resolve, the annual report (page and PDF) and every table as CSV and
XLSX. Figures come only from the events the signed-in organizer may see (`visible_events`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user, login_required
from sqlalchemy import select

from app import comuni
from app.courses.certificates import html_to_pdf
from app.events import services as events
from app.events.access import visible_events
from app.events.models import Event, Series
from app.extensions import db
from app.i18n import gettext as _
from app.inputs import MAX_ID, date_arg, int_arg, text_arg
from app.participation import services, tables
from app.participation.forms import ResolveForm
from app.participation.tables import SIZE_LABELS
from app.registrations import services as registrations
from app.registrations.labels import ENTE_LABELS
from app.responses import download, private
from app.timeutil import ROME, today_rome

bp = Blueprint("manage_participation", __name__)

#: Years a report can be asked for; others are no year of this association's activity.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@bp.before_request
@login_required
def require_login():
    """Figures by comune are for the organizers."""


def _filters() -> tuple[services.Filters, dict, str | None]:
    """The dashboard's filters from the query string, what to write back in its form, and a
    message when they cannot be applied together."""
    args = {
        "dal": date_arg("dal"),
        "al": date_arg("al"),
        "tipo": int_arg("tipo", low=1, high=MAX_ID),
        "serie": int_arg("serie", low=1, high=MAX_ID),
        "evento": int_arg("evento", low=1, high=MAX_ID),
        "provincia": (text_arg("provincia", 2) or "").upper() or None,
        "classe": text_arg("classe", 20),
    }
    if args["provincia"] not in comuni.PROVINCES:
        args["provincia"] = None
    if args["classe"] not in SIZE_LABELS:
        args["classe"] = None
    try:
        filters = services.Filters(args["dal"], args["al"], args["tipo"], args["serie"], args["evento"])
        problem = None
    except services.ParticipationError as error:
        filters, problem = services.Filters(None, None, args["tipo"], args["serie"], args["evento"]), str(error)
        args["al"] = None
    return filters, args, problem


def _query_args(args: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in args.items() if v}


@bp.get("/partecipazione")
def dashboard():
    filters, args, problem = _filters()
    if problem:
        flash(problem, "warning")
    result = services.participation(filters, visible_events)
    shown = {name: tables.table(name, result, args["provincia"], args["classe"]) for name in tables.NAMES}
    return render_template(
        "participation/dashboard.html",
        result=result,
        tables=shown,
        args=args,
        query=_query_args(args),
        types=events.event_types(),
        series=db.session.scalars(select(Series).order_by(Series.title)).all(),
        events=db.session.scalars(visible_events(select(Event).order_by(Event.starts_at.desc())).limit(300)).all(),
        provinces=comuni.PROVINCES,
        size_labels=SIZE_LABELS,
        unresolved=len(services.unresolved(visible_events)),
    )


@bp.get(
    "/partecipazione/<any(comuni, province, classi, mesi, 'piu-attivi', 'mai-raggiunti', estero):name>.<any(csv, xlsx):fmt>"
)
def export(name: str, fmt: str):
    filters, args, _problem = _filters()
    table = tables.table(name, services.participation(filters, visible_events), args["provincia"], args["classe"])
    return _download(table, fmt, f"partecipazione-{name}")


@bp.get("/partecipazione/comuni/<code>")
def comune(code: str):
    history = services.comune_history(code, visible_events)
    if history is None:
        abort(404)
    if history.comune.code != code:  # a merged comune: its successor's page
        return redirect(url_for(".comune", code=history.comune.code), code=301)
    return private(render_template("participation/comune.html", history=history, size_labels=SIZE_LABELS))


@bp.get("/partecipazione/comuni/<code>/<any(ore, eventi):name>.<any(csv, xlsx):fmt>")
def comune_export(code: str, name: str, fmt: str):
    history = services.comune_history(code, visible_events)
    if history is None or history.comune.code != code:
        abort(404)
    return _download(tables.comune_tables(history)[name], fmt, f"partecipazione-{code}-{name}")


def _download(table: tables.Table, fmt: str, stem: str):
    if fmt == "csv":
        return download(tables.to_csv(table), "text/csv", f"{stem}.csv")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return download(tables.to_xlsx(table), xlsx, f"{stem}.xlsx")


@bp.route("/partecipazione/da-abbinare", methods=["GET", "POST"])
def unresolved():
    """Registrations whose ente is free text the migration could not tell apart: one form per
    text, so a few clicks resolve every registration that wrote it."""
    form = ResolveForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        organization = form.testo.data.strip()
        people = services.unresolved_registrations(organization, visible_events)
        if not people:
            flash(_("Nulla da abbinare con questo testo: forse è già stato risolto."), "info")
            return redirect(url_for(".unresolved"), code=303)
        if not form.ente_tipo.data:
            flash(_("«%(text)s»: scegliere il tipo di ente.", text=organization), "warning")
            return redirect(url_for(".unresolved"), code=303)
        try:
            ente = registrations.resolve_ente(
                registrations.ParticipantInput(
                    first_name="",
                    last_name="",
                    email="",
                    organization=organization,
                    role="",
                    ente_tipo=form.ente_tipo.data or None,
                    comune=form.comune.data or None,
                    ente_country=form.paese.data or None,
                )
            )
        except registrations.RegistrationError as error:
            flash(f"«{organization}»: {error}", "danger")
            return redirect(url_for(".unresolved"), code=303)
        changed = registrations.set_ente(people, ente, user_id=current_user.id)
        flash(_("«%(text)s»: %(n)s iscrizioni abbinate.", text=organization, n=changed), "success")
        return redirect(url_for(".unresolved"), code=303)
    return private(
        render_template(
            "participation/unresolved.html",
            items=services.unresolved(visible_events),
            kinds=ENTE_LABELS,
            comuni=comuni.piedmont_labels(),
        )
    )


@bp.get("/rapporto")
def report_now():
    return redirect(url_for(".report", anno=today_rome().year), code=303)


def _report(anno: int) -> services.Report:
    if not FIRST_YEAR <= anno <= LAST_YEAR:
        abort(404)
    return services.report(anno, visible_events)


def _as_of(report: services.Report) -> str:
    """'25 novembre 2026': the day the figures were taken, in Rome."""
    return format_date(report.as_of.astimezone(ROME).date(), "d MMMM y")


@bp.get("/rapporto/<int:anno>")
def report(anno: int):
    result = _report(anno)
    return render_template(
        "participation/report.html",
        report=result,
        as_of=_as_of(result),
        size_labels=SIZE_LABELS,
        provinces=comuni.PROVINCES,
    )


@bp.get("/rapporto/<int:anno>.pdf")
def report_pdf(anno: int):
    result = _report(anno)
    html = render_template(
        "participation/report_pdf.html",
        report=result,
        as_of=_as_of(result),
        size_labels=SIZE_LABELS,
        provinces=comuni.PROVINCES,
    )
    return download(html_to_pdf(html), "application/pdf", f"rapporto-attivita-{anno}.pdf")
