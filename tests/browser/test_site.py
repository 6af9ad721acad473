"""A visitor and an organizer, in a real Chromium, against a running server."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.demo.data import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD, ensure_demo_organizer, load_demo
from app.timeutil import today_rome
from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    events = load_demo()
    ensure_demo_organizer()
    return events


def test_visitor_browses_filters_and_opens_the_second_incontro(page, live_server, demo):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("comuni piemontesi")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Eventi").click()
    expect(page).to_have_url(re.compile(r"/eventi$"))
    page.get_by_label("Tipo").select_option(label="Incontro")
    page.get_by_role("button", name="Filtrare").click()
    expect(page).to_have_url(re.compile(r"type=incontro"))
    expect(page.get_by_text("Percorso formativo: progettare")).to_have_count(0)
    page.get_by_role("link", name=re.compile("COP e Januaforum")).click()
    expect(page.get_by_text("2° incontro – Esperienze di coordinamenti territoriali")).to_be_visible()
    expect(page.get_by_role("heading", name="Programma")).to_be_visible()
    expect(page.get_by_role("link", name="Google Calendar")).to_be_visible()


def test_cancelled_event_is_marked_with_its_reason(page, live_server, demo):
    page.goto(live_server.url + f"/eventi/{demo['annullato'].slug}")
    expect(page.get_by_role("alert")).to_contain_text("Questo evento è stato annullato.")
    expect(page.get_by_role("alert")).to_contain_text("La sala non è più disponibile")


def test_postponed_event_is_marked_with_its_note(page, live_server, demo):
    page.goto(live_server.url + f"/eventi/{demo['rinviato'].slug}")
    expect(page.get_by_role("alert")).to_contain_text("Questo evento è stato rinviato.")
    expect(page.get_by_role("alert")).to_contain_text("Consiglio regionale")


def _luminance(css_color: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_color)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("path", ["/", "/eventi"])
def test_the_status_badges_on_cards_are_readable(page, live_server, demo, path):
    """WCAG AA for small text (4.5:1), measured on the colours the browser draws."""
    page.goto(live_server.url + path)
    badge = page.locator(".event-card .badge", has_text="Rinviato").first
    expect(badge).to_be_visible()
    text, background = badge.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    lighter, darker = sorted((_luminance(text), _luminance(background)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (text, background)


def test_organizer_creates_and_publishes_an_event_the_public_then_sees(page, live_server, demo):
    page.goto(live_server.url + "/gestione/")
    expect(page).to_have_url(re.compile(r"/accedi"))
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Eventi", level=1)).to_be_visible()

    page.get_by_role("link", name="Percorso formativo", exact=True).click()
    day = today_rome() + timedelta(days=40)
    page.locator("#title").fill("Percorso formativo: fondi europei per i piccoli comuni")
    page.locator("#summary").fill("Tre lezioni pratiche.")
    page.get_by_label("Data di inizio").fill(day.isoformat())
    page.get_by_label("Ora di inizio").fill("09:30")
    page.get_by_label("Data di fine").fill(day.isoformat())
    page.get_by_label("Ora di fine").fill("12:30")
    page.get_by_label("Luogo", exact=True).select_option(label="Sede di ANCI Piemonte, Via Maria Vittoria 12, Torino")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Evento creato come bozza")).to_be_visible()

    page.get_by_role("button", name="Pubblica").click()
    expect(page.get_by_text("Evento pubblicato")).to_be_visible()

    page.goto(live_server.url + "/eventi?type=corso")
    page.get_by_role("link", name="Percorso formativo: fondi europei per i piccoli comuni").click()
    expect(page.get_by_text("Tre lezioni pratiche.")).to_be_visible()


def test_form_errors_are_announced_and_keep_what_was_typed(page, live_server, demo):
    page.goto(live_server.url + "/accedi")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(live_server.url + "/gestione/eventi/nuovo?tipo=incontro")
    page.locator("#title").fill("Incontro senza data")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("alert")).to_contain_text("Il modulo contiene errori")
    expect(page.locator("#title")).to_have_value("Incontro senza data")
    start = page.get_by_label("Data di inizio")
    expect(start).to_have_attribute("aria-invalid", "true")
    expect(start).to_have_attribute("aria-describedby", "start_date-error")


def test_keyboard_alone_reaches_the_content_through_the_skip_link(page, live_server, demo):
    page.goto(live_server.url + "/eventi")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Andare al contenuto principale")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_phone_sized_screen_shows_the_event_without_horizontal_scroll(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto(live_server.url + f"/eventi/{demo['corso'].slug}")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375


PAGES = [
    "/",
    "/eventi",
    "/eventi?type=corso",
    "/calendario",
    "/archivio",
    "/accedi",
    "/serie/esperienze-di-coordinamenti-territoriali",
    "/privacy",
    "/eventi/esperienze-coordinamenti-territoriali-2/iscrizione",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_have_no_serious_accessibility_violations(page, live_server, demo, path):
    page.goto(live_server.url + path)
    assert axe_violations(page) == []


def test_event_pages_have_no_serious_accessibility_violations(page, live_server, demo):
    for key in ("incontro-2", "corso", "mostra", "rinviato", "annullato"):
        page.goto(live_server.url + f"/eventi/{demo[key].slug}")
        assert axe_violations(page) == [], key


def test_organizer_pages_have_no_serious_accessibility_violations(page, live_server, demo):
    page.goto(live_server.url + "/accedi")
    page.get_by_label("Email").fill(DEMO_ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    for path in (
        "/gestione/",
        "/gestione/eventi/nuovo?tipo=corso",
        f"/gestione/eventi/{demo['incontro-2'].id}",
        "/gestione/luoghi/nuovo",
        "/gestione/relatori/",
        f"/gestione/eventi/{demo['corso'].id}/iscritti",
        f"/gestione/eventi/{demo['corso'].id}/presenze",
        f"/gestione/eventi/{demo['incontro-2'].id}/domande",
        f"/gestione/eventi/{demo['corso'].id}/messaggi",
        "/gestione/posta",
    ):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path


def test_the_accessibility_check_does_find_violations(page):
    """Guards the checks above: axe must report a form field without a label."""
    page.set_content(
        "<html lang='it'><head><title>Prova</title></head><body><main><input type='text'></main></body></html>"
    )
    assert [v["id"] for v in axe_violations(page)] == ["label"]
