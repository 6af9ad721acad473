"""The event list's reference data (the filters' choices, the series' numbering) is worked out
once per content version and follows every published change; a page and its total come from
one statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.events import services as events
from app.events.models import EventType, Series, Theme
from app.extensions import cache, db
from app.timeutil import today_rome


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield sent
    event.remove(db.engine, "before_cursor_execute", note)


def rendered(client, url: str = "/eventi") -> str:
    cache.clear()  # the page itself rendered, not answered from the page cache
    db.session.remove()
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _reads(statements: list[str], table: str) -> bool:
    return any(f"FROM {table}" in statement for statement in statements)


def test_the_filters_choices_are_read_once_until_something_published_changes(client, make_event, statements):
    make_event(title="Riunione della Consulta")
    rendered(client)
    statements.clear()

    rendered(client)
    assert not _reads(statements, "themes")
    assert not _reads(statements, "series")

    theme = Theme(slug="europa", name="Politiche europee")
    events.save_reference(theme, {"name": "Politiche europee"})
    statements.clear()
    page = rendered(client)
    assert _reads(statements, "themes")
    assert '<option value="europa">Politiche europee</option>' in page


def test_a_renamed_type_and_a_new_comune_reach_the_filters_at_once(client, make_event, venue):
    make_event(title="Riunione della Consulta")
    assert "Alessandria" not in rendered(client)

    meeting_type = db.session.scalar(select(EventType).where(EventType.slug == "incontro"))
    events.save_reference(meeting_type, {"label": "Incontro territoriale"})
    events.save_reference(venue, {"comune": "Alessandria"})

    page = rendered(client)
    assert ">Incontro territoriale</option>" in page
    assert "<option>Alessandria</option>" in page


def test_series_numbers_follow_a_meeting_added_before_the_others(client, make_event):
    series = Series(slug="coordinamenti", title="Esperienze di coordinamenti territoriali", item_label="incontro")
    events.save_reference(series, {"title": series.title})
    series_id = series.id
    later = make_event(title="Incontro di dicembre", day=today_rome() + timedelta(days=20), series_id=series_id)
    slug = later.slug
    assert "1° incontro" in rendered(client, f"/eventi/{slug}")

    make_event(title="Incontro di novembre", day=today_rome() + timedelta(days=5), series_id=series_id)

    assert "2° incontro" in rendered(client, f"/eventi/{slug}")
    assert "1° incontro" in rendered(client, "/eventi?series=coordinamenti")


@pytest.mark.parametrize(("page", "on_page"), [(1, 12), (2, 12), (3, 6), (9, 0)])
def test_a_page_and_its_total_agree_with_the_query(app, make_event, statements, page, on_page):
    for day in range(30):
        make_event(title=f"Incontro {day}", day=today_rome() + timedelta(days=day + 1))
    statements.clear()

    with app.test_request_context():
        pagination = events.paginate_events(page=page, per_page=12)

    assert pagination.total == 30
    assert pagination.pages == 3
    assert len(pagination.items) == on_page
    first = (page - 1) * 12
    assert [e.title for e in pagination.items] == [f"Incontro {day}" for day in range(first, min(first + 12, 30))]
    # The total rides on the page's rows; a page past the last has none and counts apart.
    assert len(statements) == (1 if on_page else 2)
