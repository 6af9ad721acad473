"""After a course: the organizer issues the certificates, the participant downloads theirs from
their page and reads name, course, hours and code in it, a stranger verifies the code, and the
questionnaire is answered and read. Axe on every page of the journey."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.courses import feedback
from app.demo.data import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD, ensure_demo_organizer
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, attend, enrol
from tests.support.browser import SCREENSHOTS, axe_violations
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.browser


def test_certificates_from_issue_to_public_verification_and_the_questionnaire(page, live_server, make_event):
    ensure_demo_organizer()
    course = make_event(
        title="Percorso formativo: fondi europei", type_slug="corso", day=today_rome() - timedelta(days=30)
    )
    add_weekly_lessons(course, 4)
    anna = enrol(course, first_name="Anna", last_name="Bianchi", organization="Comune di Alba")
    bruno = enrol(course, first_name="Bruno", last_name="Gallo", organization="Comune di Bra")
    attend(course, anna, [0, 1, 2, 3])
    attend(course, bruno, [0])

    page.goto(f"{live_server.url}/accedi")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"{live_server.url}/gestione/eventi/{course.id}")
    page.get_by_role("link", name="Attestati", exact=True).click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Rilascia gli attestati").click()
    expect(page.locator("main")).to_contain_text("Bianchi")
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "certificates-organizer.png"), full_page=True)
    archive = page.request.get(f"{live_server.url}/gestione/eventi/{course.id}/attestati.zip")
    names = zipfile.ZipFile(io.BytesIO(archive.body())).namelist()
    assert len(names) == 1 and "bianchi" in names[0]  # exactly the eligible people

    # The participant, on their own page, downloads the certificate.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/iscrizioni/{anna.token}")
    link = page.get_by_role("link", name="attestato", exact=False).first
    expect(link).to_be_visible()
    pdf = page.request.get(f"{live_server.url}{link.get_attribute('href')}").body()
    text = pdf_text(pdf)
    code = next(word for word in text.split() if len(word) == 10 and word.isupper() and word.isalnum())
    assert "Anna Bianchi" in text and "Percorso formativo: fondi europei" in text and "12 ore su 12" in text

    # A stranger verifies the code.
    page.goto(f"{live_server.url}/attestati")
    assert axe_violations(page) == []
    page.get_by_label("Codice", exact=False).first.fill(code.lower())
    page.get_by_role("button", name="Verificare", exact=False).click()
    expect(page.locator("main")).to_contain_text("Attestato autentico")
    expect(page.locator("main")).to_contain_text("Anna Bianchi")
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "certificate-verification.png"), full_page=True)

    # The follow-up's questionnaire, answered once, read by the organizers.
    page.goto(f"{live_server.url}/riscontro/{feedback.link_code(anna)}")
    assert axe_violations(page) == []
    page.locator("label", has_text="5 – Ottimo").click()  # Bootstrap Italia draws the radio on its label
    page.get_by_role("button", name="Inviare la risposta").click()
    expect(page.locator("main")).to_contain_text("Grazie")
    page.goto(f"{live_server.url}/accedi")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"{live_server.url}/gestione/eventi/{course.id}/riscontri")
    expect(page.locator("main")).to_contain_text("1 risposta in tutto")
    assert axe_violations(page) == []
