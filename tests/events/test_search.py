"""Searching the public events ignores case and accents, on SQLite and on PostgreSQL alike
(run with TEST_DATABASE_URL for the latter)."""

from __future__ import annotations

import html as htmllib

import pytest

from app.events import services
from app.extensions import db
from app.search import fold, folded


@pytest.mark.parametrize("typed", ["attivita", "Attività", "ATTIVITÀ", "attivitá", "ATTIVITA"])
def test_search_ignores_accents_and_case(client, make_event, typed):
    make_event(title="Attività internazionali dei comuni")
    make_event(title="Riunione plenaria")
    found = db.session.scalars(services.public_events_query(services.EventFilters(q=typed))).all()
    assert [e.title for e in found] == ["Attività internazionali dei comuni"]
    page = htmllib.unescape(client.get("/eventi", query_string={"q": typed}).get_data(as_text=True))
    assert "Attività internazionali dei comuni" in page and "Riunione plenaria" not in page


def test_search_finds_accented_text_in_the_description_and_the_comune(make_event, venue):
    venue.comune = "Cefalù"
    make_event(title="Incontro", description="<p>Perché la cooperazione decentrata?</p>")
    for typed in ("perche", "cefalu", "CEFALÙ", "lascaris"):
        found = db.session.scalars(services.public_events_query(services.EventFilters(q=typed))).all()
        assert [e.title for e in found] == ["Incontro"], typed


def test_the_database_folds_text_as_python_does(app):
    samples = ["Attività", "ÀÈÌÒÙ àèìòù", "Perché Öl Łódź Ærø ß", "Città di Cefalù", "ASCII only"]
    for sample in samples:
        assert db.session.scalar(db.select(folded(db.literal(sample)))) == fold(sample), sample


@pytest.mark.parametrize("typed", ["%", "_", "50%", "\\", "a_b"])
def test_what_is_typed_is_looked_for_as_it_is_not_as_a_pattern(client, make_event, logged_in, typed):
    """LIKE's wildcards (and its escape) in a search match themselves: "%" finds the event that
    says "50%", not every event; in the public list and in the organizers' lists alike."""
    make_event(title="Riduzione del 50% delle emissioni")
    make_event(title="Riunione plenaria")
    make_event(title="Nota a_b \\ c")
    expected = {
        "%": {"Riduzione del 50% delle emissioni"},
        "_": {"Nota a_b \\ c"},
        "50%": {"Riduzione del 50% delle emissioni"},
        "\\": {"Nota a_b \\ c"},
        "a_b": {"Nota a_b \\ c"},
    }[typed]
    found = db.session.scalars(services.public_events_query(services.EventFilters(q=typed))).all()
    assert {e.title for e in found} == expected
    organizers = htmllib.unescape(logged_in.get("/gestione/", query_string={"q": typed}).get_data(as_text=True))
    assert "Riunione plenaria" not in organizers


def test_the_organizers_search_of_registrations_takes_wildcards_literally(make_event):
    from app.registrations import services as registrations
    from tests import factories

    event = make_event(title="Assemblea")
    factories.register(event, "anna.gallo@comune.bra.cn.it", first_name="Anna", last_name="Gallo")
    factories.register(event, "ugo_rossi@comune.alba.cn.it", first_name="Ugo", last_name="Rossi")

    def found(typed: str) -> set[str]:
        return {r.last_name for r in db.session.scalars(registrations.registrations_query(event.id, q=typed))}

    assert found("_") == {"Rossi"}
    assert found("%") == set()
    assert found("gallo") == {"Gallo"}
