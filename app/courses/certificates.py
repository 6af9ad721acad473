"""A certificate as a PDF: the HTML template rendered by WeasyPrint, in the participant's language,
stating only the facts frozen when it was issued, with a QR code of its verification page."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import segno
from flask import current_app, render_template
from flask_babel import force_locale, format_date

from app.courses import services as courses
from app.courses.models import Certificate
from app.formatting import date_range
from app.i18n import gettext as _
from app.text import slugify
from app.timeutil import ROME
from app.urls import absolute_url


def verification_url(certificate: Certificate) -> str:
    return absolute_url("courses.verify", code=certificate.code)


def qr_data_uri(url: str) -> str:
    """The QR code of a link as an SVG data URI: embedded in the page, nothing to fetch."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#17324d")


def _local_only():
    """WeasyPrint may read the vendored fonts, the logo file and data URIs, never the network:
    a certificate renders the same offline, and a template cannot leak who downloads it."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"file", "data"})


def _logo_uri() -> str | None:
    logo = current_app.config.get("CERTIFICATE_LOGO")
    if not logo:
        return None
    path = Path(logo).expanduser().resolve()
    return path.as_uri() if path.is_file() else None


def stated(certificate: Certificate) -> dict:
    """What the certificate states, formatted in the current language: for its PDF and for its
    verification page alike, which shows no more than the paper."""
    facts = certificate.facts
    return {
        "facts": facts,
        "period": _period(date.fromisoformat(facts["first_day"]), date.fromisoformat(facts["last_day"])),
        "lessons": [
            {**lesson, "day": format_date(date.fromisoformat(lesson["day"]), "d MMMM y")}
            for lesson in facts.get("lessons", [])
        ],
        "attended_hours": courses.hours(facts["attended_minutes"]),
        "total_hours": courses.hours(facts["total_minutes"]),
        "issued_on": format_date(certificate.issued_at.astimezone(ROME).date(), "d MMMM y"),
    }


def render_html(certificate: Certificate) -> str:
    """The certificate's page, in its language. Everything it states comes from its facts."""
    config = current_app.config
    with force_locale(certificate.locale or "it"):
        return render_template(
            "courses/certificate.html",
            certificate=certificate,
            organization=config["ORGANIZATION_NAME"],
            signer_name=config.get("CERTIFICATE_SIGNER_NAME") or "",
            signer_role=config.get("CERTIFICATE_SIGNER_ROLE") or "",
            place_of_issue=config.get("CERTIFICATE_PLACE") or "",
            logo=_logo_uri(),
            verify_url=verification_url(certificate),
            qr=qr_data_uri(verification_url(certificate)),
            **stated(certificate),
        )


def _period(first: date, last: date) -> str:
    """'il 17 novembre 2026' or 'dal 13 al 25 dicembre 2026'."""
    if first == last:
        return _("il %(day)s", day=format_date(first, "d MMMM y"))
    return date_range(first, last)


def html_to_pdf(html: str) -> bytes:
    """A page of ours as PDF: fonts resolved against the static folder, so nothing is fetched."""
    # Imported here: WeasyPrint adds some 27 MiB to a process, which only the few that make a
    # PDF should carry, not every web worker (bench/README.md).
    from weasyprint import HTML

    base_url = Path(current_app.static_folder).resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=_local_only()).write_pdf()


def render_pdf(certificate: Certificate) -> bytes:
    return html_to_pdf(render_html(certificate))


def filename(certificate: Certificate) -> str:
    """'attestato-rossi-maria-ABCDE23456.pdf': readable in a downloads folder, unique in a ZIP."""
    name = slugify(certificate.facts.get("name") or "", max_length=60)
    return f"attestato-{name + '-' if name else ''}{certificate.code}.pdf"


def zip_of(certificates: list[Certificate]) -> bytes:
    """All the given certificates as one ZIP of PDFs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(filename(certificate), render_pdf(certificate))
    return buffer.getvalue()
