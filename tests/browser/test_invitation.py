"""An admin invites a colleague limited to courses; the colleague opens the link from the email,
chooses a password, is signed in and sees only the courses. Axe on every new page."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo.data import DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD, ensure_demo_organizer
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accedi")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").click()


def test_an_invited_organizer_limited_to_courses_sets_a_password_and_sees_only_courses(page, live_server, make_event):
    ensure_demo_organizer()
    make_event(title="Corso sui fondi europei", type_slug="corso")
    make_event(title="Riunione della consulta", type_slug="incontro")

    _sign_in(page, live_server, DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("link", name="Utenti").click()
    assert axe_violations(page) == []
    page.get_by_label("Email").fill("carla.verdi@comune.example.it")
    page.get_by_label("Nome e cognome").fill("Carla Verdi")
    page.get_by_label("Solo questi tipi di evento").select_option(label="Percorso formativo")
    page.get_by_role("button", name="Invia l'invito").click()
    expect(page.locator("main")).to_contain_text("Invito inviato a carla.verdi@comune.example.it")
    expect(page.locator("main")).to_contain_text("Invitato")
    assert axe_violations(page) == []

    db.session.expire_all()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "account_invitation"))
    link = re.search(r"http://incontri\.test(/accedi/invito/\S+)", message.text_body).group(1)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Attiva l'account")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Nuova password").fill("password1234")
    page.get_by_label("Ripeti la password").fill("password1234")
    page.get_by_role("button", name="Salva la password").click()
    expect(page.locator("main")).to_contain_text("Password troppo facile da indovinare")
    assert axe_violations(page) == []
    page.get_by_label("Nuova password").fill("tramonto-ciliegia-ponte")
    page.get_by_label("Ripeti la password").fill("tramonto-ciliegia-ponte")
    page.get_by_role("button", name="Salva la password").click()
    main = page.locator("main")
    expect(main).to_contain_text("Corso sui fondi europei")
    expect(main).not_to_contain_text("Riunione della consulta")
    expect(page.get_by_role("link", name="Utenti")).to_have_count(0)

    # Out, and in again with the new password; the used link now says so.
    page.get_by_role("button", name="Esci").click()
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Link non valido")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/accedi")
    page.get_by_role("link", name="Password dimenticata?").click()
    assert axe_violations(page) == []
    _sign_in(page, live_server, "carla.verdi@comune.example.it", "tramonto-ciliegia-ponte")
    expect(page.locator("main")).to_contain_text("Corso sui fondi europei")
    page.get_by_role("link", name="Cambia password").click()
    assert axe_violations(page) == []

    # The admin finds both in the audit log: the invitation, and the colleague's logins.
    page.get_by_role("button", name="Esci").click()
    _sign_in(page, live_server, DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("link", name="Registro delle attività").click()
    assert axe_violations(page) == []
    log = page.locator("table.audit-log")
    expect(log.locator("tr", has_text="Account creato")).to_contain_text("carla.verdi@comune.example.it")
    expect(log.locator("tr", has_text="Accesso").filter(has_text="carla.verdi@comune.example.it").first).to_be_visible()
    page.get_by_label("Chi ha agito").select_option(label="carla.verdi@comune.example.it")
    page.get_by_role("button", name="Cerca").click()
    expect(log.locator("tbody tr").filter(has_text=DEMO_ORGANIZER_EMAIL)).to_have_count(0)


def test_an_admin_turns_on_two_factor_login_and_then_needs_the_code(page, live_server):
    ensure_demo_organizer()
    _sign_in(page, live_server, DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD)
    page.get_by_role("link", name="Verifica in due passaggi").click()
    assert axe_violations(page) == []
    expect(page.get_by_role("img", name="Codice QR da inquadrare con l'app di autenticazione")).to_be_visible()
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    page.get_by_label("Codice mostrato dall'app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Attiva").click()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Esci").click()
    _sign_in(page, live_server, DEMO_ORGANIZER_EMAIL, DEMO_ORGANIZER_PASSWORD)
    expect(page.get_by_role("heading", name="Verifica in due passaggi")).to_be_visible()
    assert axe_violations(page) == []
    # The step after the one used to turn it on: a code is good once.
    page.get_by_label("Codice").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Verifica e accedi").click()
    page.get_by_role("link", name="Persone e privacy").click()
    assert axe_violations(page) == []
