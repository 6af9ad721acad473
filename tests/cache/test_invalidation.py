"""Cached pages, API answers and feeds: each kind of published change invalidates what shows
it and nothing else, and nothing personal is ever stored."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask_babel import refresh
from sqlalchemy import text

from app import dataversion
from app.auth.models import Role
from app.auth.services import create_user
from app.events import services as events
from app.events.models import Event, Venue
from app.extensions import db
from app.registrations import services as registrations
from app.timeutil import rome_datetime, today_rome
from tests import factories


@pytest.fixture(autouse=True)
def _one_time_bucket(app, monkeypatch):
    """Pages are also kept at most CACHE_PAGE_SECONDS: a test must not cross that boundary."""
    monkeypatch.setitem(app.config, "CACHE_PAGE_SECONDS", 24 * 3600)


@pytest.fixture
def world(make_event):
    """A published meeting with seats, a course with a lesson, and a draft."""
    meeting = make_event(title="Riunione della Consulta", capacity=10)
    day = today_rome() + timedelta(days=10)
    course = make_event(
        title="Corso di progettazione europea",
        type_slug="corso",
        starts_at=rome_datetime(day, time(14)),
        ends_at=rome_datetime(day + timedelta(days=14), time(17)),
    )
    events.add_session(
        course,
        events.SessionInput(
            title="Prima lezione", starts_at=rome_datetime(day, time(14)), ends_at=rome_datetime(day, time(17))
        ),
    )
    draft = make_event(title="Bozza riservata", status="draft")
    return {"meeting": meeting, "course": course, "draft": draft}


def public_urls(world) -> dict[str, str]:
    slug = world["meeting"].slug
    return {
        "home": "/",
        "list": "/eventi",
        "search": "/eventi?q=consulta",
        "page": f"/eventi/{slug}",
        "course": f"/eventi/{world['course'].slug}",
        "api list": "/api/v1/events",
        "api event": f"/api/v1/events/{slug}",
        "feed": "/calendario.ics",
        "type feed": "/calendario/incontro.ics",
        "event ics": f"/eventi/{slug}.ics",
    }


def prime(client, urls: dict[str, str]) -> dict[str, str]:
    """Each URL once (rendered and stored), then its ETag."""
    tags = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["X-Cache"] == "miss", url
        tags[name] = response.headers["ETag"]
    return tags


def changed(client, urls: dict[str, str], tags: dict[str, str]) -> set[str]:
    """The URLs that no longer answer 304 to the ETag they had."""
    return {
        name for name, url in urls.items() if client.get(url, headers={"If-None-Match": tags[name]}).status_code != 304
    }


#: The meeting's page and API answer show its seats; each event has a seat version of its own.
SEAT_PAGES = {"page", "api event"}


def publish_the_draft(world):
    events.publish_event(world["draft"])


def retitle(event, title: str) -> None:
    """The organizers' edit of the title alone, through the service."""
    events.update_event(
        event,
        events.EventInput(
            title=title,
            type_id=event.type_id,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            venue_id=event.venue_id,
            capacity=event.capacity,
        ),
    )


def edit_the_title(world):
    retitle(world["meeting"], "Riunione della Consulta (aggiornata)")


def cancel(world):
    events.cancel_event(world["meeting"], "Sala non disponibile")


def rename_the_venue(world):
    venue = db.session.get(Venue, world["meeting"].venue_id)
    events.save_reference(venue, {"name": "Palazzo Lascaris, Sala Viglione"})


def add_a_lesson(world):
    day = today_rome() + timedelta(days=17)
    events.add_session(
        world["course"],
        events.SessionInput(
            title="Seconda lezione",
            starts_at=rome_datetime(day, time(14)),
            ends_at=rome_datetime(day, time(17)),
        ),
    )


def add_a_material(world):
    events.add_material_link(world["meeting"], "Presentazione", "https://example.org/slide.pdf")


@pytest.mark.parametrize(
    "change",
    [publish_the_draft, edit_the_title, cancel, rename_the_venue, add_a_lesson, add_a_material],
    ids=lambda f: f.__name__,
)
def test_a_published_change_invalidates_every_page_answer_and_feed(client, world, change):
    urls = public_urls(world)
    tags = prime(client, urls)
    assert changed(client, urls, tags) == set()
    change(world)
    assert changed(client, urls, tags) == set(urls)


