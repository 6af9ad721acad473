"""Our serialisation of calendars (events.ical.serialize) writes icalendar's own bytes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent
from icalendar.parser.string import _foldline

from app.events.ical import _fold, _put, serialize
from app.timeutil import ROME

#: Text as organizers type it: accents, emoji, commas and semicolons to escape, newlines, and
#: lengths around the 75 octets where a line is folded.
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r")
    | st.sampled_from("\n,;\\:è€😀"),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(summary=texts, description=texts, location=texts, name=texts)
def test_serialize_gives_the_bytes_of_icalendar(summary, description, location, name):
    calendar = Calendar()
    calendar.add("prodid", "-//Test//IT")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", vText(name))
    entry = VEvent()
    entry.add("uid", "evento-1@example.org")
    entry.add("dtstamp", datetime(2026, 11, 25, 10, 0, tzinfo=ROME))
    entry.add("dtstart", datetime(2026, 12, 22, 11, 0, tzinfo=ROME))
    entry.add("summary", summary)
    entry.add("description", description)
    entry.add("location", location)
    calendar.add_component(entry)

    assert serialize(calendar) == calendar.to_ical()


def test_lines_at_the_folding_limit_are_folded_as_icalendar_folds_them():
    calendar = Calendar()
    for length in range(70, 80):
        entry = VEvent()
        entry.add("summary", "x" * (length - len("SUMMARY:")))
        entry.add("description", "è" * ((length - len("DESCRIPTION:")) // 2))
        calendar.add_component(entry)

    ours = serialize(calendar)
    assert ours == calendar.to_ical()
    assert max(len(line) for line in ours.split(b"\r\n")) <= 75


@settings(max_examples=2000, deadline=None)
@given(
    line=st.text(
        alphabet=st.sampled_from("ab\\^;,è€😀 ")
        | st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
        max_size=400,
    )
)
def test_a_line_is_folded_where_icalendar_folds_it(line):
    assert _fold(line) == _foldline(line).encode()


def test_every_feed_and_invitation_of_the_demo_is_written_as_icalendar_writes_it(app, client, monkeypatch):
    """The calendars the application really builds (time zones, all-day exhibitions, online
    links, organizers with CN, attendees, colours, French) serialised both ways."""
    from sqlalchemy import select

    from app.calendar import routes
    from app.demo.data import load_demo
    from app.events import ical
    from app.events.models import Event, EventStatus, EventType, Series
    from app.extensions import db
    from app.outbox.services import write_unwritten
    from app.registrations.services import RegistrationError
    from app.timeutil import utcnow
    from tests import factories

    built: list[Calendar] = []

    def spy(calendar: Calendar) -> bytes:
        built.append(calendar)
        return serialize(calendar)

    monkeypatch.setattr(routes, "serialize", spy)
    monkeypatch.setattr(ical, "serialize", spy)
    load_demo()
    paths = ["/calendario.ics", "/calendario.ics?lang=fr"]
    paths += [f"/calendario/{slug}.ics" for slug in db.session.scalars(select(EventType.slug))]
    paths += [f"/serie/{slug}/calendario.ics" for slug in db.session.scalars(select(Series.slug))]
    paths += [f"/eventi/{slug}.ics" for slug in db.session.scalars(select(Event.slug).where(Event.status != "draft"))]
    for path in paths:
        assert client.get(path).status_code == 200, path
    upcoming = db.session.scalars(
        select(Event).where(Event.status == EventStatus.PUBLISHED, Event.starts_at > utcnow())
    ).all()
    for event in upcoming:
        try:
            factories.register(event, "verifica.calendario@example.org")
        except RegistrationError:
            continue  # closed, or not taking registrations online
    write_unwritten()

    assert len(built) > len(paths)  # an invitation too
    for calendar in built:
        assert serialize(calendar) == calendar.to_ical()


#: Every property events.ical writes through _put, with the kinds of value it writes there.
_words = texts.filter(bool)
_moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.sampled_from([ROME, UTC, None])
)
PUT_VALUES = {
    **{name: _words for name in ("uid", "summary", "location", "description", "status", "transp", "related-to")},
    "color": st.sampled_from(["brown", "darkslateblue", "teal"]),
    "url": st.just("https://incontri.example.org/eventi/")
    | st.from_regex(r"https://[a-z]{1,12}\.it/[a-z0-9\-/]{0,40}", fullmatch=True),
    "sequence": st.integers(min_value=0, max_value=10**6),
    "dtstamp": _moments,
    "last-modified": _moments,
    "dtstart": _moments | st.dates(),
    "dtend": _moments | st.dates(),
    "categories": st.lists(_words, min_size=1, max_size=4),
    "geo": st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    "organizer": st.builds(lambda name, email: _address(name, email), _words, st.emails()),
}


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    return address


@settings(max_examples=400, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(PUT_VALUES)))
def test_put_writes_what_component_add_writes(data, name):
    value = data.draw(PUT_VALUES[name])
    ours, theirs = VEvent(), VEvent()
    _put(ours, name, value)
    theirs.add(name, value)
    assert ours.to_ical() == theirs.to_ical()


def test_a_value_with_a_raw_line_break_is_refused_as_icalendar_refuses_it():
    from icalendar.prop.unknown import vUnknown

    calendar = Calendar()
    entry = VEvent()
    entry.add("color", vUnknown("saddle\nbrown"))  # COLOR's type escapes nothing
    calendar.add_component(entry)
    with pytest.raises(AssertionError):
        calendar.to_ical()
    with pytest.raises(ValueError):
        serialize(calendar)
