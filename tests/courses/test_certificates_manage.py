"""The organizer's certificates page: standing and certificates for everyone confirmed, issuing
after the end only and only for those who met the rule, revoking, the ZIP of exactly the valid
certificates, and sending each by email once, PDF attached, through the real SMTP path."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.courses import services as courses
from app.extensions import db
from app.outbox import delivery
from app.outbox.models import OutboxMessage
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, attend, csrf_token_from, enrol
from tests.support.pdf import pdf_text


@pytest.fixture
def finished_course(make_event):
    course = make_event(
        title="Fondi europei per i Comuni", type_slug="corso", day=today_rome() - timedelta(days=35), capacity=10
    )
    add_weekly_lessons(course, 4)
    return course


@pytest.fixture
def class_of_three(finished_course):
    """Anna and Bruno met the rule (all lessons, three of four); Carla came once."""
    anna = enrol(finished_course, first_name="Anna", last_name="Bianchi")
    bruno = enrol(finished_course, first_name="Bruno", last_name="Verdi")
    carla = enrol(finished_course, first_name="Carla", last_name="Neri")
    attend(finished_course, anna, [0, 1, 2, 3])
    attend(finished_course, bruno, [0, 1, 2])
    attend(finished_course, carla, [0])
    return anna, bruno, carla


def page_of(client, course):
    return client.get(f"/gestione/eventi/{course.id}/attestati")


def post(client, course, path="", data=None):
    token = csrf_token_from(page_of(client, course))
    return client.post(f"/gestione/eventi/{course.id}/attestati{path}", data={"csrf_token": token, **(data or {})})


def test_the_page_needs_an_organizer(client, finished_course):
    response = client.get(f"/gestione/eventi/{finished_course.id}/attestati")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_the_page_lists_everyone_confirmed_with_their_standing(logged_in, finished_course, class_of_three):
    page = page_of(logged_in, finished_course).get_data(as_text=True)
    assert "Bianchi Anna" in page and "Verdi Bruno" in page and "Neri Carla" in page
    assert page.count('data-standing="eligible"') == 2 and page.count('data-standing="not_eligible"') == 1
    assert "Rilascia gli attestati" in page and 'aria-current="page">Attestati<' in page


def test_issue_all_gives_certificates_to_those_who_met_the_rule(logged_in, finished_course, class_of_three):
    anna, bruno, carla = class_of_three
    response = post(logged_in, finished_course, "/rilascia")
    assert response.status_code == 303
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 attestati rilasciati." in page
    assert courses.certificate_of(anna) and courses.certificate_of(bruno) and courses.certificate_of(carla) is None


def test_issuing_before_the_end_is_refused_in_italian(logged_in, make_event):
    course = make_event(title="Corso in corso", type_slug="corso", day=today_rome() - timedelta(days=10), capacity=5)
    add_weekly_lessons(course, 4)
    person = enrol(course)
    attend(course, person, [0, 1])
    page = page_of(logged_in, course).get_data(as_text=True)
    assert "Gli attestati si rilasciano alla fine del corso." in page and "Rilascia gli attestati" not in page
    response = post(logged_in, course, "/rilascia")
    assert response.status_code == 303
    assert "Gli attestati si rilasciano alla fine del corso." in logged_in.get(response.headers["Location"]).get_data(
        as_text=True
    )
    response = post(logged_in, course, f"/iscrizioni/{person.id}/rilascia")
    assert response.status_code == 303 and courses.certificate_of(person) is None


def test_issuing_below_the_threshold_is_refused_in_italian(logged_in, finished_course, class_of_three):
    carla = class_of_three[2]
    response = post(logged_in, finished_course, f"/iscrizioni/{carla.id}/rilascia")
    assert response.status_code == 303
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "non ha raggiunto la frequenza richiesta per l&#39;attestato" in page
    assert courses.certificate_of(carla) is None


def test_revoking_needs_a_reason_and_then_says_revoked(logged_in, finished_course, class_of_three):
    certificate = courses.issue(finished_course, class_of_three[0])
    response = post(logged_in, finished_course, f"/{certificate.id}/revoca", {"motivo": " "})
    assert "Indicare il motivo della revoca." in logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert not certificate.is_revoked
    response = post(logged_in, finished_course, f"/{certificate.id}/revoca", {"motivo": "Presenze errate"})
    db.session.refresh(certificate)
    assert certificate.is_revoked and certificate.revocation_reason == "Presenze errate"
    assert 'data-certificate-status="revoked"' in logged_in.get(response.headers["Location"]).get_data(as_text=True)


def test_a_certificate_of_another_course_is_not_found_here(logged_in, make_event, finished_course, class_of_three):
    certificate = courses.issue(finished_course, class_of_three[0])
    other = make_event(title="Altro corso", type_slug="corso")
    response = post(logged_in, other, f"/{certificate.id}/revoca", {"motivo": "x"})
    assert response.status_code == 404


def test_the_zip_holds_exactly_the_valid_certificates(logged_in, finished_course, class_of_three):
    anna, bruno, _carla = class_of_three
    courses.issue_all(finished_course)
    courses.revoke(courses.certificate_of(bruno), "Presenze errate")
    response = logged_in.get(f"/gestione/eventi/{finished_course.id}/attestati.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    anna_code = courses.certificate_of(anna).code
    assert archive.namelist() == [f"attestato-anna-bianchi-{anna_code}.pdf"]
    text = pdf_text(archive.read(archive.namelist()[0]))
    assert "Anna Bianchi" in text and "12 ore su 12" in text and anna_code in text


def test_sending_queues_one_message_per_person_with_the_pdf_and_only_once(logged_in, finished_course, class_of_three):
    courses.issue_all(finished_course)
    response = post(logged_in, finished_course, "/invia")
    assert "2 attestati messi in coda" in logged_in.get(response.headers["Location"]).get_data(as_text=True)
    messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "certificate")))
    assert sorted(m.recipient_name for m in messages) == ["Anna Bianchi", "Bruno Verdi"]
    for message in messages:
        [attached] = message.attachments
        assert attached["content_type"] == "application/pdf" and attached["filename"].endswith(".pdf")
        assert message.text_body.startswith(f"Gentile {message.recipient_name},")
    response = post(logged_in, finished_course, "/invia")
    assert "già stati inviati" in logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert len(list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "certificate")))) == 2


def test_the_certificate_reaches_the_inbox_as_a_pdf_attachment(logged_in, finished_course, class_of_three, smtp):
    anna = class_of_three[0]
    certificate = courses.issue(finished_course, anna)
    post(logged_in, finished_course, "/invia")
    delivery.deliver_due()
    [message] = [m for m in smtp.inbox.messages if m["Subject"].startswith("Attestato di partecipazione")]
    assert message["Subject"] == "Attestato di partecipazione: Fondi europei per i Comuni"
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Gentile Anna Bianchi," in text and certificate.code in text
    assert f"http://incontri.test/attestati/{certificate.code}" in text
    [pdf] = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"attestato-anna-bianchi-{certificate.code}.pdf"
    reader_text = " ".join(PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text().split())
    assert "Anna Bianchi" in reader_text and certificate.code in reader_text
