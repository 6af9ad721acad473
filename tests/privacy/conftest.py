"""A person a finished course knows everything about: answers, history, attendance, a
certificate, a written follow-up, messages (one with a PDF), a personal feed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.courses import feedback
from app.courses import services as courses
from app.extensions import db
from app.outbox.services import Attachment, Email, queue
from app.registrations import feeds
from app.registrations import services as registrations
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, attend, enrol
from tests.support.privacy import EMAIL, NAME, PHONE


@pytest.fixture
def course(make_event):
    course = make_event(title="Bilancio dei Comuni", type_slug="corso", day=today_rome() - timedelta(days=35))
    add_weekly_lessons(course, 2)
    return course


@pytest.fixture
def person(course):
    question = registrations.add_question(course, registrations.QuestionInput(label="Esigenze alimentari", kind="text"))
    registration = enrol(
        course,
        first_name=NAME[0],
        last_name=NAME[1],
        email=EMAIL,
        phone=PHONE,
        organization="Comune di Bra",
        answers={question.id: f"Nessuna, grazie da {NAME[0]} {NAME[1]}"},
    )
    attend(course, registration, [0, 1])
    courses.issue(course, registration)
    feedback.record(registration, 4, useful="Gli esempi", comment=f"Firmato {NAME[1]}")
    feeds.personal_feed_for(EMAIL)
    queue(
        f"test-with-pdf:{EMAIL}",
        "certificate",
        Email(f"Attestato per {NAME[0]}", f"Gentile {NAME[0]} {NAME[1]}", f"<p>{NAME[1]}</p>"),
        recipient=EMAIL,
        recipient_name=" ".join(NAME),
        registration_id=registration.id,
        attachments=[Attachment("attestato.pdf", "application/pdf", NAME[1].encode())],
    )
    db.session.commit()
    return registration
