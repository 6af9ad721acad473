"""Past events with people from comuni, for the participation tests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.timeutil import today_rome
from tests.factories import add_weekly_lessons, enrol


@pytest.fixture
def past_meeting(make_event):
    return make_event(title="Assemblea dei soci", day=today_rome() - timedelta(days=20), capacity=50)


@pytest.fixture
def past_course(make_event):
    course = make_event(
        title="Corso per piccoli comuni", type_slug="corso", day=today_rome() - timedelta(days=30), capacity=50
    )
    add_weekly_lessons(course, 2)  # two lessons of three hours, a week apart, both held
    return course


def _from_comune(event, comune: str, first_name="Maria", last_name="Rossi", **fields):
    return enrol(event, first_name=first_name, last_name=last_name, ente_tipo="comune", comune=comune, **fields)


@pytest.fixture
def from_comune():
    """from_comune(event, "Alba (CN)", …): someone the organizers added, from the comune given
    as the form takes it."""
    return _from_comune
