"""Retention and erasure leave no personal value anywhere in the database, while what the
statistics and the certificates need stays and the certificate still verifies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import privacy
from app.courses.models import Attendance, Certificate, Feedback
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus
from app.registrations import privacy as registrations_privacy
from app.registrations.models import PersonalFeed, Registration
from app.timeutil import utcnow
from tests.factories import enrol
from tests.support.privacy import EMAIL, NAME, PHONE, columns_holding

#: A certificate states the name it was issued to, on purpose (app/courses/privacy.py).
CERTIFICATE_FACTS = {"certificates.facts"}


def _later(months: int = 25):
    return utcnow() + timedelta(days=31 * months)


def _all_rows() -> dict:
    return {
        table.name: [tuple(map(str, row)) for row in db.session.execute(select(table).order_by(*table.primary_key))]
        for table in db.metadata.sorted_tables
    }


def test_the_person_is_found_everywhere_before(person):
    assert set(columns_holding(EMAIL, NAME[1])) >= {
        "registrations.email",
        "registration_answers.value",
        "personal_feeds.email",
        "outbox.recipient",
        "outbox.text_body",
        "feedback.comment",
        "certificates.facts",
    }


def test_retention_leaves_no_personal_value_and_the_certificate_verifies(client, person):
    code = db.session.scalar(select(Certificate.code))
    report = registrations_privacy.run_retention(_later())
    assert report.registrations == [person.id]
    assert columns_holding(EMAIL, NAME[0], NAME[1], PHONE, skip=CERTIFICATE_FACTS) == []
    kept = db.session.get(Registration, person.id)
    assert kept.anonymised_at is not None
    assert (kept.organization, kept.role) == ("Comune di Bra", "sindaco")
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 2
    assert db.session.scalar(select(Feedback.rating)) == 4
    assert db.session.scalar(select(func.count()).select_from(PersonalFeed)) == 0
    page = client.get(f"/attestati/{code}")
    assert page.status_code == 200 and NAME[1] in page.get_data(as_text=True)


def test_retention_waits_for_the_configured_months(app, person):
    assert registrations_privacy.run_retention(_later(22)).registrations == []
    app.config["RETENTION_MONTHS"] = 12
    try:
        assert registrations_privacy.run_retention(_later(13)).registrations == [person.id]
    finally:
        app.config["RETENTION_MONTHS"] = 24


def test_the_dry_run_changes_nothing_and_says_what_would_go(app, runner, person, monkeypatch):
    before = _all_rows()
    report = registrations_privacy.run_retention(_later(), dry_run=True)
    assert report.registrations == [person.id] and report.events == ["Bilancio dei Comuni"]
    assert _all_rows() == before
    monkeypatch.setattr(registrations_privacy, "utcnow", _later)
    result = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "iscrizioni da anonimizzare: 1" in result.output and "Bilancio dei Comuni" in result.output
    assert _all_rows() == before
    result = runner.invoke(args=["privacy", "retention"])
    assert "iscrizioni anonimizzate: 1" in result.output
    assert columns_holding(EMAIL, skip=CERTIFICATE_FACTS) == []


def test_the_worker_pass_runs_retention(app, person):
    from app.outbox.signals import worker_pass

    worker_pass.send(app, now=_later())
    assert db.session.get(Registration, person.id).anonymised_at is not None


def test_an_interrupted_run_leaves_each_registration_whole_or_anonymised_and_resumes(course, person, monkeypatch):
    second = enrol(course, first_name="Secondo", last_name="Partecipante", email="secondo@comune.example.it")
    calls = []
    real = privacy.anonymise

    def fails_on_the_second(subject):
        calls.append(subject)
        if len(calls) == 2:
            real(subject)  # half-done, then the process dies
            raise RuntimeError("interrupted")
        real(subject)

    monkeypatch.setattr(privacy, "anonymise", fails_on_the_second)
    with pytest.raises(RuntimeError):
        registrations_privacy.run_retention(_later())
    db.session.expire_all()
    assert db.session.get(Registration, person.id).anonymised_at is not None
    untouched = db.session.get(Registration, second.id)
    assert untouched.anonymised_at is None and untouched.last_name == "Partecipante"
    assert untouched.email == "secondo@comune.example.it"
    monkeypatch.setattr(privacy, "anonymise", real)
    assert registrations_privacy.run_retention(_later()).registrations == [second.id]
    assert columns_holding(EMAIL, "secondo@comune", "Partecipante", skip=CERTIFICATE_FACTS) == []


def test_erasing_twice_is_harmless(person):
    assert registrations_privacy.erase_registrations([person]) == 1
    assert columns_holding(EMAIL, NAME[0], NAME[1], PHONE, skip=CERTIFICATE_FACTS) == []
    assert registrations_privacy.erase_registrations([db.session.get(Registration, person.id)]) == 0
    assert registrations_privacy.run_retention(_later()).registrations == []


def test_erasing_an_upcoming_registration_frees_the_seat_and_sends_nothing_to_it(make_event):
    event = make_event(capacity=1)
    registration = enrol(event, email=EMAIL)
    registrations_privacy.erase_registrations([registration])
    erased = db.session.get(Registration, registration.id)
    assert erased.status == "cancelled"
    waiting = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.QUEUED)).all()
    assert all(message.registration_id != registration.id for message in waiting)
    assert columns_holding(EMAIL) == []


def test_another_registration_of_the_address_keeps_it_and_its_feed(person, make_event):
    other = enrol(make_event(day=(_later() + timedelta(days=10)).date()), email=EMAIL)
    assert registrations_privacy.run_retention(_later()).registrations == [person.id]
    assert db.session.get(Registration, other.id).email == EMAIL
    assert db.session.scalar(select(PersonalFeed.email)) == EMAIL


def test_delivered_bodies_are_purged_after_the_configured_days(person):
    from app.outbox.privacy import purge_delivered_bodies

    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "certificate"))
    message.status, message.sent_at = OutboxStatus.SENT, utcnow() - timedelta(days=31)
    db.session.commit()
    assert purge_delivered_bodies() == 1
    db.session.refresh(message)
    assert (message.text_body, message.html_body, message.attachments) == ("", "", None)
    assert message.recipient == EMAIL  # who got what stays, until the registration goes
    assert purge_delivered_bodies() == 0


def test_the_export_holds_what_every_domain_registered(app, person):
    with app.test_request_context():
        data = registrations_privacy.export_data([person])["data"]
    [registration] = data["iscrizioni"]
    assert (registration["email"], registration["phone"], registration["last_name"]) == (EMAIL, PHONE, NAME[1])
    assert registration["answers"][0]["question"] == "Esigenze alimentari"
    assert registration["consent"]["version"] == "test-1"
    assert data["calendario_personale"][0]["email"] == EMAIL
    assert any(message["recipient"] == EMAIL for message in data["messaggi"])
    assert len(data["corsi"]["attendance"]) == 2
    assert data["corsi"]["certificates"][0]["facts"]["name"] == " ".join(NAME)
    assert data["corsi"]["feedback"][0]["comment"] == f"Firmato {NAME[1]}"
