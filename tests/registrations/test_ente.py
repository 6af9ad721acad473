"""The ente as data on the registration form: `ente_tipo`, and for a comune `comune` as an ISTAT
code or the name as suggested; other bodies as free text, a body abroad with its country."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.registrations.models import Registration
from tests.factories import post_registration_form


def _only_registration() -> Registration:
    return db.session.scalars(select(Registration)).one()


@pytest.mark.parametrize("typed", ["004003", "Alba (CN)", "alba (cn)", " ALBA (CN) "])
def test_a_comune_is_taken_by_code_or_by_its_suggested_name(client, make_event, typed):
    response = post_registration_form(client, make_event(), ente_tipo="comune", comune=typed, organization="")
    assert response.status_code == 303
    registration = _only_registration()
    assert (registration.ente_tipo, registration.comune_istat) == ("comune", "004003")
    assert registration.organization == "Comune di Alba"  # the free-text name, filled in when left empty


@pytest.mark.parametrize(
    "typed", ["Comune di Alba", "comune di alba", "COMUNE ALBA", "Città di Alba", "Comune di Alba (CN)"]
)
def test_a_comune_is_taken_as_council_staff_write_it(client, make_event, typed):
    response = post_registration_form(client, make_event(), ente_tipo="comune", comune=typed, organization="")
    assert response.status_code == 303
    assert _only_registration().comune_istat == "004003"


def test_s_dot_stands_for_a_saint(client, make_event):
    typed = "S. Ambrogio di Torino"
    assert post_registration_form(client, make_event(), ente_tipo="comune", comune=typed).status_code == 303
    assert _only_registration().comune_istat == "001255"  # Sant'Ambrogio di Torino


@pytest.mark.parametrize(
    "typed, first",
    [
        ("comune di alba", "Alba (CN)"),
        ("S. Ambrogio", "Sant'Ambrogio di Torino (TO)"),
        ("S Ambrogio", "Sant'Ambrogio di Torino (TO)"),
        ("Borgo S. Dalmazzo", "Borgo San Dalmazzo (CN)"),
        ("Città di Castello", "Città di Castello (PG)"),  # a comune whose own name has the prefix
    ],
)
def test_the_suggestions_read_prefixes_and_saints(client, typed, first):
    labels = [item["label"] for item in client.get("/comuni/suggerimenti", query_string={"q": typed}).get_json()]
    assert labels[:1] == [first]


def test_an_unknown_comune_suggests_the_nearest_names(client, make_event):
    page = post_registration_form(client, make_event(), ente_tipo="comune", comune="Albba").get_data(as_text=True)
    assert "Comune «Albba» non trovato. Forse: «Alba (CN)»" in page
    page = post_registration_form(client, make_event(), ente_tipo="comune", comune="Alba (TO)").get_data(as_text=True)
    assert "Forse: «Alba (CN)»" in page


def test_the_suggestions_ignore_accents_and_case(client):
    labels = [item["label"] for item in client.get("/comuni/suggerimenti?q=MONDOVI").get_json()]
    assert labels[0] == "Mondovì (CN)"
    assert client.get("/comuni/suggerimenti?q=a").get_json() == []


def test_an_unknown_comune_is_refused_on_its_field(client, make_event):
    response = post_registration_form(client, make_event(), ente_tipo="comune", comune="Atlantide (XX)")
    assert response.status_code == 422
    assert "Comune «Atlantide (XX)» non trovato" in response.get_data(as_text=True)
    error = response.get_data(as_text=True).split('id="comune-error"')[1].split("</div>")[0]
    assert "Alba" not in error  # no example unrelated to what was typed
    assert db.session.scalars(select(Registration)).first() is None


def test_a_merged_comune_is_stored_as_its_successor(client, make_event):
    assert post_registration_form(client, make_event(), ente_tipo="comune", comune="Tonengo (AT)").status_code == 303
    assert _only_registration().comune_istat == "005122"


def test_a_body_abroad_needs_its_country(client, make_event):
    event = make_event()
    refused = post_registration_form(client, event, ente_tipo="estero", organization="Mairie de Nice")
    assert refused.status_code == 422
    assert "Indicare il paese dell&#39;ente estero." in refused.get_data(as_text=True)
    accepted = post_registration_form(client, event, ente_tipo="estero", organization="Mairie de Nice", paese="Francia")
    assert accepted.status_code == 303
    registration = _only_registration()
    assert (registration.ente_tipo, registration.ente_country, registration.comune_istat) == ("estero", "FR", None)


def _country_label(page: str) -> str:
    return page.split('for="paese"')[1].split("</label>")[0]


def test_the_country_is_marked_required_only_for_a_body_abroad(client, make_event):
    event = make_event()
    assert "*" not in _country_label(client.get(f"/eventi/{event.slug}/iscrizione").get_data(as_text=True))
    refused = post_registration_form(client, event, ente_tipo="estero", organization="Mairie de Nice")
    assert 'aria-hidden="true">*</span>' in _country_label(refused.get_data(as_text=True))
    other = post_registration_form(client, event, ente_tipo="comune", comune="Atlantide", organization="")
    assert "*" not in _country_label(other.get_data(as_text=True))


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Francia", "FR"),
        ("france", "FR"),
        ("FR", "FR"),
        ("Suisse", "CH"),
        ("Svizzera", "CH"),
        ("Switzerland", "CH"),
        ("  Regno   Unito ", "GB"),
        ("UK", "GB"),
        ("Principato di Monaco", "MC"),
        ("Repubblica di Atlantide", "Repubblica di Atlantide"),  # unknown: kept as typed
    ],
)
def test_the_country_is_stored_as_its_iso_code_when_recognised(client, make_event, typed, stored):
    post_registration_form(client, make_event(), ente_tipo="estero", organization="Ente", paese=typed)
    assert _only_registration().ente_country == stored


def test_the_country_is_shown_wherever_the_ente_is(client, logged_in, make_event):
    event = make_event()
    post_registration_form(client, event, ente_tipo="estero", organization="Mairie de Nice", paese="France")
    registration = _only_registration()
    assert "Paese: Francia" in client.get(f"/iscrizioni/{registration.token}").get_data(as_text=True)
    assert "(Francia)" in logged_in.get(f"/gestione/eventi/{event.id}/iscritti").get_data(as_text=True)
    assert "Paese: Francia" in logged_in.get(f"/gestione/eventi/{event.id}/iscritti/{registration.id}").get_data(
        as_text=True
    )
    exported = logged_in.get(f"/gestione/eventi/{event.id}/iscritti.csv").get_data().decode("utf-8-sig")
    header, row = (line.split(";") for line in exported.splitlines()[:2])
    values = dict(zip(header, row, strict=False))
    assert (values["Paese"], values["Codice paese (ISO 3166)"]) == ("Francia", "FR")
    workbook = load_workbook(io.BytesIO(logged_in.get(f"/gestione/eventi/{event.id}/iscritti.xlsx").get_data()))
    rows = list(workbook.active.values)
    assert dict(zip(rows[0], rows[1], strict=False))["Paese"] == "Francia"


def test_an_unknown_kind_is_refused(client, make_event):
    response = post_registration_form(client, make_event(), ente_tipo="ministero")
    assert response.status_code == 422
    assert "Tipo di ente non valido" in response.get_data(as_text=True)


def test_a_form_without_the_kind_still_counts_a_comune_it_names(client, make_event):
    """Other sites post the older form: "organization" alone."""
    assert post_registration_form(client, make_event(), organization="Comune di Pinerolo").status_code == 303
    assert (_only_registration().ente_tipo, _only_registration().comune_istat) == ("comune", "001191")


def test_the_organizer_corrects_the_ente(client, logged_in, make_event):
    event = make_event()
    post_registration_form(client, event, organization="Unione dei comuni")
    registration = _only_registration()
    assert registration.ente_tipo is None
    url = f"/gestione/eventi/{event.id}/iscritti/{registration.id}/modifica"
    page = logged_in.get(url).get_data(as_text=True)
    assert 'name="ente_tipo"' in page and 'name="comune"' in page
    from tests.factories import csrf_token_from

    data = {
        "csrf_token": csrf_token_from(logged_in.get(url)),
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "role": registration.role,
        "organization": "Unione Montana dei Comuni del Monviso",
        "ente_tipo": "unione",
    }
    assert logged_in.post(url, data=data).status_code == 303
    db.session.refresh(registration)
    assert (registration.ente_tipo, registration.organization) == ("unione", "Unione Montana dei Comuni del Monviso")


def test_the_organizer_sees_the_ente_and_exports_it(client, logged_in, make_event):
    event = make_event()
    post_registration_form(client, event, ente_tipo="comune", comune="Ostana (CN)", organization="")
    registration = _only_registration()
    page = logged_in.get(f"/gestione/eventi/{event.id}/iscritti/{registration.id}").get_data(as_text=True)
    assert "Ostana (CN)" in page and "codice ISTAT 004156" in page
    exported = logged_in.get(f"/gestione/eventi/{event.id}/iscritti.csv").get_data().decode("utf-8-sig")
    header, row = (line.split(";") for line in exported.splitlines()[:2])
    values = dict(zip(header, row, strict=False))
    assert (values["Tipo di ente"], values["Codice ISTAT"]) == ("Comune", "004156")
