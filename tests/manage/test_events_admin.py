"""Organizers publish events through the forms of /gestione."""

import io

from app.events.models import Event, EventSession, EventStatus, Material, Venue
from app.extensions import db
from tests.factories import csrf_token_from, event_form_data


def _post(client, url, **data):
    token = csrf_token_from(client.get("/gestione/"))
    return client.post(url, data={"csrf_token": token, **data})


def test_organizer_creates_a_draft_and_publishes_it(logged_in, venue):
    client = logged_in
    response = client.post("/gestione/eventi/nuovo", data=event_form_data(client, venue))
    assert response.status_code == 303
    event = db.session.scalar(db.select(Event).where(Event.title == "3° incontro sui coordinamenti"))
    assert event.status == EventStatus.DRAFT
    assert {t.name for t in event.themes} == {"Cooperazione decentrata", "Reti territoriali"}
    assert client.get(f"/eventi/{event.slug}").status_code == 404

    response = _post(client, f"/gestione/eventi/{event.id}/pubblica")
    assert response.status_code == 303
    assert client.get(f"/eventi/{event.slug}").status_code == 200
    assert "3° incontro sui coordinamenti" in client.get("/eventi").get_data(as_text=True)


def test_errors_are_shown_next_to_fields_and_input_is_kept(logged_in, venue):
    client = logged_in
    data = event_form_data(client, venue, title="Titolo da non perdere", end_time="14:00", capacity="-3")
    response = client.post("/gestione/eventi/nuovo", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Indichi un numero di posti tra 1 e 100000." in html
    assert 'id="capacity-error"' in html
    assert 'aria-describedby="capacity-error"' in html or 'aria-describedby="capacity-help capacity-error"' in html
    assert 'value="Titolo da non perdere"' in html
    assert db.session.scalar(db.select(Event).where(Event.title == "Titolo da non perdere")) is None


def test_end_before_start_is_refused_with_a_message(logged_in, venue):
    client = logged_in
    response = client.post("/gestione/eventi/nuovo", data=event_form_data(client, venue, end_time="14:00"))
    assert response.status_code == 422
    assert "La fine deve essere successiva all" in response.get_data(as_text=True)


def test_hybrid_event_needs_an_online_link(logged_in, venue):
    client = logged_in
    response = client.post("/gestione/eventi/nuovo", data=event_form_data(client, venue, attendance_mode="hybrid"))
    assert response.status_code == 422
    assert "serve il link" in response.get_data(as_text=True)


def test_editing_keeps_what_was_saved_when_the_new_input_is_wrong(logged_in, make_event):
    event = make_event("Titolo originale")
    client = logged_in
    token = csrf_token_from(client.get(f"/gestione/eventi/{event.id}/modifica"))
    response = client.post(f"/gestione/eventi/{event.id}/modifica", data={"csrf_token": token, "title": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Titolo originale"


def test_cancel_requires_a_reason_and_keeps_the_event_visible(logged_in, make_event):
    event = make_event()
    client = logged_in
    _post(client, f"/gestione/eventi/{event.id}/annulla", reason="")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    _post(client, f"/gestione/eventi/{event.id}/annulla", reason="Sala inagibile")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    assert "Sala inagibile" in client.get(f"/eventi/{event.slug}").get_data(as_text=True)


def test_postpone_and_duplicate(logged_in, make_event):
    event = make_event()
    client = logged_in
    _post(client, f"/gestione/eventi/{event.id}/rinvia", note="Nuova data a gennaio")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.POSTPONED
    response = _post(client, f"/gestione/eventi/{event.id}/duplica")
    assert response.status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 2


def test_programme_items_are_added_and_reordered(logged_in, make_event):
    event = make_event()
    client = logged_in
    day = event.first_day.isoformat()
    for title, start in (("Saluti", "10:00"), ("Dibattito", "11:00")):
        token = csrf_token_from(client.get(f"/gestione/eventi/{event.id}/programma/nuovo"))
        response = client.post(
            f"/gestione/eventi/{event.id}/programma/nuovo",
            data={"csrf_token": token, "title": title, "date": day, "start_time": start, "end_time": ""},
        )
        assert response.status_code == 303
    second = db.session.scalar(db.select(EventSession).where(EventSession.title == "Dibattito"))
    _post(client, f"/gestione/eventi/{event.id}/programma/{second.id}/sposta", direzione="su")
    db.session.expire_all()
    titles = [s.title for s in db.session.get(Event, event.id).sessions]
    assert titles == ["Dibattito", "Saluti"]


def _upload(client, event, title, content: bytes, filename: str):
    token = csrf_token_from(client.get(f"/gestione/eventi/{event.id}"))
    return client.post(
        f"/gestione/eventi/{event.id}/materiali",
        data={"csrf_token": token, "title": title, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_material_upload_is_served_to_the_public(logged_in, make_event, app):
    event = make_event()
    response = _upload(logged_in, event, "Slide del COP", b"%PDF-1.4 demo", "slide cop.pdf")
    assert response.status_code == 303
    material = db.session.scalar(db.select(Material))
    assert material.stored_name != "slide cop.pdf"
    public = app.test_client()
    with public.get(f"/materiali/{material.id}/{material.original_name}") as download:
        assert download.status_code == 200
        assert download.data == b"%PDF-1.4 demo"
        assert "slide cop.pdf" in download.headers["Content-Disposition"]


def test_material_with_a_forbidden_extension_is_refused(logged_in, make_event):
    event = make_event()
    response = _upload(logged_in, event, "x", b"<script>", "pagina.html")
    assert response.status_code == 422
    assert "Tipo di file non ammesso." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Material)) is None


def test_a_too_large_body_gets_a_413(logged_in, make_event, app):
    event = make_event()
    response = logged_in.post(
        f"/gestione/eventi/{event.id}/materiali",
        data=b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        content_type="multipart/form-data; boundary=xyz",
    )
    assert response.status_code == 413
    assert "troppo grandi" in response.get_data(as_text=True)


def test_a_venue_in_use_cannot_be_deleted(logged_in, make_event, venue):
    make_event()
    response = _post(logged_in, f"/gestione/luoghi/{venue.id}/elimina")
    assert response.status_code == 303
    assert db.session.get(Venue, venue.id) is not None
    assert "Non si può eliminare" in logged_in.get("/gestione/luoghi/").get_data(as_text=True)


def test_catalogue_create_shows_errors_in_italian(logged_in):
    token = csrf_token_from(logged_in.get("/gestione/luoghi/nuovo"))
    response = logged_in.post(
        "/gestione/luoghi/nuovo", data={"csrf_token": token, "name": "Sala", "latitude": "45", "longitude": ""}
    )
    assert response.status_code == 422
    assert "Indichi entrambe le coordinate o nessuna." in response.get_data(as_text=True)
    response = logged_in.post(
        "/gestione/luoghi/nuovo",
        data={"csrf_token": token, "name": "Sala Consiglio", "comune": "Pinerolo", "latitude": "", "longitude": ""},
    )
    assert response.status_code == 303
    assert db.session.scalar(db.select(Venue).where(Venue.name == "Sala Consiglio")).comune == "Pinerolo"


def test_a_post_without_csrf_token_is_refused(logged_in, make_event):
    event = make_event()
    response = logged_in.post(f"/gestione/eventi/{event.id}/annulla", data={"reason": "x"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED


def test_unpublishing_hides_the_event_again(logged_in, make_event):
    event = make_event("Da ritirare")
    assert logged_in.get(f"/eventi/{event.slug}").status_code == 200
    _post(logged_in, f"/gestione/eventi/{event.id}/ritira")
    assert logged_in.get(f"/eventi/{event.slug}").status_code == 404


def test_organizer_adds_a_series_whose_slug_comes_from_the_title(logged_in):
    from app.events.models import Series

    token = csrf_token_from(logged_in.get("/gestione/serie/nuovo"))
    response = logged_in.post(
        "/gestione/serie/nuovo",
        data={"csrf_token": token, "title": "Esperienze di coordinamenti territoriali", "item_label": "incontro"},
    )
    assert response.status_code == 303
    series = db.session.scalar(db.select(Series))
    assert series.slug == "esperienze-di-coordinamenti-territoriali"
