"""Login of organizers, its rate limit, and the account and demo commands."""

import os

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.events.models import Event, EventStatus
from app.extensions import db
from tests.factories import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, csrf_token_from


def _login(client, email, password):
    token = csrf_token_from(client.get("/accedi"))
    return client.post("/accedi", data={"email": email, "password": password, "csrf_token": token})


def test_wrong_password_is_refused_with_an_italian_message(client, organizer):
    response = _login(client, ORGANIZER_EMAIL, "sbagliata")
    assert response.status_code == 422
    assert "Email o password non corretti." in response.get_data(as_text=True)
    assert client.get("/gestione/").status_code == 302


def test_login_is_case_insensitive_on_the_email_and_logout_works(client, organizer):
    assert _login(client, ORGANIZER_EMAIL.upper(), ORGANIZER_PASSWORD).status_code == 303
    assert client.get("/gestione/").status_code == 200
    token = csrf_token_from(client.get("/gestione/"))
    assert client.post("/esci", data={"csrf_token": token}).status_code == 303
    assert client.get("/gestione/").status_code == 302


def test_passwords_are_stored_hashed(organizer):
    assert ORGANIZER_PASSWORD not in organizer.password_hash
    assert organizer.check_password(ORGANIZER_PASSWORD)


def test_login_next_parameter_cannot_leave_the_site(client, organizer):
    token = csrf_token_from(client.get("/accedi"))
    response = client.post(
        "/accedi?next=https://evil.example/",
        data={"email": ORGANIZER_EMAIL, "password": ORGANIZER_PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_repeated_login_attempts_are_rate_limited(app, client):
    token = csrf_token_from(client.get("/accedi"))
    codes = [
        client.post("/accedi", data={"email": "a@b.it", "password": "x", "csrf_token": token}).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [422] * 10
    assert codes[10] == 429


def test_create_admin_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "Admin@ANCI.example", "--password-stdin"],
        input="password-molto-lunga\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "admin@anci.example"))
    assert user.role == Role.ADMIN
    assert user.check_password("password-molto-lunga")


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "a@anci.example", "--password-stdin"], input="corta\n"
    )
    assert result.exit_code != 0
    assert "almeno" in result.output


def test_demo_load_fills_an_empty_database_once(runner, app):
    args = ["demo", "load", "--if-empty"]
    if db.engine.dialect.name != "sqlite":
        args.append("--allow-production")
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "organizzatore@example.org" in result.output
    count = db.session.scalar(select(func.count()).select_from(Event))
    statuses = set(db.session.scalars(select(Event.status)))
    assert count >= 8
    assert {EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.DRAFT} <= statuses
    again = runner.invoke(args=args)
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Event)) == count


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_demo_load_refuses_a_production_database_without_the_flag(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "produzione" in result.output
