"""The subscription feeds: content clients get right, stable bytes, cheap revalidation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app import create_app
from app.calendar import routes as calendar_routes
from app.calendar.services import months_before
from app.events import services
from app.events.models import Event, Series
from app.extensions import cache, db
from app.registrations import services as registrations
from app.registrations.models import Source
from app.timeutil import rome_datetime, today_rome, utcnow
from tests.factories import CONSENT, FALL_BACK, SPRING_FORWARD, participant
from tests.support.calendar_readers import ROME


@pytest.fixture
def programme(make_event):
    """A small season: a cycle meeting, an exhibition, a course across a DST change, a cancelled
    meeting, and events that must stay out of the feeds."""
    series = Series(slug="coordinamenti-territoriali", title="Esperienze di coordinamenti territoriali")
    db.session.add(series)
    db.session.commit()
    soon = today_rome() + timedelta(days=12)
    meeting = make_event(
        title="2° incontro – Esperienze di coordinamenti territoriali",
        day=soon,
        start=time(15),
        end=time(17, 30),
        series_id=series.id,
        summary="Con COP – Consorzio Ong Piemontesi e Januaforum / RAIL.",
        theme_names=["Cooperazione decentrata"],
    )
    show_start = today_rome() + timedelta(days=3)
    show = make_event(
        title="Mostra: comuni piemontesi nel mondo",
        type_slug="mostra",
        all_day=True,
        starts_at=rome_datetime(show_start, time(0)),
        ends_at=rome_datetime(show_start + timedelta(days=14), time(0)),
        opening_hours="da lunedì a venerdì, 9–17",
        registration_required=False,
    )
    course = make_event(
        title="Percorso formativo: progettare la cooperazione",
        type_slug="corso",
        starts_at=rome_datetime(SPRING_FORWARD - timedelta(days=1), time(14)),
        ends_at=rome_datetime(SPRING_FORWARD + timedelta(days=1), time(17)),
    )
    for day in (SPRING_FORWARD - timedelta(days=1), SPRING_FORWARD + timedelta(days=1)):
        services.add_session(
            course,
            services.SessionInput(
                title=f"Lezione del {day.day}",
                starts_at=rome_datetime(day, time(14)),
                ends_at=rome_datetime(day, time(17)),
            ),
        )
    cancelled = make_event(title="Incontro annullato", day=soon + timedelta(days=2), status="cancelled")
    old_cancelled = make_event(title="Annullato da tempo", day=soon + timedelta(days=3), status="cancelled")
    old_cancelled.cancelled_at = utcnow() - timedelta(days=31)
    # The windowed feeds' first day is this day six months ago (FEED_WINDOW_MONTHS).
    first_day = months_before(today_rome(), 6)
    recent = make_event(title="Incontro del primo giorno della finestra", day=first_day)
    too_old = make_event(title="Incontro del giorno prima", day=first_day - timedelta(days=1))
    draft = make_event(title="Bozza", status="draft")
    db.session.commit()
    return {
        "series": series,
        "meeting": meeting,
        "show": show,
        "course": course,
        "cancelled": cancelled,
        "old_cancelled": old_cancelled,
        "recent": recent,
        "too_old": too_old,
        "draft": draft,
    }


def feed_urls(programme) -> list[str]:
    return [
        "/calendario.ics",
        "/calendario/incontro.ics",
        "/calendario/mostra.ics",
        "/calendario/corso.ics",
        "/calendario/consulta.ics",
        f"/serie/{programme['series'].slug}/calendario.ics",
        f"/eventi/{programme['meeting'].slug}.ics",
        f"/eventi/{programme['show'].slug}.ics",
        f"/eventi/{programme['course'].slug}.ics",
        f"/eventi/{programme['cancelled'].slug}.ics",
    ]


def test_every_feed_is_read_the_same_by_five_independent_parsers(client, programme, parsed):
    for url in feed_urls(programme):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        result = parsed(response.get_data())
        uids = sorted(v.uid.value for v in result.vobject.contents.get("vevent", []))
        assert uids == sorted(e.uid for e in result.libical), url
        assert uids == sorted(str(e.uid) for e in result.ical.events), url


def test_the_main_feed_holds_exactly_what_subscribers_should_see(client, programme, parsed):
    result = parsed(client.get("/calendario.ics").get_data())
    summaries = sorted(e.summary for e in result.libical)
    course = programme["course"]
    assert summaries == sorted(
        [
            "2° incontro – Esperienze di coordinamenti territoriali",
            "Mostra: comuni piemontesi nel mondo",
            "ANNULLATO: Incontro annullato",
            "Incontro del primo giorno della finestra",
            f"{course.title} – Lezione del 27",
            f"{course.title} – Lezione del 29",
        ]
    )
    calendar = result.icalendar
    assert calendar["X-WR-CALNAME"] == "ANCI Piemonte – Incontri"
    assert calendar["NAME"] == "ANCI Piemonte – Incontri"
    assert calendar["X-WR-TIMEZONE"] == "Europe/Rome"
    text = client.get("/calendario.ics").get_data(as_text=True)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT3H\r\n" in text
    assert "X-PUBLISHED-TTL:PT3H\r\n" in text


def test_entries_carry_stable_uids_places_categories_and_links(client, programme, parsed):
    meeting = programme["meeting"]
    result = parsed(client.get(f"/serie/{programme['series'].slug}/calendario.ics").get_data())
    [vevent] = result.icalendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"evento-{meeting.id}@incontri.test"
    assert str(vevent["LOCATION"]) == "Palazzo Lascaris, Via Alfieri 15, Torino"
    assert vevent.decoded("GEO") is not None
    assert str(vevent["URL"]) == f"http://incontri.test/eventi/{meeting.slug}"
    assert f"http://incontri.test/eventi/{meeting.slug}" in str(vevent["DESCRIPTION"])
    assert "COP – Consorzio Ong Piemontesi" in str(vevent["DESCRIPTION"])
    assert list(vevent["CATEGORIES"].cats) == ["Incontro", "Cooperazione decentrata"]
    assert str(vevent["ORGANIZER"]) == "mailto:noreply@incontri.test"
    assert vevent["ORGANIZER"].params["CN"] == "ANCI Piemonte"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("DTSTART") == rome_datetime(meeting.first_day, time(15))
    assert vevent.decoded("DTSTAMP") == meeting.updated_at.replace(microsecond=0).astimezone(UTC)


def test_exhibition_is_all_day_transparent_with_the_day_after_as_end(client, programme, parsed):
    show = programme["show"]
    result = parsed(client.get("/calendario/mostra.ics").get_data())
    [entry] = result.libical
    assert entry.start == show.first_day.timetuple()[:3]
    assert entry.end == (show.last_day + timedelta(days=1)).timetuple()[:3]
    [vevent] = result.icalendar.walk("VEVENT")
    assert str(vevent["TRANSP"]) == "TRANSPARENT"
    assert "da lunedì a venerdì, 9–17" in str(vevent["DESCRIPTION"])
    assert "COLOR" in result.icalendar and str(result.icalendar["X-APPLE-CALENDAR-COLOR"]).startswith("#")
    # Fourteen days on the timeline of the pydantic parser, first to last.
    [event] = result.ical.events
    assert (event.end - event.start).days == 14


def test_course_lessons_keep_local_time_across_the_spring_dst_change(client, programme, parsed):
    course = programme["course"]
    result = parsed(client.get("/calendario/corso.ics").get_data())
    lessons = sorted(result.libical, key=lambda e: e.start)
    # 14:00 in Rome is 13:00 UTC before the change and 12:00 UTC after it.
    assert [e.start for e in lessons] == [
        datetime(2027, 3, 27, 13, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 12, 0, tzinfo=UTC),
    ]
    timeline = list(result.ical.timeline_tz(ROME))
    assert [(e.start.date(), e.start.time(), e.end.time()) for e in timeline] == [
        (date(2027, 3, 27), time(14), time(17)),
        (date(2027, 3, 29), time(14), time(17)),
    ]
    related = {str(v["RELATED-TO"]) for v in result.icalendar.walk("VEVENT")}
    assert related == {f"evento-{course.id}@incontri.test"}
    [timezone] = result.icalendar.walk("VTIMEZONE")
    assert {c.name for c in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_autumn_dst_change(client, make_event, parsed):
    before = make_event(title="Prima del cambio", day=FALL_BACK - timedelta(days=1), start=time(10), end=time(12))
    after = make_event(title="Dopo il cambio", day=FALL_BACK + timedelta(days=1), start=time(10), end=time(12))
    entries = {e.summary: e for e in parsed(client.get("/calendario.ics").get_data()).libical}
    assert entries[before.title].start == datetime(2027, 10, 30, 8, 0, tzinfo=UTC)
    assert entries[after.title].start == datetime(2027, 11, 1, 9, 0, tzinfo=UTC)


def test_cancelled_events_stay_marked_then_leave(client, programme, parsed):
    cancelled = programme["cancelled"]
    result = parsed(client.get("/calendario/incontro.ics").get_data())
    by_uid = {str(v["UID"]): v for v in result.icalendar.walk("VEVENT")}
    entry = by_uid[f"evento-{cancelled.id}@incontri.test"]
    assert str(entry["STATUS"]) == "CANCELLED"
    assert int(entry["SEQUENCE"]) >= 2  # published, then cancelled
    assert "Maltempo" in str(entry["DESCRIPTION"])
    assert f"evento-{programme['old_cancelled'].id}@incontri.test" not in by_uid
    assert f"evento-{programme['too_old'].id}@incontri.test" not in by_uid
    assert f"evento-{programme['draft'].id}@incontri.test" not in by_uid


def test_series_and_personal_feeds_keep_their_whole_history(app, client, make_event, monkeypatch):
    """Only the all-events and per-type feeds hold a window; a cycle's or a person's feed is
    their history, however long ago it began."""
    series = Series(slug="ciclo-lungo", title="Un ciclo di anni")
    db.session.add(series)
    db.session.commit()
    long_ago = make_event(title="Primo incontro del ciclo", day=today_rome() - timedelta(days=800), series_id=series.id)
    ahead = make_event(title="Prossimo incontro del ciclo", day=today_rome() + timedelta(days=5), series_id=series.id)
    email = "storico@comune.example.it"
    for event in (long_ago, ahead):
        registrations.register(event.id, participant(email), CONSENT, source=Source.ORGANIZER)
    from app.registrations import feeds as personal

    uid = f"evento-{long_ago.id}@incontri.test"
    assert uid not in client.get("/calendario.ics").get_data(as_text=True)
    assert uid not in client.get("/calendario/incontro.ics").get_data(as_text=True)
    assert uid in client.get(f"/serie/{series.slug}/calendario.ics").get_data(as_text=True)
    token = personal.personal_feed_for(email).token
    assert uid in client.get(f"/iscrizioni/{token}/calendario.ics").get_data(as_text=True)
    # The window is a setting: two months back is in the default six, out of one.
    two_months_ago = make_event(title="Incontro di due mesi fa", day=today_rome() - timedelta(days=62))
    recent_uid = f"evento-{two_months_ago.id}@incontri.test"
    assert recent_uid in client.get("/calendario.ics").get_data(as_text=True)
    monkeypatch.setitem(app.config, "FEED_WINDOW_MONTHS", 1)
    cache.clear()
    shorter = client.get("/calendario.ics").get_data(as_text=True)
    assert recent_uid not in shorter and f"evento-{ahead.id}@incontri.test" in shorter


def test_the_windowed_feed_stays_well_under_a_megabyte(client, make_event):
    """Clients (Google Calendar above all) stop refreshing large feeds: a year of history
    behind the window weighs nothing."""
    for days_ago in range(200, 560, 3):
        make_event(title=f"Incontro passato {days_ago}", day=today_rome() - timedelta(days=days_ago))
    body = client.get("/calendario.ics").get_data(as_text=True)
    assert "Incontro passato" not in body and len(body) < 20_000


def test_two_downloads_and_an_app_restart_give_the_same_bytes(app, client, programme):
    first = client.get("/calendario.ics")
    second = client.get("/calendario.ics")
    assert first.get_data() == second.get_data()
    assert first.headers["ETag"] == second.headers["ETag"]
    restarted = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "another-process",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "BASE_URL": "http://incontri.test",
        }
    )
    with restarted.app_context():
        again = restarted.test_client().get("/calendario.ics")
        db.session.remove()
        db.engine.dispose()
    assert again.get_data() == first.get_data()


def test_a_change_bumps_sequence_and_etag_but_never_the_uid(client, programme):
    meeting = programme["meeting"]
    url = f"/serie/{programme['series'].slug}/calendario.ics"
    before = client.get(url)
    import icalendar

    old = icalendar.Calendar.from_ical(before.get_data()).walk("VEVENT")[0]
    data = services.EventInput(
        title=meeting.title,
        type_id=meeting.type_id,
        series_id=meeting.series_id,
        starts_at=meeting.starts_at + timedelta(hours=1),
        ends_at=meeting.ends_at + timedelta(hours=1),
        venue_id=meeting.venue_id,
    )
    services.update_event(db.session.get(Event, meeting.id), data)
    after = client.get(url)
    new = icalendar.Calendar.from_ical(after.get_data()).walk("VEVENT")[0]
    assert str(new["UID"]) == str(old["UID"])
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert after.headers["ETag"] != before.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


def test_registrations_do_not_change_public_feeds(client, programme):
    before = client.get("/calendario.ics").get_data()
    for n in range(3):
        registrations.register(programme["meeting"].id, participant(f"p{n}@comune.example.it"), CONSENT)
    assert client.get("/calendario.ics").get_data() == before


def test_unchanged_feed_answers_304_without_rendering(client, programme, monkeypatch):
    first = client.get("/calendario.ics", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in first.headers
    assert first.headers["Cache-Control"] == "public, max-age=900"
    assert first.headers["Content-Disposition"] == 'inline; filename="calendario.ics"'

    def no_rendering(*args, **kwargs):
        raise AssertionError("the feed was rendered again")

    monkeypatch.setattr(calendar_routes, "_render", no_rendering)
    by_etag = client.get("/calendario.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304 and by_etag.get_data() == b""
    by_date = client.get("/calendario.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    head = client.head("/calendario.ics")
    assert head.status_code == 200 and head.headers["ETag"] == first.headers["ETag"]


def test_unknown_feeds_are_404(client, programme):
    assert client.get("/calendario/sconosciuto.ics").status_code == 404
    assert client.get("/serie/sconosciuta/calendario.ics").status_code == 404
    assert client.get("/iscrizioni/non-un-token/calendario.ics").status_code == 404
    assert client.get(f"/eventi/{programme['draft'].slug}.ics").status_code == 404


def test_personal_feed_holds_only_this_persons_events_and_can_be_revoked(client, programme, parsed):
    from app.registrations import feeds as calendar

    email = "sindaca@comune.pinerolo.to.it"
    registrations.register(programme["meeting"].id, participant(email), CONSENT)
    registrations.register(programme["course"].id, participant(email), CONSENT)
    other = registrations.register(programme["course"].id, participant("altro@comune.example.it"), CONSENT)
    feed = calendar.personal_feed_for(email)
    response = client.get(f"/iscrizioni/{feed.token}/calendario.ics")
    assert response.headers["Cache-Control"] == "private, max-age=900"
    result = parsed(response.get_data())
    summaries = sorted(e.summary for e in result.libical)
    assert summaries[0].startswith("2° incontro") and len(summaries) == 3  # the meeting and two lessons
    assert email not in response.get_data(as_text=True)
    assert other.registration.email not in response.get_data(as_text=True)
    old = feed.token
    calendar.revoke_personal_feed(feed)
    assert client.get(f"/iscrizioni/{old}/calendario.ics").status_code == 404
    assert client.get(f"/iscrizioni/{feed.token}/calendario.ics").status_code == 200


def test_thunderbird_reads_summer_events_of_this_year_and_the_next_at_the_right_instant(client, make_event, parsed):
    """Mozilla's ical.js ignores an observance's DTSTART when it has RDATEs: with the time zone
    written as one observance plus an RDATE for the next year, it missed this year's change and
    put every summer event an hour late. Summer and winter, both changes, a year boundary."""
    year = today_rome().year + 1
    moments = {
        "Estate, primo anno": (date(year, 7, 1), time(10)),
        "Prima del cambio di marzo": (date(year, 3, 27), time(9)),
        "Dopo il cambio di ottobre": (date(year, 11, 2), time(9)),
        "San Silvestro": (date(year, 12, 31), time(17)),
        "Capodanno": (date(year + 1, 1, 2), time(9, 30)),
        "Estate, anno dopo": (date(year + 1, 7, 1), time(10)),
    }
    for title, (day, start) in moments.items():
        make_event(title=title, day=day, start=start, end=time(start.hour + 2, start.minute))
    result = parsed(client.get("/calendario.ics").get_data())
    by_summary = {e.summary: e for e in result.icaljs.entries}
    for title, (day, start) in moments.items():
        assert by_summary[title].start == rome_datetime(day, start).astimezone(UTC), title
    assert by_summary["Estate, primo anno"].start.hour == 8  # 10:00 in summer is 08:00 UTC
    [timezone] = result.icalendar.walk("VTIMEZONE")
    march = next(c for c in timezone.subcomponents if c.name == "DAYLIGHT")
    assert "RDATE" not in march and march.decoded("DTSTART").time() == time(2)
