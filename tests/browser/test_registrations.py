"""Registering, cancelling and the automatic promotion, in a real Chromium."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.demo.data import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD, ensure_demo_organizer
from app.timeutil import utcnow
from tests.support.browser import SCREENSHOTS, axe_violations

pytestmark = pytest.mark.browser


def fill_registration(page, first, last, email, comune="Pinerolo"):
    page.get_by_label(re.compile(r"^Nome")).fill(first)
    page.get_by_label("Cognome").fill(last)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Ente di appartenenza").fill(comune)
    page.get_by_label("Ruolo").select_option(label="Sindaco/Sindaca")
    page.locator("label[for=privacy_consent]").click()  # Bootstrap Italia draws the box on the label


def test_cancelling_a_seat_promotes_the_waiting_person_end_to_end(browser, live_server, make_event):
    event = make_event(title="Consulta: riunione plenaria", type_slug="consulta", capacity=1)
    holder = browser.new_page()
    holder.goto(f"{live_server.url}/eventi/{event.slug}")
    holder.get_by_role("link", name="Iscrizione", exact=True).click()
    fill_registration(holder, "Anna", "Ferrero", "anna.ferrero@comune.pinerolo.to.it")
    holder.get_by_role("button", name="Confermare l'iscrizione").click()
    expect(holder.locator("[data-status]")).to_contain_text("Iscrizione confermata")
    holder_url = holder.url

    waiting = browser.new_page(viewport={"width": 390, "height": 844})
    waiting.goto(f"{live_server.url}/eventi/{event.slug}")
    expect(waiting.get_by_text("Posti esauriti")).to_be_visible()
    waiting.get_by_role("link", name="Iscrizione alla lista d'attesa").click()
    fill_registration(waiting, "Bruno", "Gallo", "bruno.gallo@comune.susa.to.it", comune="Susa")
    waiting.get_by_role("button", name="Confermare l'iscrizione alla lista d'attesa").click()
    expect(waiting.locator("[data-status]")).to_contain_text("in posizione 1")
    SCREENSHOTS.mkdir(exist_ok=True)
    waiting.screenshot(path=str(SCREENSHOTS / "registration-waitlisted-phone.png"), full_page=True)

    holder.goto(holder_url)
    holder.get_by_role("link", name="Annullare l'iscrizione").click()
    expect(holder.get_by_role("heading", level=1)).to_have_text("Annullare l'iscrizione?")
    holder.get_by_role("button", name="Sì, annullare l'iscrizione").click()
    expect(holder.locator("[data-status]")).to_contain_text("Iscrizione annullata")

    waiting.reload()
    expect(waiting.locator("[data-status]")).to_contain_text("Iscrizione confermata")
    expect(waiting.locator("[data-status]")).to_contain_text("L'iscrizione è confermata")


def test_form_errors_are_announced_and_the_pages_are_accessible(page, live_server, make_event):
    event = make_event(title="2° incontro – Esperienze di coordinamenti territoriali", capacity=30)
    page.goto(f"{live_server.url}/eventi/{event.slug}/iscrizione")
    assert axe_violations(page) == []
    page.get_by_label("Email").fill("non-valida")
    page.get_by_role("button", name="Confermare l'iscrizione").click()
    expect(page.get_by_role("alert")).to_contain_text("Il modulo contiene errori")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email-error")).to_have_text("Indirizzo email non valido.")
    fill_registration(page, "Carla", "Bosio", "carla.bosio@comune.alba.cn.it", comune="Alba")
    page.get_by_role("button", name="Confermare l'iscrizione").click()
    expect(page).to_have_url(re.compile(r"/iscrizioni/[A-Za-z0-9_-]{43}$"))
    assert axe_violations(page) == []


def test_organizer_sees_the_list_chart_and_checks_people_in(page, live_server, make_event):
    from app.registrations import services
    from app.registrations.models import Source
    from tests.factories import CONSENT, participant

    ensure_demo_organizer()
    # Under way: presence is marked from a lesson's start (here the event itself, without lessons).
    now = utcnow()
    event = make_event(
        title="Percorso formativo: progettazione europea",
        type_slug="corso",
        capacity=2,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
    )
    for last in ("Rossi", "Bianchi", "Verdi"):
        services.register(event.id, participant(last_name=last), CONSENT, source=Source.ORGANIZER)

    page.goto(f"{live_server.url}/accedi")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"{live_server.url}/gestione/eventi/{event.id}/iscritti")
    expect(page.locator("[data-count=confirmed]")).to_have_text("2 / 2")
    expect(page.locator("#registrations-chart")).to_have_attribute("data-drawn", "true")
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "organizer-registrations.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Presenze").click()
    page.get_by_label("Cerca per nome, cognome o ente").fill("bianc")
    expect(page.locator(".attendance-row:visible")).to_have_count(1)
    button = page.locator(".attendance-row:visible [aria-pressed]")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-present-count]")).to_have_text("1")
    page.screenshot(path=str(SCREENSHOTS / "check-in-phone.png"), full_page=True)
    page.reload()
    expect(page.locator("[data-present-count]")).to_have_text("1")
