"""Two-factor login: set up with an authenticator app's code, asked after the password, each
code good once, recovery codes single-use, required for admins when configured."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import two_factor
from app.auth.models import User
from app.extensions import db
from tests.factories import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, csrf_token_from, log_in


def _user() -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == ORGANIZER_EMAIL))


def _turn_on(client) -> tuple[str, list[str]]:
    page = client.get("/account/due-fattori")
    assert page.status_code == 200
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page.get_data(as_text=True))[1].replace(" ", "")
    response = client.post(
        "/account/due-fattori", data={"csrf_token": csrf_token_from(page), "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))
    return secret, codes


def _code_for_next_step(secret: str) -> str:
    """The code of the following 30-second step: accepted (within the window) and not yet used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _log_out(client):
    client.post("/esci", data={"csrf_token": csrf_token_from(client.get("/gestione/"))})


def _second_step(client, code: str):
    page = client.get("/accedi/verifica")
    return client.post("/accedi/verifica", data={"csrf_token": csrf_token_from(page), "code": code})


def test_setting_up_needs_the_apps_current_code_and_gives_ten_recovery_codes(logged_in):
    page = logged_in.get("/account/due-fattori")
    wrong = logged_in.post("/account/due-fattori", data={"csrf_token": csrf_token_from(page), "code": "000000"})
    assert wrong.status_code == 422
    assert not _user().two_factor_enabled
    secret, codes = _turn_on(logged_in)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert _user().totp_secret == secret
    assert all(code not in str(_user().recovery_codes) for code in codes)  # only hashes are kept


def test_after_the_password_the_login_asks_for_the_code_and_the_session_opens_only_then(logged_in):
    secret, _codes = _turn_on(logged_in)
    _log_out(logged_in)
    response = log_in(logged_in)
    assert response.status_code == 303 and response.headers["Location"].endswith("/accedi/verifica")
    assert logged_in.get("/gestione/").status_code in (302, 303)  # not signed in yet
    assert _second_step(logged_in, "123456").status_code == 422
    assert _second_step(logged_in, _code_for_next_step(secret)).status_code == 303
    assert logged_in.get("/gestione/").status_code == 200


def test_a_code_is_accepted_only_once(app, organizer):
    secret = two_factor.new_secret()
    code = pyotp.TOTP(secret).now()
    assert two_factor.enable(organizer, secret, code) is not None
    assert two_factor.verify(organizer, code) is False  # the step used to turn it on
    later = time.time() + 30
    next_code = pyotp.TOTP(secret).at(later)
    assert two_factor.verify(organizer, next_code, now=later) is True
    assert two_factor.verify(organizer, next_code, now=later) is False


def test_a_recovery_code_opens_once(logged_in):
    _secret, codes = _turn_on(logged_in)
    _log_out(logged_in)
    log_in(logged_in)
    assert _second_step(logged_in, codes[0].upper()).status_code == 303
    assert len(_user().recovery_codes) == 9
    _log_out(logged_in)
    log_in(logged_in)
    assert _second_step(logged_in, codes[0]).status_code == 422


def test_too_many_wrong_codes_send_back_to_the_password(logged_in):
    _turn_on(logged_in)
    _log_out(logged_in)
    log_in(logged_in)
    for _ in range(4):
        assert _second_step(logged_in, "111111").status_code == 422
    response = _second_step(logged_in, "111111")
    assert response.status_code == 303 and "/accedi" in response.headers["Location"]
    assert logged_in.get("/accedi/verifica").headers["Location"].endswith("/accedi")
    failed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "accesso.secondo_fattore_fallito")).all()
    assert len(failed) == 5


def test_the_half_way_login_expires(logged_in, monkeypatch):
    secret, _codes = _turn_on(logged_in)
    _log_out(logged_in)
    log_in(logged_in)
    token = csrf_token_from(logged_in.get("/accedi/verifica"))
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 301)
    code = pyotp.TOTP(secret).at(real_time() + 301)
    response = logged_in.post("/accedi/verifica", data={"csrf_token": token, "code": code})
    assert response.status_code == 303 and response.headers["Location"].endswith("/accedi")
    assert logged_in.get("/gestione/").status_code in (302, 303)


def test_turning_it_off_needs_password_and_code(logged_in):
    secret, _codes = _turn_on(logged_in)
    page = logged_in.get("/account/due-fattori")
    token = csrf_token_from(page)
    refused = logged_in.post(
        "/account/due-fattori/disattiva", data={"csrf_token": token, "off-password": "sbagliata", "off-code": "000000"}
    )
    assert refused.status_code == 422 and _user().two_factor_enabled
    response = logged_in.post(
        "/account/due-fattori/disattiva",
        data={"csrf_token": token, "off-password": ORGANIZER_PASSWORD, "off-code": _code_for_next_step(secret)},
    )
    assert response.status_code == 303
    assert not _user().two_factor_enabled


@pytest.fixture
def required(app):
    app.config["REQUIRE_2FA_FOR_ADMINS"] = True
    yield
    app.config["REQUIRE_2FA_FOR_ADMINS"] = False


def test_when_required_an_admin_reaches_only_the_setup_page_until_it_is_on(required, logged_in):
    response = logged_in.get("/gestione/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/due-fattori")
    assert logged_in.get("/gestione/registro").status_code == 303
    secret, _codes = _turn_on(logged_in)
    assert logged_in.get("/gestione/").status_code == 200
    page = logged_in.get("/account/due-fattori")
    refused = logged_in.post(
        "/account/due-fattori/disattiva",
        data={"csrf_token": csrf_token_from(page), "off-password": ORGANIZER_PASSWORD, "off-code": _code_for_next_step(secret)},
    )
    assert refused.status_code == 422 and _user().two_factor_enabled
