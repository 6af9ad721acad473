"""Rules of the events domain, exercised through its services and the database."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError, StatementError

from app.events import services
from app.events.models import Event, EventSession, EventStatus, EventType, Organization, Series
from app.extensions import db
from app.formatting import date_range, event_when, long_datetime
from app.timeutil import rome_datetime, today_rome


def _type(slug="incontro"):
    return db.session.scalar(db.select(EventType).where(EventType.slug == slug))


def test_description_is_sanitised_before_it_is_stored(make_event):
    event = make_event(
        description='<p onclick="x()">Ciao<script>alert(1)</script> <a href="javascript:evil()">x</a></p>'
    )
    assert "<script" not in event.description_html
    assert "onclick" not in event.description_html
    assert "javascript:" not in event.description_html
    assert "Ciao" in event.description_html


def test_plain_text_description_becomes_paragraphs(make_event):
    event = make_event(description="Prima riga\nseconda riga\n\nSecondo paragrafo & altro")
    assert event.description_html == "<p>Prima riga<br>seconda riga</p><p>Secondo paragrafo &amp; altro</p>"


def test_database_refuses_an_end_before_the_start(app):
    start = datetime(2026, 12, 1, 10, tzinfo=UTC)
    with pytest.raises(IntegrityError):
        db.session.execute(
            insert(Event).values(
                slug="x",
                title="x",
                type_id=_type().id,
                starts_at=start,
                ends_at=start - timedelta(hours=1),
                description_html="",
                all_day=False,
                attendance_mode="in_person",
                status="draft",
                registration_required=True,
                sequence=0,
                created_at=start,
                updated_at=start,
            )
        )
    db.session.rollback()


def test_database_refuses_a_cancellation_without_reason(make_event):
    event = make_event()
    event.status = EventStatus.CANCELLED
    event.cancellation_reason = None
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_naive_datetimes_are_refused(make_event):
    event = make_event()
    event.starts_at = datetime(2026, 12, 1, 10)
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()


def test_times_are_stored_in_utc_and_shown_in_rome(app, make_event):
    event = make_event(day=date(2026, 11, 17), start=time(10), end=time(12))
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.starts_at == datetime(2026, 11, 17, 9, tzinfo=UTC)
    with app.test_request_context():
        assert long_datetime(stored.starts_at) == "martedì 17 novembre 2026, ore 10:00"
        assert event_when(stored) == "martedì 17 novembre 2026, ore 10:00–12:00"


def test_summer_time_is_respected(app, make_event):
    event = make_event(day=date(2027, 7, 6), start=time(10), end=time(12))
    assert event.starts_at == datetime(2027, 7, 6, 8, tzinfo=UTC)


def test_all_day_exhibition_ends_on_its_last_day(app, make_event):
    event = make_event(
        type_slug="mostra",
        all_day=True,
        starts_at=rome_datetime(date(2026, 12, 1), time(0)),
        ends_at=rome_datetime(date(2027, 1, 10), time(0)),
    )
    assert event.first_day == date(2026, 12, 1)
    assert event.last_day == date(2027, 1, 9)
    with app.test_request_context():
        assert event_when(event) == "dall'1 dicembre 2026 al 9 gennaio 2027"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2026, 12, 13), date(2026, 12, 25), "dal 13 al 25 dicembre 2026"),
        (date(2026, 11, 8), date(2026, 12, 11), "dall'8 novembre all'11 dicembre 2026"),
        (date(2026, 12, 21), date(2027, 1, 11), "dal 21 dicembre 2026 all'11 gennaio 2027"),
    ],
)
def test_date_ranges_read_as_italian(app, first, last, expected):
    with app.test_request_context():
        assert date_range(first, last) == expected


def test_date_ranges_in_english(app, client):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert date_range(date(2026, 12, 8), date(2027, 1, 11)) == "from 8 December 2026 to 11 January 2027"


def test_editing_an_event_keeps_and_changes_its_organizations(make_event):
    cop = Organization(name="Consorzio Ong Piemontesi", acronym="COP")
    acal = Organization(name="ACAL", country="BJ")
    db.session.add_all([cop, acal])
    db.session.commit()
    event = make_event(partner_ids=[cop.id], organizer_ids=[acal.id])
    services.update_event(
        event,
        services.EventInput(
            title=event.title,
            type_id=event.type_id,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            venue_id=event.venue_id,
            partner_ids=[cop.id, acal.id],
            organizer_ids=[acal.id],
        ),
    )
    db.session.expire_all()
    assert {o.acronym or o.name for o in event.partners} == {"COP", "ACAL"}
    assert [o.name for o in event.organizers] == ["ACAL"]


def test_series_numbering_follows_dates_not_insertion_order(make_event):
    series = Series(slug="coordinamenti", title="Esperienze di coordinamenti territoriali")
    db.session.add(series)
    db.session.commit()
    base = today_rome() + timedelta(days=5)
    second = make_event("Secondo", series_id=series.id, day=base + timedelta(days=14))
    first = make_event("Primo", series_id=series.id, day=base)
    cancelled = make_event("Annullato", series_id=series.id, day=base + timedelta(days=7), status="cancelled")
    draft = make_event("Bozza", series_id=series.id, day=base + timedelta(days=1), status="draft")
    numbers = services.series_numbers([first, second, cancelled, draft])
    assert numbers == {first.id: 1, second.id: 2}
    assert services.series_label(second, numbers[second.id]) == "2° incontro"


def test_sequence_increases_when_the_schedule_changes_but_not_for_a_new_title(make_event):
    event = make_event()
    sequence = event.sequence

    def data(**changes):
        values = dict(
            title=event.title,
            type_id=event.type_id,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            venue_id=event.venue_id,
        )
        values.update(changes)
        return services.EventInput(**values)

    services.update_event(event, data(title="Nuovo titolo"))
    assert event.sequence == sequence
    services.update_event(
        event, data(starts_at=event.starts_at + timedelta(hours=1), ends_at=event.ends_at + timedelta(hours=1))
    )
    assert event.sequence == sequence + 1
    services.cancel_event(event, "Sala non disponibile")
    assert event.sequence == sequence + 2


def test_online_event_needs_a_link(make_event):
    with pytest.raises(services.EventError):
        make_event(attendance_mode="online", venue_id=None)


def test_cancel_needs_a_reason(make_event):
    event = make_event()
    with pytest.raises(services.EventError):
        services.cancel_event(event, "  ")
    assert event.status == EventStatus.PUBLISHED


def test_duplicate_is_a_draft_with_the_same_programme(make_event):
    event = make_event()
    services.add_session(event, services.SessionInput(title="Saluti", starts_at=event.starts_at))
    copy = services.duplicate_event(event)
    assert copy.status == EventStatus.DRAFT
    assert copy.slug != event.slug
    assert [s.title for s in copy.sessions] == ["Saluti"]


def test_only_drafts_can_be_deleted(app, make_event):
    published = make_event()
    with pytest.raises(services.EventError):
        services.delete_event(published, app.config["UPLOAD_FOLDER"])
    draft = make_event(status="draft")
    services.delete_event(draft, app.config["UPLOAD_FOLDER"])
    assert db.session.get(Event, draft.id) is None


def test_moving_a_session_swaps_it_with_its_neighbour(make_event):
    event = make_event()
    a = services.add_session(event, services.SessionInput(title="A", starts_at=event.starts_at))
    b = services.add_session(event, services.SessionInput(title="B", starts_at=event.starts_at))
    services.move_session(b, -1)
    db.session.expire_all()
    ordered = db.session.scalars(
        db.select(EventSession).where(EventSession.event_id == event.id).order_by(EventSession.position)
    ).all()
    assert [s.id for s in ordered] == [b.id, a.id]


def test_slugs_are_unique(make_event):
    one = make_event("Riunione della Consulta")
    two = make_event("Riunione della Consulta")
    assert one.slug == "riunione-della-consulta"
    assert two.slug == "riunione-della-consulta-2"


def test_public_query_filters(make_event, venue):
    cop = Organization(name="Consorzio Ong Piemontesi", acronym="COP")
    db.session.add(cop)
    db.session.commit()
    course = make_event("Lezioni di progettazione", type_slug="corso", theme_names=["Formazione"])
    meeting = make_event("Coordinamenti", partner_ids=[cop.id])
    make_event("Passato", day=today_rome() - timedelta(days=30))
    make_event("Bozza", status="draft")

    def titles(when="upcoming", **filters):
        query = services.public_events_query(services.EventFilters(**filters), when=when)
        found = {e.title for e in db.session.scalars(query)}
        page = services.paginate_events(services.EventFilters(**filters), when=when, page=1, per_page=50)
        assert {e.title for e in page.items} == found and page.total == len(found)  # the lists' way
        return found

    assert titles() == {course.title, meeting.title}
    assert titles(type="corso") == {course.title}
    assert titles(theme="formazione") == {course.title}
    assert titles(q="cop") == {meeting.title}
    assert titles(comune="torino") == {course.title, meeting.title}
    assert titles(comune="Cuneo") == set()
    assert titles(when="past") == {"Passato"}
    month = (today_rome() - timedelta(days=30)).strftime("%Y-%m")
    assert "Passato" in titles(month=month)


def test_malformed_month_filter_is_ignored():
    assert services.EventFilters(month="2026-13").month_range() is None
    assert services.EventFilters(month="ieri").month_range() is None


def test_organization_display_name_does_not_repeat_the_acronym():
    assert Organization(name="Consorzio Ong Piemontesi", acronym="COP").display_name == "COP – Consorzio Ong Piemontesi"
    assert Organization(name="Januaforum", acronym="Januaforum").display_name == "Januaforum"
    assert Organization(name="Regione Piemonte").display_name == "Regione Piemonte"
