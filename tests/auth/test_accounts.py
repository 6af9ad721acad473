"""Accounts from the web: invitations and forgotten passwords by signed single-use links,
password strength, deactivation and roles on /gestione/utenti."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.auth import services
from app.auth.models import Role, User
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.factories import csrf_token_from, log_in

NEW_PASSWORD = "tramonto-ciliegia-ponte"


def _messages(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def _link(message: OutboxMessage) -> str:
    return re.search(r"http://incontri\.test(/accedi/\S+)", message.text_body).group(1)


def _invite(client, email="collega@comune.example.it", **extra):
    token = csrf_token_from(client.get("/gestione/utenti"))
    return client.post(
        "/gestione/utenti",
        data={"csrf_token": token, "email": email, "name": "Carla Verdi", "role": "organizer", **extra},
    )


def _choose(client, path, password=NEW_PASSWORD, confirm=None):
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(
        path,
        data={"csrf_token": csrf_token_from(page), "password": password, "confirm": confirm or password},
    )


def test_an_invited_organizer_sets_a_password_once_and_is_signed_in(app, logged_in):
    response = _invite(logged_in)
    assert response.status_code == 303
    [message] = _messages("account_invitation")
    assert message.recipient == "collega@comune.example.it"
    assert "Gentile Carla Verdi" in message.text_body and "La invita" in message.text_body
    assert "72 ore" in message.text_body
    user = db.session.scalar(select(User).where(User.email == "collega@comune.example.it"))
    assert not user.password_set
    # An invited account cannot be entered before the password is chosen.
    invited = app.test_client()
    assert log_in(invited, user.email, "qualsiasi-cosa-lunga").status_code == 422

    path = _link(message)
    assert _choose(invited, path, "password1234").status_code == 422
    assert _choose(invited, path).status_code == 303
    assert invited.get("/gestione/").status_code == 200
    # Used: the same link opens nothing now.
    again = app.test_client().get(path)
    assert again.status_code == 400
    assert "Link non valido" in again.get_data(as_text=True)


def test_expired_and_forged_links_are_refused_with_an_italian_page(app, logged_in, monkeypatch):
    _invite(logged_in)
    path = _link(_messages("account_invitation")[0])
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    response = app.test_client().get(forged)
    assert response.status_code == 400
    assert "è scaduto (vale 72 ore), è già stato usato" in response.get_data(as_text=True)
    monkeypatch.setattr(services, "LINK_MAX_AGE_SECONDS", -1)
    assert app.test_client().get(path).status_code == 400
    # A reset link does not open an invitation, nor the other way round.
    assert app.test_client().get(path.replace("/invito/", "/nuova-password/")).status_code == 400


def test_a_new_invitation_replaces_the_previous_link(app, logged_in):
    _invite(logged_in)
    user = db.session.scalar(select(User).where(User.email == "collega@comune.example.it"))
    token = csrf_token_from(logged_in.get("/gestione/utenti"))
    assert logged_in.post(f"/gestione/utenti/{user.id}/reinvia", data={"csrf_token": token}).status_code == 303
    first, second = _messages("account_invitation")
    assert app.test_client().get(_link(first)).status_code == 400
    assert app.test_client().get(_link(second)).status_code == 200


@pytest.mark.parametrize("email", ["staff@anci.example", "nessuno@anci.example"])
def test_forgotten_password_answers_the_same_whether_or_not_the_account_exists(client, organizer, email):
    page = client.get("/accedi")
    assert "Password dimenticata?" in page.get_data(as_text=True)
    form = client.get("/accedi/password-dimenticata")
    response = client.post("/accedi/password-dimenticata", data={"csrf_token": csrf_token_from(form), "email": email})
    assert response.status_code == 200
    assert "Se l'indirizzo corrisponde a un account attivo" in response.get_data(as_text=True)
    assert len(_messages("password_reset")) == (1 if email == "staff@anci.example" else 0)


def test_a_reset_link_sets_a_new_password_ends_other_sessions_and_works_once(app, logged_in, organizer):
    services.request_password_reset(organizer.email)
    [message] = _messages("password_reset")
    assert "Gentile Staff" in message.text_body and "la password attuale resta valida" in message.text_body
    path = _link(message)
    browser = app.test_client()
    assert _choose(browser, path).status_code == 303
    assert logged_in.get("/gestione/").status_code == 302  # the older session has ended
    assert browser.get("/gestione/").status_code == 200
    assert app.test_client().get(path).status_code == 400
    assert log_in(app.test_client(), organizer.email, NEW_PASSWORD).status_code == 303


def test_deactivating_an_organizer_ends_their_sessions_and_login(app, logged_in):
    colleague = services.create_user("collega@anci.example", NEW_PASSWORD, role=Role.ORGANIZER)
    theirs = app.test_client()
    assert log_in(theirs, colleague.email, NEW_PASSWORD).status_code == 303
    token = csrf_token_from(logged_in.get("/gestione/utenti"))
    assert logged_in.post(f"/gestione/utenti/{colleague.id}/disattiva", data={"csrf_token": token}).status_code == 303
    assert theirs.get("/gestione/").status_code == 302
    assert log_in(app.test_client(), colleague.email, NEW_PASSWORD).status_code == 422
    assert logged_in.post(f"/gestione/utenti/{colleague.id}/riattiva", data={"csrf_token": token}).status_code == 303
    assert log_in(app.test_client(), colleague.email, NEW_PASSWORD).status_code == 303


def test_an_admin_cannot_deactivate_or_demote_themselves(logged_in, organizer):
    token = csrf_token_from(logged_in.get("/gestione/utenti"))
    logged_in.post(f"/gestione/utenti/{organizer.id}/disattiva", data={"csrf_token": token})
    response = logged_in.post(f"/gestione/utenti/{organizer.id}", data={"csrf_token": token, "role": "organizer"})
    assert response.status_code == 422
    db.session.refresh(organizer)
    assert organizer.active and organizer.role == Role.ADMIN


def test_changing_a_role_and_its_limits(logged_in, app):
    colleague = services.create_user("collega@anci.example", NEW_PASSWORD, role=Role.ORGANIZER)
    page = logged_in.get(f"/gestione/utenti/{colleague.id}")
    assert page.status_code == 200
    from app.events.models import EventType

    course_type = db.session.scalar(select(EventType.id).where(EventType.slug == "corso"))
    response = logged_in.post(
        f"/gestione/utenti/{colleague.id}",
        data={"csrf_token": csrf_token_from(page), "role": "organizer", "type_ids": str(course_type)},
    )
    assert response.status_code == 303
    assert services.limits_of(colleague) == ({course_type}, set())
    listing = logged_in.get("/gestione/utenti").get_data(as_text=True)
    assert "solo Percorso formativo" in listing


def test_create_user_refuses_a_guessable_password():
    with pytest.raises(services.AccountError, match="troppo facile"):
        services.create_user("a@anci.example", "Piemonte2026")
