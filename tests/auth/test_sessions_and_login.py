"""Sessions that end server-side, the remember cookie, and a login that gives nothing away:
the same cost for unknown addresses, limits per account, a short lockout with a notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import services
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow
from tests.factories import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, csrf_token_from, log_in


def _logout(client):
    token = csrf_token_from(client.get("/gestione/"))
    return client.post("/esci", data={"csrf_token": token})


def _login_remembered(client):
    token = csrf_token_from(client.get("/accedi"))
    return client.post(
        "/accedi",
        data={"email": ORGANIZER_EMAIL, "password": ORGANIZER_PASSWORD, "remember": "y", "csrf_token": token},
    )


def test_a_session_cookie_captured_before_logout_no_longer_opens_the_area(app, logged_in):
    captured = logged_in.get_cookie("session").value
    assert _logout(logged_in).status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", captured)
    assert thief.get("/gestione/").status_code == 302


def test_the_remember_token_alone_opens_the_area_until_logout(app, client, organizer):
    assert _login_remembered(client).status_code == 303
    remember = client.get_cookie("remember_token")
    assert remember is not None
    alone = app.test_client()
    alone.set_cookie("remember_token", remember.value)
    assert alone.get("/gestione/").status_code == 200
    _logout(client)
    later = app.test_client()
    later.set_cookie("remember_token", remember.value)
    assert later.get("/gestione/").status_code == 302


def test_remember_me_lasts_weeks_not_a_year(app, client, organizer):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    response = _login_remembered(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie


def test_a_forged_session_id_without_version_opens_nothing(app, client, organizer):
    with client.session_transaction() as session:
        session["_user_id"] = str(organizer.id)
        session["_fresh"] = True
    assert client.get("/gestione/").status_code == 302


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, logged_in):
    other = app.test_client()
    assert log_in(other).status_code == 303
    page = logged_in.get("/account/password")
    assert page.status_code == 200
    response = logged_in.post(
        "/account/password",
        data={
            "current": ORGANIZER_PASSWORD,
            "password": "tramonto-ciliegia-ponte",
            "confirm": "tramonto-ciliegia-ponte",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 303
    assert logged_in.get("/gestione/").status_code == 200
    assert other.get("/gestione/").status_code == 302


def test_a_weak_new_password_is_refused_in_italian(logged_in):
    page = logged_in.get("/account/password")
    response = logged_in.post(
        "/account/password",
        data={
            "current": ORGANIZER_PASSWORD,
            "password": "password1234",
            "confirm": "password1234",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 422
    assert "Password troppo facile da indovinare" in response.get_data(as_text=True)


def test_an_unknown_address_costs_a_password_hash_as_a_known_one(client, organizer, monkeypatch):
    calls = []
    real = services.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    monkeypatch.setattr("app.auth.models.check_password_hash", counting)
    log_in(client, "nessuno@anci.example", "qualcosa-di-sbagliato")
    assert len(calls) == 1
    calls.clear()
    log_in(client, ORGANIZER_EMAIL, "qualcosa-di-sbagliato")
    assert len(calls) == 1


def _locked_notices():
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "account_locked")))


def test_repeated_failures_lock_the_account_briefly_and_tell_its_owner_once(app, client, organizer):
    failures = app.config["LOGIN_LOCKOUT_FAILURES"]
    for _ in range(failures):
        assert log_in(client, ORGANIZER_EMAIL, "sbagliata-sbagliata").status_code == 422
    db.session.refresh(organizer)
    assert organizer.locked_until is not None
    # Locked: even the right password is refused, with the usual words, and no second notice.
    response = log_in(client, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
    assert response.status_code == 422
    assert "Email o password non corretti." in response.get_data(as_text=True)
    log_in(client, ORGANIZER_EMAIL, "sbagliata-sbagliata")
    notices = _locked_notices()
    assert len(notices) == 1
    assert notices[0].recipient == ORGANIZER_EMAIL
    assert "sospeso" in notices[0].text_body and "Le consigliamo" in notices[0].text_body
    # The lockout is short: once it is over the owner's password works again.
    organizer.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert log_in(client, ORGANIZER_EMAIL, ORGANIZER_PASSWORD).status_code == 303


def test_attempts_on_one_account_are_limited_from_any_address(app, organizer):
    limit = int(app.config["LOGIN_ACCOUNT_RATE_LIMIT"].split()[0])
    codes = []
    for attempt in range(limit + 1):
        client = app.test_client()
        page = client.get("/accedi")
        response = client.post(
            "/accedi",
            data={"email": ORGANIZER_EMAIL, "password": "x", "csrf_token": csrf_token_from(page)},
            environ_base={"REMOTE_ADDR": f"10.0.{attempt // 200}.{attempt % 200 + 1}"},
        )
        codes.append(response.status_code)
    assert 429 not in codes[:limit]
    assert codes[limit] == 429


@pytest.mark.parametrize("base_url", ["https://incontri.example"])
def test_security_headers_under_https(base_url, tmp_path):
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "BASE_URL": base_url,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.sqlite3'}",
        }
    )
    client = app.test_client()
    response = client.get("/lingua/en")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Server" not in response.headers
    assert "Secure" in response.headers["Set-Cookie"]
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 8 * 3600


def test_no_hsts_over_plain_http(client):
    response = client.get("/accedi")
    assert "Strict-Transport-Security" not in response.headers
    assert "Permissions-Policy" in response.headers