def test_a_seat_taken_changes_the_pages_that_show_seats_and_nothing_else(client, world):
    urls = public_urls(world)
    tags = prime(client, urls)
    assert "<strong>10</strong>" in client.get(urls["page"]).get_data(as_text=True)
    factories.register(world["meeting"])
    assert changed(client, urls, tags) == SEAT_PAGES
    assert "<strong>9</strong>" in client.get(urls["page"]).get_data(as_text=True)
    assert client.get(urls["api event"]).get_json()["seats_left"] == 9


def test_a_seat_taken_changes_only_its_own_events_page(client, world):
    """A burst of registrations for one course leaves every other event's page in the cache."""
    urls = public_urls(world)
    tags = prime(client, urls)
    factories.register(world["course"])
    assert changed(client, urls, tags) == {"course"}
    assert client.get(urls["page"]).headers["X-Cache"] == "hit"


def test_a_seat_freed_changes_its_events_page(client, world):
    registration = factories.register(world["meeting"]).registration
    urls = public_urls(world)
    tags = prime(client, urls)
    registrations.cancel(registration)
    assert changed(client, urls, tags) == SEAT_PAGES
    assert client.get(urls["api event"]).get_json()["seats_left"] == 10


def test_the_waiting_list_count_the_api_shows_follows_each_registration(client, make_event):
    full = make_event(title="Incontro al completo", capacity=1)
    factories.register(full)
    url = f"/api/v1/events/{full.slug}"
    assert client.get(url).get_json()["waitlist_count"] == 0
    factories.register(full)
    assert client.get(url).get_json()["waitlist_count"] == 1


def test_changes_the_public_does_not_see_invalidate_nothing(client, world):
    urls = public_urls(world)
    tags = prime(client, urls)
    before = dataversion.current()
    draft = world["draft"]
    retitle(draft, "Bozza riservata, rivista")
    events.add_material_link(draft, "Appunti", "https://example.org/appunti.pdf")
    registration = factories.register(world["meeting"]).registration
    seats_after_registering = dataversion.seats(world["meeting"].id)
    registrations.update_participant(registration, factories.participant(registration.email, phone="+39 011 000000"))
    create_user("collega@anci.example", "una-password-lunga-2", role=Role.ORGANIZER, name="Collega")
    after = dataversion.current()
    assert after.content == before.content
    assert dataversion.seats(world["meeting"].id) == seats_after_registering  # nor did the phone number
    assert changed(client, urls, tags) == SEAT_PAGES  # only the registration's seat


def test_pages_come_from_the_cache_until_the_version_changes(client, world):
    """A change written behind the services' back (raw SQL) is not seen: the page really is
    served from the cache, and only the version decides."""
    meeting = world["meeting"]
    url = f"/eventi/{meeting.slug}"
    assert client.get(url).headers["X-Cache"] == "miss"
    db.session.execute(text("UPDATE events SET title = 'Titolo nascosto' WHERE id = :id"), {"id": meeting.id})
    db.session.commit()
    second = client.get(url)
    assert second.headers["X-Cache"] == "hit"
    assert "Titolo nascosto" not in second.get_data(as_text=True)
    db.session.expire_all()
    edit_the_title({"meeting": db.session.get(Event, meeting.id)})
    assert "Riunione della Consulta (aggiornata)" in client.get(url).get_data(as_text=True)


def test_the_language_is_part_of_the_key(client, world):
    url = f"/eventi/{world['meeting'].slug}"
    italian = client.get(url)
    client.set_cookie("lang", "en")
    refresh()  # the tests share one app context, where Flask-Babel keeps the last locale
    english = client.get(url)
    assert english.headers["X-Cache"] == "miss"
    assert english.headers["ETag"] != italian.headers["ETag"]
    assert 'lang="en"' in english.get_data(as_text=True)
    refresh()
    assert client.get(url).headers["X-Cache"] == "hit"
    assert "Cookie" in english.headers["Vary"]


