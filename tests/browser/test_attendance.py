"""An organizer on a phone marks people present at each lesson of a course, then reads the
course's matrix; the participant's QR code leads to a one-tap check-in. Axe on every page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.courses import services as courses
from app.demo.data import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD, ensure_demo_organizer
from app.registrations.models import Source
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, register
from tests.support.browser import SCREENSHOTS, axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_an_organizer_on_a_phone_marks_people_present_at_each_lesson(page, live_server, make_event):
    ensure_demo_organizer()
    course = make_event(
        title="Percorso formativo: bilancio comunale", type_slug="corso", day=today_rome() - timedelta(days=21)
    )
    add_weekly_lessons(course, 3)
    people = {
        last: register(course, source=Source.ORGANIZER, first_name=first, last_name=last).registration
        for first, last in (("Anna", "Bianchi"), ("Bruno", "Gallo"), ("Carla", "Verdi"))
    }
    lessons = courses.slots(course)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accedi")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"{live_server.url}/gestione/eventi/{course.id}")
    page.get_by_role("link", name="Presenze", exact=True).click()
    # The last lesson held comes first.
    expect(page.get_by_label("Lezione")).to_have_value(str(lessons[2].session_id))

    def tap(name: str):
        page.get_by_label("Cerca per nome, cognome o ente").fill(name)
        expect(page.locator(".attendance-row:visible")).to_have_count(1)
        button = page.locator(".attendance-row:visible [data-attendance-tap] button")
        button.click()
        return button

    # Lesson 1: everyone, one tap each, without reloading; one tap undone.
    page.get_by_label("Lezione").select_option(str(lessons[0].session_id))
    page.get_by_role("button", name="Mostra la lezione").click()
    for name in ("bianchi", "gallo", "verdi"):
        expect(tap(name)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-present-count]")).to_have_text("3")
    expect(tap("verdi")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-present-count]")).to_have_text("2")
    expect(tap("verdi")).to_have_attribute("aria-pressed", "true")

    # Lesson 2: Anna whole, Bruno arrived an hour late, Carla absent.
    page.get_by_label("Lezione").select_option(str(lessons[1].session_id))
    page.get_by_role("button", name="Mostra la lezione").click()
    expect(tap("bianchi")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Cerca per nome, cognome o ente").fill("gallo")
    row = page.locator(".attendance-row:visible")
    row.get_by_text("Presenza parziale").click()
    row.get_by_label("Minuti di presenza (su 180)").fill("120")
    row.get_by_role("button", name=re.compile("Salva i minuti")).click()
    expect(row.locator("[data-minutes]")).to_have_text("120 minuti su 180")
    expect(page.locator("[data-present-count]")).to_have_text("2")
    page.reload()
    expect(page.locator("[data-present-count]")).to_have_text("2")

    # Lesson 3: "Tutti presenti", after its confirmation.
    page.get_by_label("Lezione").select_option(str(lessons[2].session_id))
    page.get_by_role("button", name="Mostra la lezione").click()
    page.get_by_label("Cerca per nome, cognome o ente").fill("")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Tutti presenti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Segnare tutti presenti?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sì, tutti presenti").click()
    expect(page.get_by_text("Segnate presenti 3 persone.")).to_be_visible()
    expect(page.locator("[data-present-count]")).to_have_text("3")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "attendance-phone.png"), full_page=True)

    page.get_by_role("link", name="Riepilogo del corso e regola dell'attestato").click()
    expect(page.locator(f"tr[data-registration='{people['Bianchi'].id}'] [data-hours]")).to_have_text("9 / 9")
    expect(page.locator(f"tr[data-registration='{people['Gallo'].id}'] [data-hours]")).to_have_text("8 / 9")
    expect(page.locator(f"tr[data-registration='{people['Verdi'].id}'] [data-hours]")).to_have_text("6 / 9")
    expect(page.locator(f"tr[data-registration='{people['Verdi'].id}'] [data-standing]")).to_have_attribute(
        "data-standing", "not_eligible"
    )
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "attendance-matrix-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "attendance-matrix.png"), full_page=True)

    # The rule: two thirds of the hours make Verdi eligible.
    page.get_by_label("Quota minima di frequenza (%)").fill("66")
    page.get_by_role("button", name="Salva la regola").click()
    expect(page.get_by_text("Regola dell'attestato salvata.")).to_be_visible()
    expect(page.locator(f"tr[data-registration='{people['Verdi'].id}'] [data-standing]")).to_have_attribute(
        "data-standing", "eligible"
    )


def test_the_qr_code_leads_an_organizer_to_a_one_tap_check_in(browser, page, live_server, make_event):
    ensure_demo_organizer()
    course = make_event(title="Percorso: appalti", type_slug="corso", day=today_rome() - timedelta(days=7))
    add_weekly_lessons(course, 3)
    person = register(course, source=Source.ORGANIZER, first_name="Dario", last_name="Fo").registration

    participant = browser.new_page(viewport=PHONE, bypass_csp=True)  # axe is injected
    participant.goto(f"{live_server.url}/iscrizioni/{person.token}")
    expect(participant.get_by_role("img", name="Codice QR per l'accoglienza")).to_be_visible()
    assert axe_violations(participant) == []

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/gestione/presenze/{courses.check_in_code(person)}")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dario Fo")
    expect(page.get_by_text("Quale lezione?")).to_be_visible()
    assert axe_violations(page) == []
    first = courses.slots(course)[0]
    page.locator(f"label[for=lezione-{first.session_id}]").click()  # Bootstrap Italia draws the radio on the label
    page.get_by_role("button", name="Segna presente").click()
    expect(page.get_by_text("Presenza segnata")).to_have_count(2)  # the message and the page's status
    assert courses.present_ids(courses.slots(course)[0]) == [person.id]
    page.screenshot(path=str(SCREENSHOTS / "attendance-qr-check-in.png"), full_page=True)
