"""The counting rules: confirmed registrations only, a comune counted once however many people
and events, attendances and hours from the courses' attendance (partial presences in minutes)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from app import comuni
from app.participation import services
from app.participation.services import Filters
from app.registrations import services as registrations
from app.timeutil import rome_datetime, today_rome
from tests.factories import attend, enrol, register


def test_a_person_at_three_events_counts_the_comune_once_and_three_attendances(make_event, from_comune):
    days_ago = [40, 30, 20]
    for days in days_ago:
        event = make_event(title=f"Incontro {days}", day=today_rome() - timedelta(days=days), capacity=10)
        registration = from_comune(event, "Alba (CN)", email="paolo.cavallo@comune.alba.cn.it")
        attend(event, registration, [0])
    result = services.participation(Filters())
    alba = result.figures_of("004003")
    assert result.reached == 1
    assert (alba.people, alba.registrations, alba.attendances, alba.events) == (1, 3, 3, 3)


def test_cancelled_waitlisted_and_pending_registrations_do_not_count(make_event, from_comune):
    full = make_event(title="Posti finiti", capacity=1)
    from_comune(full, "Alba (CN)")
    waiting = register(full, ente_tipo="comune", comune="Bra (CN)").registration
    assert waiting.status == "waitlisted"
    moderated = make_event(title="Da approvare", registration_moderated=True)
    pending = register(moderated, ente_tipo="comune", comune="Cuneo (CN)").registration
    assert pending.status == "pending"
    cancelled = from_comune(make_event(title="Annullata"), "Ostana (CN)")
    registrations.cancel(cancelled)
    result = services.participation(Filters())
    assert [f.comune.name for f in result.per_comune] == ["Alba"]
    assert result.registrations == 1


def test_hours_come_from_the_attendance_with_partial_presences_in_minutes(past_course, from_comune):
    whole = from_comune(past_course, "Ostana (CN)", email="a@ostana.example")
    partial = from_comune(past_course, "Ostana (CN)", email="b@ostana.example")
    attend(past_course, whole, [0, 1])  # 3 + 3 hours
    attend(past_course, partial, [0], minutes={0: 90})  # an hour and a half
    ostana = services.participation(Filters()).figures_of(comuni.from_label("Ostana (CN)").code)
    assert ostana.minutes == 6 * 60 + 90
    assert ostana.hours == 7.5
    assert (ostana.people, ostana.attendances) == (2, 2)


def test_a_registration_nobody_marked_present_is_no_attendance(past_meeting, from_comune):
    from_comune(past_meeting, "Asti (AT)")
    asti = services.participation(Filters()).figures_of("005005")
    assert (asti.registrations, asti.attendances, asti.minutes) == (1, 0, 0)


def test_provinces_and_size_classes_count_against_every_comune_of_piedmont(past_meeting, from_comune):
    for comune in ("Alba (CN)", "Ostana (CN)", "Ingria (TO)", "Genova (GE)"):
        from_comune(past_meeting, comune)
    result = services.participation(Filters())
    provinces = {g.key: (g.reached, g.total) for g in result.provinces}
    sizes = {g.key: (g.reached, g.total) for g in result.sizes}
    assert len(provinces) == 8 and sum(total for _r, total in provinces.values()) == 1180
    assert provinces["CN"] == (2, 247) and provinces["TO"][0] == 1 and provinces["AL"][0] == 0
    assert sizes["lt1000"] == (2, 570) and sizes["ge15000"][0] == 1
    assert result.reached == 3  # Genova counts among the comuni outside Piedmont, not the 1,180
    assert [f.comune.name for f in result.outside_piedmont] == ["Genova"]
    assert len(result.never_reached()) == 1177
    never_small_cn = result.never_reached(province="CN", size="lt1000")
    assert "Ostana" not in {c.name for c in never_small_cn} and "Acceglio" in {c.name for c in never_small_cn}


def test_a_merged_comune_counts_as_its_successor(past_meeting, from_comune):
    from_comune(past_meeting, "005079")  # Moransengo, merged into Moransengo-Tonengo in 2023
    from_comune(past_meeting, "Tonengo (AT)")
    result = services.participation(Filters())
    assert [(f.comune.name, f.registrations) for f in result.per_comune] == [("Moransengo-Tonengo", 2)]


def test_the_filters_choose_the_events(make_event, past_meeting, past_course, from_comune):
    from_comune(past_meeting, "Alba (CN)")
    from_comune(past_course, "Bra (CN)")
    assert [f.comune.name for f in services.participation(Filters(event_id=past_course.id)).per_comune] == ["Bra"]
    assert [f.comune.name for f in services.participation(Filters(type_id=past_meeting.type_id)).per_comune] == ["Alba"]
    since = today_rome() - timedelta(days=25)
    assert [f.comune.name for f in services.participation(Filters(start=since)).per_comune] == ["Alba"]
    assert services.participation(Filters(end=today_rome() - timedelta(days=100))).per_comune == []


def test_a_period_that_ends_before_it_starts_is_refused_in_words():
    with pytest.raises(services.ParticipationError, match="finisce prima di cominciare"):
        Filters(start=today_rome(), end=today_rome() - timedelta(days=1))


def test_free_text_entes_naming_a_comune_count_and_the_others_wait_to_be_resolved(past_meeting):
    enrol(past_meeting, organization="Comune di Mondovi")  # no accent, no kind: still Mondovì
    enrol(past_meeting, organization="Ecomuseo dei terrazzamenti")
    result = services.participation(Filters())
    assert [f.comune.name for f in result.per_comune] == ["Mondovì"]
    assert result.registrations_elsewhere == 1
    assert [u.organization for u in services.unresolved()] == ["Ecomuseo dei terrazzamenti"]


def test_a_consulta_meeting_counts_as_attendance_but_not_as_training_hours(make_event, past_course, from_comune):
    meeting = make_event(title="Riunione della Consulta", type_slug="consulta", day=today_rome() - timedelta(days=5))
    at_meeting = from_comune(meeting, "Torino (TO)", email="a@torino.example")
    attend(meeting, at_meeting, [0])  # two and a half hours of meeting, had it been training
    at_course = from_comune(past_course, "Torino (TO)", email="b@torino.example")
    attend(past_course, at_course, [0])  # one lesson of three hours
    result = services.participation(Filters())
    torino = result.figures_of("001272")
    assert (torino.attendances, torino.minutes) == (2, 3 * 60)
    assert result.minutes == 3 * 60
    history = services.comune_history("001272")
    assert sum(history.minutes_by_year.values()) == 3 * 60


def test_the_monthly_trend_has_every_month_of_the_period_and_no_presences_for_months_not_ended(make_event, from_comune):
    year = today_rome().year - 1
    october = make_event(title="Ottobre", day=date(year, 10, 8))
    december = make_event(title="Dicembre", day=date(year, 12, 3))
    attend(october, from_comune(october, "Alba (CN)"), [0])
    attend(december, from_comune(december, "Bra (CN)"), [0])
    result = services.participation(Filters(start=date(year, 9, 1), end=date(year, 12, 31)))
    assert [(m.month[5:], m.comuni, m.attendances) for m in result.months] == [
        ("09", 0, 0),
        ("10", 1, 1),
        ("11", 0, 0),  # a month without activity is 0, not missing
        ("12", 1, 1),
    ]
    # seen from the middle of December, its presences are not all in yet
    mid_december = rome_datetime(date(year, 12, 15), time(12))
    result = services.participation(Filters(), now=mid_december)
    assert [(m.month[5:], m.attendances) for m in result.months] == [("10", 1), ("11", 0), ("12", None)]
