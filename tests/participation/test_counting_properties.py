"""The counting rules hold for any mix of people, comuni, events and statuses (Hypothesis): the
figures equal what a plain count of the confirmed registrations says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from app.courses.models import Attendance
from app.extensions import db
from app.participation import services
from app.participation.services import Filters
from app.registrations.models import Registration, new_token
from app.timeutil import today_rome

COMUNI = ["004003", "004156", "001272", "005122", "010025"]  # Alba, Ostana, Torino, Moransengo-Tonengo, Genova
STATUSES = ["confirmed", "confirmed", "waitlisted", "pending", "cancelled", "rejected"]

rows = st.lists(
    st.tuples(
        st.integers(0, 3),  # person
        st.sampled_from(COMUNI),
        st.integers(0, 2),  # event
        st.sampled_from(STATUSES),
        st.booleans(),  # attended
    ),
    max_size=25,
    unique_by=lambda row: (row[0], row[2]),  # one registration per person and event
)


@pytest.fixture
def events(make_event):
    """Made once for all the examples: each example removes its registrations when done. Courses,
    so that every presence's minutes are training hours."""
    return [
        make_event(title=f"Corso {n}", type_slug="corso", day=today_rome() - timedelta(days=10 + n)) for n in range(3)
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=rows)
def test_figures_are_those_of_the_confirmed_registrations(events, plan):
    try:
        for person, code, event_index, status, attended in plan:
            registration = Registration(
                event_id=events[event_index].id,
                token=new_token(),
                status=status,
                first_name="P",
                last_name=str(person),
                email=f"p{person}@x.example",
                organization="Comune",
                ente_tipo="comune",
                comune_istat=code,
                role="sindaco",
                consent_version="v",
                consent_text="c",
                waitlisted_at=events[event_index].starts_at if status == "waitlisted" else None,
            )
            db.session.add(registration)
            db.session.flush()
            if attended and status == "confirmed":
                db.session.add(Attendance(registration_id=registration.id, session_id=None, minutes=30))
        db.session.commit()
        result = services.participation(Filters())
        confirmed = [row for row in plan if row[3] == "confirmed"]
        assert {f.comune.code for f in result.per_comune} == {row[1] for row in confirmed}
        assert result.registrations == len(confirmed)
        assert result.attendances == sum(row[4] for row in confirmed)
        assert result.minutes == 30 * result.attendances
        for figures in result.per_comune:
            mine = [row for row in confirmed if row[1] == figures.comune.code]
            assert figures.people == len({row[0] for row in mine})
            assert figures.events == len({row[2] for row in mine})
            assert figures.attendances == sum(row[4] for row in mine)
        assert result.reached == len({row[1] for row in confirmed} - {"010025"})
    finally:
        db.session.rollback()
        db.session.execute(delete(Attendance))
        db.session.execute(delete(Registration))
        db.session.commit()
