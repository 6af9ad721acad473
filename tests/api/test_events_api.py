"""The read-only JSON API: shape, filters, and no drafts."""

from datetime import date, datetime, time, timedelta

from app.events import services
from app.timeutil import today_rome


def test_list_has_items_and_pages(client, make_event):
    make_event("Riunione", type_slug="consulta")
    make_event("Corso", type_slug="corso")
    make_event("Bozza", status="draft")
    body = client.get("/api/v1/events").get_json()
    assert set(body) >= {"items", "page", "pages"}
    assert body["page"] == 1 and body["pages"] == 1
    assert {item["title"] for item in body["items"]} == {"Riunione", "Corso"}
    item = body["items"][0]
    assert set(item) >= {"slug", "title", "type", "status", "start", "end", "url"}
    assert item["url"].startswith("http://incontri.test/eventi/")


def test_list_filters_use_the_same_names_as_the_site(client, make_event):
    make_event("Riunione", type_slug="consulta")
    make_event("Corso", type_slug="corso", theme_names=["Formazione"])
    assert [i["title"] for i in client.get("/api/v1/events?type=corso").get_json()["items"]] == ["Corso"]
    assert [i["title"] for i in client.get("/api/v1/events?theme=formazione").get_json()["items"]] == ["Corso"]
    assert client.get("/api/v1/events?q=riunione").get_json()["items"][0]["type"] == "consulta"


def test_times_are_iso_8601_with_offset(client, make_event):
    event = make_event(day=date(2026, 12, 1), start=time(10), end=time(12))
    body = client.get(f"/api/v1/events/{event.slug}").get_json()
    start = datetime.fromisoformat(body["start"])
    assert start.utcoffset() is not None
    assert start.isoformat() == "2026-12-01T09:00:00+00:00"


def test_detail_has_sessions_and_capacity(client, make_event):
    event = make_event(capacity=25, day=today_rome() + timedelta(days=3))
    services.add_session(event, services.SessionInput(title="Lezione 1", starts_at=event.starts_at))
    body = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert body["capacity"] == 25
    assert [s["title"] for s in body["sessions"]] == ["Lezione 1"]
    assert body["venue"]["comune"] == "Torino"


def test_unknown_event_is_a_json_404(client):
    response = client.get("/api/v1/events/non-esiste")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_bad_page_is_a_400(client):
    assert client.get("/api/v1/events?page=zero").status_code == 400


def test_event_detail_gives_seats_and_waiting_list_but_no_personal_data(client, make_event):
    from app.registrations import services as registrations
    from tests.factories import CONSENT, participant

    event = make_event(capacity=2)
    for n in range(3):
        registrations.register(event.id, participant(f"persona{n}@comune.example.it"), CONSENT)
    data = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert (data["capacity"], data["seats_left"], data["waitlist_count"]) == (2, 0, 1)
    assert "persona0@comune.example.it" not in client.get(f"/api/v1/events/{event.slug}").get_data(as_text=True)
    unlimited = client.get(f"/api/v1/events/{make_event(title='Libero').slug}").get_json()
    assert (unlimited["capacity"], unlimited["seats_left"], unlimited["waitlist_count"]) == (None, None, 0)
