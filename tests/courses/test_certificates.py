"""Certificates: the PDF states the frozen facts, the participant downloads it, anyone verifies it
by code, and what is unknown or revoked says so."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.courses import certificates
from app.courses import services as courses
from app.extensions import db
from app.timeutil import ROME, today_rome
from tests.factories import add_weekly_lessons, attend, enrol
from tests.support.pdf import pdf_text


@pytest.fixture
def finished_course(make_event):
    """Four lessons of three hours, all held (the last one two weeks ago)."""
    course = make_event(
        title="Fondi europei per i Comuni", type_slug="corso", day=today_rome() - timedelta(days=35), capacity=10
    )
    add_weekly_lessons(course, 4)
    return course






@pytest.fixture
def certified(finished_course):
    """Maria Rossi attended three lessons of four, one of them for two hours: 8 hours of 12."""
    person = enrol(finished_course, organization="Comune di Pinerolo")
    attend(finished_course, person, [0, 1, 2, 3], minutes={3: 120})
    return courses.issue(finished_course, person)




def test_the_pdf_states_name_ente_course_hours_lessons_and_code(app, certified):
    with app.test_request_context():
        pdf = certificates.render_pdf(certified)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Attestato di partecipazione" in text
    assert "Maria Rossi" in text and "Comune di Pinerolo" in text
    assert "Fondi europei per i Comuni" in text
    assert "11 ore su 12" in text
    assert "Lezione 4" in text
    assert certified.code in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_the_pdf_states_the_frozen_facts_not_the_live_course(app, finished_course, certified):
    finished_course.title = "Titolo cambiato dopo"
    db.session.commit()
    with app.test_request_context():
        text = pdf_text(certificates.render_pdf(certified))
    assert "Fondi europei per i Comuni" in text and "Titolo cambiato" not in text


def test_an_english_speaking_participant_gets_it_in_english(app, finished_course):
    person = enrol(finished_course, first_name="John", last_name="Smith")
    person.locale = "en"  # registered from the English pages
    db.session.commit()
    attend(finished_course, person, [0, 1, 2, 3])
    certificate = courses.issue(finished_course, person)
    assert certificate.locale == "en"
    with app.test_request_context():
        html = certificates.render_html(certificate)
    assert 'lang="en"' in html
    with app.test_request_context():
        text = pdf_text(certificates.render_pdf(certificate))
    first_lesson = courses.slots(finished_course)[0].starts_at.astimezone(ROME).date()
    assert f"{first_lesson.day} {first_lesson:%B} {first_lesson.year}" in text  # dates as English readers write them


# -- the participant's download ------------------------------------------------------------------


def test_the_holder_downloads_the_pdf_from_the_registration_page(client, certified):
    token = certified.registration.token
    page = client.get(f"/iscrizioni/{token}")
    assert f"/iscrizioni/{token}/attestato.pdf" in page.get_data(as_text=True)
    response = client.get(f"/iscrizioni/{token}/attestato.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="attestato-maria-rossi-{certified.code}.pdf"'
    )
    assert certified.code in pdf_text(response.data)


def test_no_certificate_no_download_and_no_link(client, finished_course):
    person = enrol(finished_course)
    attend(finished_course, person, [0])  # 3 hours of 12: below the rule
    assert client.get(f"/iscrizioni/{person.token}/attestato.pdf").status_code == 404
    assert "attestato.pdf" not in client.get(f"/iscrizioni/{person.token}").get_data(as_text=True)
    assert client.get("/iscrizioni/not-a-token/attestato.pdf").status_code == 404


def test_a_revoked_certificate_is_no_longer_downloaded(client, certified):
    token = certified.registration.token
    courses.revoke(certified, "Presenze registrate per errore")
    assert client.get(f"/iscrizioni/{token}/attestato.pdf").status_code == 404


# -- public verification -------------------------------------------------------------------------


def test_the_verification_page_confirms_a_genuine_code_with_what_the_paper_states(client, certified):
    response = client.get(f"/attestati/{certified.code}")
    assert response.status_code == 200
    assert "noindex" in response.headers["X-Robots-Tag"]
    page = response.get_data(as_text=True)
    assert 'data-certificate-status="valid"' in page and "Attestato autentico" in page
    assert "Maria Rossi" in page and "Fondi europei per i Comuni" in page and "11 su 12" in page
    assert certified.registration.email not in page  # no more than the certificate states


def test_a_code_is_found_whatever_its_case_and_spaces(client, certified):
    typed = f" {certified.code[:5].lower()} {certified.code[5:]} "
    response = client.get("/attestati", query_string={"codice": typed})
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_revoked_certificate_says_so_with_its_date_but_not_the_reason(client, certified):
    courses.revoke(certified, "Firma falsificata sul foglio presenze")
    page = client.get(f"/attestati/{certified.code}").get_data(as_text=True)
    assert 'data-certificate-status="revoked"' in page and "revocato il" in page
    assert "Firma falsificata" not in page


def test_an_unknown_code_is_a_clear_404(client, certified):
    response = client.get("/attestati/ABCDEFGHJK")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Attestato non trovato" in page and "ABCDEFGHJK" in page


def test_the_form_to_type_a_code(client):
    response = client.get("/attestati")
    assert response.status_code == 200 and 'name="codice"' in response.get_data(as_text=True)


def test_verification_is_rate_limited(client, certified):
    statuses = [client.get("/attestati/ABCDEFGHJK").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
