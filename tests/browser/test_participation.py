"""A participant registers as "Comune di Alba" by picking Alba from the suggestions; the organizer
then finds Alba among the comuni reached on the participation dashboard, in a real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.demo.data import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD, ensure_demo_organizer
from app.timeutil import today_rome
from tests.factories import enrol
from tests.support.browser import SCREENSHOTS, axe_violations

pytestmark = pytest.mark.browser


def test_registering_as_comune_di_alba_puts_alba_among_the_comuni_reached(browser, live_server, make_event):
    event = make_event(title="Incontro sulla cooperazione decentrata", capacity=30)
    ensure_demo_organizer()
    phone = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
    phone.goto(f"{live_server.url}/eventi/{event.slug}/iscrizione")
    comune = phone.get_by_label("Comune", exact=True)
    expect(comune).to_be_hidden()  # only for a comune: the form stays short on a phone
    phone.get_by_label(re.compile(r"^Nome")).fill("Paola")
    phone.get_by_label("Cognome").fill("Cavallo")
    phone.get_by_label("Email").fill("paola.cavallo@comune.alba.cn.it")
    phone.get_by_label("Tipo di ente").select_option(label="Comune")
    expect(comune).to_be_visible()
    comune.press_sequentially("ALBA")
    # The server's suggestions replace the list (Piedmont's, "Acqui Terme (AL)" first, without JavaScript).
    first_suggestion = phone.locator("#comune-list option").first
    expect(first_suggestion).to_have_attribute("value", "Alba (CN)")
    comune.fill(first_suggestion.get_attribute("value"))  # what picking the suggestion does
    phone.get_by_label("Ente di appartenenza").fill("Comune di Alba")
    phone.get_by_label("Ruolo").select_option(label="Sindaco/Sindaca")
    phone.locator("label[for=privacy_consent]").click()
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Confermare l'iscrizione").click()
    expect(phone.locator("[data-status]")).to_contain_text("Iscrizione confermata")

    page = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accedi")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="Partecipazione dei comuni").click()
    reached = page.locator("table[data-table=comuni]")
    expect(reached.get_by_role("link", name="Alba")).to_be_visible()
    expect(page.locator("[data-count=reached]")).to_have_text(re.compile(r"^1 / 1\.180"))
    expect(page.locator("#chart-province")).to_have_attribute("data-drawn", "true")
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "participation-dashboard.png"), full_page=True)
    reached.get_by_role("link", name="Alba").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alba")
    expect(page.get_by_text("Paola Cavallo")).to_be_visible()


def test_the_wide_participation_tables_scroll_by_keyboard_on_a_phone(browser, live_server, make_event):
    """On a phone the open-data table and the comuni never reached scroll sideways: their
    containers must be reachable by keyboard and named (axe's scrollable-region-focusable)."""
    event = make_event(title="Assemblea dei soci", day=today_rome() - timedelta(days=20), capacity=30)
    enrol(event, ente_tipo="comune", comune="Alba (CN)")
    ensure_demo_organizer()
    phone = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
    phone.goto(f"{live_server.url}/partecipazione")
    expect(phone.locator("table[data-table=open-data]")).to_contain_text("Alba")
    assert axe_violations(phone) == []
    phone.goto(f"{live_server.url}/accedi")
    phone.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    phone.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    phone.get_by_role("button", name="Accedi").click()
    phone.goto(f"{live_server.url}/gestione/partecipazione")
    never = phone.get_by_role("region", name="Tabella: Comuni mai raggiunti")
    expect(never).to_have_attribute("tabindex", "0")
    assert never.evaluate("box => box.scrollWidth > box.clientWidth")  # it does scroll on a phone
    assert axe_violations(phone) == []


def test_the_country_is_marked_required_as_the_kind_becomes_a_body_abroad(browser, live_server, make_event):
    event = make_event(title="Incontro con le regioni transfrontaliere", capacity=30)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page.goto(f"{live_server.url}/eventi/{event.slug}/iscrizione")
    kind = page.get_by_label("Tipo di ente")
    kind.select_option(value="estero")
    country = page.locator("#paese")
    expect(country).to_be_visible()
    expect(country).to_have_attribute("required", "")
    expect(page.locator("label[for=paese]")).to_contain_text("*")
    kind.select_option(value="comune")
    expect(country).to_be_hidden()
    assert country.get_attribute("required") is None  # a hidden required field would block the form
    expect(page.locator("label[for=paese]")).not_to_contain_text("*")
