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
    for typed in ("perche", "cefalu", "CEFALÙ"):
        found = db.session.scalars(services.public_events_query(services.EventFilters(q=typed))).all()
        assert [e.title for e in found] == ["Incontro"], typed


def test_the_database_folds_text_as_python_does(app):
    samples = ["Attività", "ÀÈÌÒÙ àèìòù", "Perché Öl Łódź Ærø ß", "Città di Cefalù", "ASCII only"]
    for sample in samples:
        assert db.session.scalar(db.select(folded(db.literal(sample)))) == fold(sample), sample
