"""Open data: per comune and year, the events its representatives attended; never a name, counts
below three as "< 3", the licence stated, and nothing at all with PUBLIC_PARTICIPATION off."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from app.timeutil import today_rome


@pytest.fixture
def three_meetings_from_alba_one_from_ostana(make_event, from_comune):
    for n, days in enumerate((40, 30, 20)):
        event = make_event(title=f"Incontro {n}", day=today_rome() - timedelta(days=days), capacity=10)
        from_comune(event, "Alba (CN)", first_name="Paolo", last_name="Cavallo", email="paolo@alba.example")
        if n == 0:
            from_comune(event, "Ostana (CN)", first_name="Anna", last_name="Chiabrando")
    from_comune(make_event(title="Bozza", day=today_rome() - timedelta(days=10), status="draft"), "Ostana (CN)")
    future = make_event(title="Domani", day=today_rome() + timedelta(days=5), capacity=10)
    from_comune(future, "Bra (CN)")


def test_the_api_gives_counts_per_comune_and_hides_the_small_ones(client, three_meetings_from_alba_one_from_ostana):
    body = client.get("/api/v1/participation").get_json()
    assert body["licence"] == "CC BY 4.0"
    events = {row["comune"]: (row["events"], row["events_suppressed"]) for row in body["data"]}
    assert events == {"Alba": (3, False), "Ostana": (None, True)}  # drafts and events still to come do not count
    ostana = next(row for row in body["data"] if row["comune"] == "Ostana")
    assert (ostana["istat_code"], ostana["province"], ostana["size_class"]) == ("004156", "CN", "lt1000")


def test_no_name_and_no_address_is_published(client, three_meetings_from_alba_one_from_ostana):
    published = (
        client.get("/api/v1/participation").get_data(as_text=True)
        + client.get("/partecipazione").get_data(as_text=True)
        + client.get("/partecipazione.csv").get_data(as_text=True)
    )
    for personal in ("Paolo", "Cavallo", "Chiabrando", "paolo@alba.example"):
        assert personal not in published


def test_the_csv_is_for_italian_excel_and_states_the_same(client, three_meetings_from_alba_one_from_ostana):
    body = client.get("/api/v1/participation.csv").get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["anno", "codice_istat", "comune"]
    assert {(row[2], row[-1]) for row in rows[1:]} == {("Alba", "3"), ("Ostana", "< 3")}


def test_the_page_states_the_licence_and_the_year_filter(client, three_meetings_from_alba_one_from_ostana):
    page = client.get("/partecipazione").get_data(as_text=True)
    assert "CC BY 4.0" in page and "ISTAT" in page and "&lt; 3" in page
    assert "Nessun dato" in client.get("/partecipazione?anno=1990").get_data(as_text=True)
    assert client.get("/partecipazione?anno=duemila").status_code == 400
    assert client.get("/api/v1/participation?year=1990").get_json()["data"] == []


def test_it_can_be_switched_off(app, client, monkeypatch):
    assert 'href="/partecipazione"' in client.get("/eventi").get_data(as_text=True)  # the footer's link
    monkeypatch.setitem(app.config, "PUBLIC_PARTICIPATION", False)
    assert 'href="/partecipazione"' not in client.get("/eventi?q=x").get_data(as_text=True)
    for url in ("/partecipazione", "/partecipazione.csv", "/api/v1/participation", "/api/v1/participation.csv"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("path", ["/api/v1/participation", "/api/v1/participation.csv"])
def test_an_unknown_language_is_refused_as_on_the_rest_of_the_api(client, path):
    response = client.get(f"{path}?lang=xx")
    assert response.status_code == 400
    assert "lang must be one of" in response.get_json()["error"]["message"]
    assert client.get(f"{path}?lang=fr").status_code == 200
    assert client.get("/api/v1/events?lang=xx").status_code == 400  # the rule this one follows


def test_the_page_explains_how_json_gives_a_hidden_count(client, three_meetings_from_alba_one_from_ostana):
    page = client.get("/partecipazione").get_data(as_text=True)
    assert "events_suppressed" in page and "null" in page
