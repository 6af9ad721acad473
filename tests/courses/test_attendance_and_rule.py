"""Attendance per lesson and the certificate rule: exact hours, partial presence, lessons held or
not yet, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.courses import services as courses
from app.courses.models import CODE_ALPHABET, Attendance, RuleBasis
from app.events import services as events
from app.extensions import db
from app.registrations import services as registrations
from app.registrations.models import ActivityKind, Source
from app.timeutil import today_rome
from tests.factories import add_weekly_lessons
from tests.factories import register as _register


@pytest.fixture
def finished_course(make_event):
    """Four lessons of three hours, all held (the last one two weeks ago)."""
    course = make_event(title="Percorso formativo", type_slug="corso", day=today_rome() - timedelta(days=35), capacity=10)
    add_weekly_lessons(course, 4)
    return course


@pytest.fixture
def running_course(make_event):
    """Four lessons of three hours: two held, two to come."""
    course = make_event(title="Percorso in corso", type_slug="corso", day=today_rome() - timedelta(days=10), capacity=10)
    add_weekly_lessons(course, 4)
    return course


def register(course):
    """Registered by the organizer, as for a course already under way."""
    return _register(course, source=Source.ORGANIZER)


def attend(course, registration, lessons: list[int], minutes: dict[int, int] | None = None):
    for index in lessons:
        slot = courses.slots(course)[index]
        courses.mark_present(registration, slot, minutes=(minutes or {}).get(index))


def standing(course, registration) -> courses.Progress:
    [item] = courses.progress(course, [registration])
    return item


def test_three_of_four_lessons_is_exactly_three_quarters_of_the_hours_and_eligible(finished_course):
    person = register(finished_course).registration
    attend(finished_course, person, [0, 1, 2])
    item = standing(finished_course, person)
    assert (item.attended_minutes, item.total_minutes) == (540, 720)
    assert item.standing == courses.Standing.ELIGIBLE and item.missing_minutes == 0


def test_partial_presence_counts_its_minutes_and_can_fall_short(finished_course):
    person = register(finished_course).registration
    attend(finished_course, person, [0, 1, 2], minutes={2: 179})  # left one minute early
    item = standing(finished_course, person)
    assert item.attended_minutes == 539
    assert item.standing == courses.Standing.NOT_ELIGIBLE
    assert item.missing_minutes == 1


def test_while_lessons_remain_someone_short_is_not_yet_and_hopeless_is_not_eligible(running_course):
    keen, absent = register(running_course).registration, register(running_course).registration
    attend(running_course, keen, [0])
    assert standing(running_course, keen).standing == courses.Standing.NOT_YET  # 180 + 360 to come ≥ 540
    assert standing(running_course, absent).standing == courses.Standing.NOT_ELIGIBLE  # 0 + 360 < 540


def test_the_rule_can_count_lessons_instead_of_hours(finished_course):
    person = register(finished_course).registration
    attend(finished_course, person, [0, 1], minutes={0: 30, 1: 30})
    courses.set_rule(finished_course, enabled=True, basis=RuleBasis.LESSONS, min_percent=50)
    assert standing(finished_course, person).standing == courses.Standing.ELIGIBLE  # 2 of 4 lessons
    courses.set_rule(finished_course, enabled=True, basis=RuleBasis.HOURS, min_percent=50)
    assert standing(finished_course, person).standing == courses.Standing.NOT_ELIGIBLE  # 60 of 720 minutes


def test_a_lesson_cancelled_after_the_fact_leaves_the_total(finished_course):
    person = register(finished_course).registration
    attend(finished_course, person, [0, 1])
    events.delete_session(finished_course.lessons[3])
    item = standing(finished_course, person)
    assert (item.attended_minutes, item.total_minutes, item.total_lessons) == (360, 540, 3)


def test_marking_twice_keeps_one_row_and_undo_removes_it_with_history(finished_course):
    person = register(finished_course).registration
    slot = courses.slots(finished_course)[0]
    courses.mark_present(person, slot, user_id=None)
    courses.mark_present(person, slot, user_id=None)
    assert db.session.scalars(select(Attendance)).all().__len__() == 1
    courses.mark_absent(person, slot)
    assert db.session.scalars(select(Attendance)).all() == []
    kinds = [a.kind for a in person.activities]
    assert kinds.count(ActivityKind.CHECKED_IN) == 1 and kinds[-1] == ActivityKind.ATTENDANCE_REMOVED
    assert "Lezione 1" in person.activities[-2].detail


def test_refusals_cancelled_other_event_future_lesson_and_too_many_minutes(finished_course, running_course):
    cancelled = register(finished_course).registration
    registrations.cancel(cancelled)
    first = courses.slots(finished_course)[0]
    with pytest.raises(courses.CourseError, match="confermata"):
        courses.mark_present(cancelled, first)
    other = register(running_course).registration
    with pytest.raises(courses.CourseError, match="altro evento"):
        courses.mark_present(other, first)
    with pytest.raises(courses.CourseError, match="non appartiene"):
        courses.slot_for(finished_course, courses.slots(running_course)[0].session_id)
    future = courses.slots(running_course)[3]
    with pytest.raises(courses.CourseError, match="non è ancora cominciata"):
        courses.mark_present(other, future)
    person = register(finished_course).registration
    with pytest.raises(courses.CourseError, match="180 minuti"):
        courses.mark_present(person, first, minutes=181)
    assert db.session.scalars(select(Attendance)).all() == []


def test_certificates_only_after_the_end_for_who_meets_the_rule(finished_course, running_course):
    good, short = register(finished_course).registration, register(finished_course).registration
    attend(finished_course, good, [0, 1, 2, 3])
    attend(finished_course, short, [0])
    with pytest.raises(courses.CourseError, match="frequenza richiesta"):
        courses.issue(finished_course, short)
    certificate = courses.issue(finished_course, good)
    assert len(certificate.code) == 10 and set(certificate.code) <= set(CODE_ALPHABET)
    assert certificate.facts["attended_minutes"] == 720 and certificate.facts["name"] == good.full_name
    assert [c.registration_id for c in courses.issue_all(finished_course)] == [good.id]
    early = register(running_course).registration
    attend(running_course, early, [0, 1])
    with pytest.raises(courses.CourseError, match="alla fine del corso"):
        courses.issue(running_course, early)


def test_revoking_needs_a_reason_and_verification_finds_codes_however_typed(finished_course):
    person = register(finished_course).registration
    attend(finished_course, person, [0, 1, 2, 3])
    certificate = courses.issue(finished_course, person)
    with pytest.raises(courses.CourseError, match="motivo"):
        courses.revoke(certificate, "  ")
    courses.revoke(certificate, "Errore nei registri")
    spaced = " ".join([certificate.code[:5].lower(), certificate.code[5:]])
    found = courses.find_certificate(spaced)
    assert found.id == certificate.id and found.is_revoked
    assert courses.find_certificate("NONESISTE") is None


@pytest.mark.parametrize(("minutes", "text"), [(720, "12"), (750, "12,5"), (75, "1,25"), (50, "0,83")])
def test_hours_are_written_as_a_certificate_states_them(minutes, text):
    assert courses.hours(minutes) == text


def test_the_registrants_export_gains_hours_standing_and_certificate_code(finished_course):
    from app.registrations import export

    good, short = register(finished_course).registration, register(finished_course).registration
    attend(finished_course, good, [0, 1, 2, 3])
    attend(finished_course, short, [0], minutes={0: 90})
    certificate = courses.issue(finished_course, good)
    header, body = export.rows([good, short], [])
    columns = {title: [row[header.index(title)] for row in body] for title in header}
    assert columns["Ore frequentate"] == ["12", "1,5"]
    assert columns["Lezioni frequentate"] == ["4/4", "1/4"]
    assert columns["Attestato"] == ["idoneo all'attestato", "frequenza insufficiente"]
    assert columns["Codice attestato"] == [certificate.code, ""]


def test_the_worker_issues_the_certificates_of_a_course_that_has_ended_once(finished_course):
    from app.outbox.signals import worker_pass

    good, short = register(finished_course).registration, register(finished_course).registration
    attend(finished_course, good, [0, 1, 2, 3])
    attend(finished_course, short, [0])
    results = dict(worker_pass.send(None))
    assert sum(n for n in results.values() if n) >= 1
    certificate = courses.certificate_of(good)
    assert certificate is not None and courses.certificate_of(short) is None
    courses.revoke(certificate, "Errore")
    assert courses.issue_due() == 0  # a revoked certificate is not issued again by itself