def test_signed_in_organizers_are_never_served_nor_stored(app, client, world, organizer):
    url = f"/eventi/{world['meeting'].slug}"
    anonymous = client.get(url)
    factories.log_in(client)
    signed_in = client.get(url)
    assert "X-Cache" not in signed_in.headers
    assert client.get(url, headers={"If-None-Match": anonymous.headers["ETag"]}).status_code == 200
    assert "Esci" in signed_in.get_data(as_text=True) or "gestione" in signed_in.get_data(as_text=True)
    stranger = app.test_client().get(url)
    assert stranger.headers["X-Cache"] == "hit"
    assert stranger.get_data() == anonymous.get_data()


def test_a_page_with_a_flashed_message_is_neither_served_nor_stored(app, client, world):
    url = "/eventi"
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Messaggio solo per questa persona")]
    flashed = client.get(url)
    assert "Messaggio solo per questa persona" in flashed.get_data(as_text=True)
    assert "X-Cache" not in flashed.headers
    other = app.test_client().get(url)
    assert other.headers["X-Cache"] == "miss"
    assert "Messaggio solo per questa persona" not in other.get_data(as_text=True)


def test_forms_with_a_csrf_token_are_never_cached(app, client, world):
    form = f"/eventi/{world['meeting'].slug}/iscrizione"
    first = client.get(form)
    assert first.status_code == 200 and factories.csrf_token_from(first)
    assert "X-Cache" not in first.headers and "ETag" not in first.headers
    for url in public_urls(world).values():
        response = client.get(url)
        assert 'name="csrf_token"' not in response.get_data(as_text=True), url
        assert "Set-Cookie" not in response.headers, url


def test_an_unchanged_answer_is_a_304_without_a_query(app, client, world):
    from sqlalchemy import event

    url = "/calendario.ics"
    tag = client.get(url).headers["ETag"]
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1  # the data version's one row


def test_a_cookieless_request_is_answered_before_the_request_pipeline(app, client, world, monkeypatch):
    """Calendar clients send no cookie: their hits and 304s skip Flask's before_request
    functions altogether; a request with any cookie goes through them as before."""
    calls = []
    functions = {**app.before_request_funcs, None: [lambda: calls.append(1), *app.before_request_funcs[None]]}
    monkeypatch.setattr(app, "before_request_funcs", functions)
    url = "/calendario.ics"
    first = client.get(url)
    assert first.headers["X-Cache"] == "miss" and len(calls) == 1
    hit = client.get(url)
    assert hit.headers["X-Cache"] == "hit" and hit.get_data() == first.get_data() and len(calls) == 1
    assert "Content-Security-Policy" in hit.headers
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304 and len(calls) == 1
    client.set_cookie("lang", "it")
    assert client.get(url).headers["X-Cache"] == "hit" and len(calls) == 2


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_cookieless_304_says_what_the_answer_said(client, world, method):
    """Built by hand without a Response: the answer's ETag and Cache-Control, and no body."""
    for url in ("/calendario.ics", "/eventi", "/calendario.ics?lang=fr"):
        first = client.get(url)
        again = client.open(url, method=method, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
        assert again.headers["ETag"] == first.headers["ETag"], url
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"], url
        assert again.get_data() == b"", url
    italian = client.get("/calendario.ics").headers["ETag"]
    assert client.get("/calendario.ics?lang=fr", headers={"If-None-Match": italian}).status_code == 200


def test_a_feed_has_one_etag_whatever_cookie_or_language_header_the_client_sends(client, world):
    plain = client.get("/calendario.ics")
    asked = client.get("/calendario.ics", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    client.set_cookie("lang", "en")
    with_cookie = client.get("/calendario.ics")
    assert plain.get_data() == asked.get_data() == with_cookie.get_data()
    assert plain.headers["ETag"] == asked.headers["ETag"] == with_cookie.headers["ETag"]
    assert client.get("/calendario.ics", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    assert client.get("/calendario.ics?lang=fr").headers["ETag"] != plain.headers["ETag"]


def test_the_server_alone_dates_an_answer_stored_or_not(client, world):
    """gunicorn writes a Date on every answer: one from the app too, or one kept with a stored
    page, would make two that disagree."""
    for url in ("/calendario.ics", "/eventi"):
        first = client.get(url)
        again = client.get(url)
        assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("miss", "hit"), url
        assert "Date" not in first.headers and "Date" not in again.headers, url
