"""A person a finished course knows everything about: answers, history, attendance, a
certificate, a written follow-up, messages (one with a PDF), a personal feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, Text, cast, or_, select

from app.courses import feedback
from app.courses import services as courses
from app.extensions import db
from app.outbox.services import Attachment, Email, queue
from app.registrations import feeds
from app.registrations import services as registrations
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, attend, enrol

NAME = ("Ottavia", "Quaglieri")
EMAIL = "ottavia.quaglieri@comune.bra.cn.it"
PHONE = "+39 0172 438111"


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


def columns_holding(*values: str, skip: set[str] = frozenset()) -> list[str]:
    """Every text, string or JSON column of every table where one of the values appears
    (case-insensitive, JSON read as text), but those in `skip`."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if name in skip or not isinstance(column.type, String | Text | JSON):
                continue
            as_text = cast(column, Text) if isinstance(column.type, JSON) else column
            hit = db.session.execute(
                select(table).where(or_(*(as_text.ilike(f"%{value}%") for value in values))).limit(1)
            ).first()
            if hit is not None:
                found.append(name)
    return found
