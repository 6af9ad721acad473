"""The organizers' participation pages: each filter, the per-comune page, the exports, the
free-text entes resolved in a click, the annual report and its PDF; and what a limited
organizer may see."""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.models import Role, UserEventType
from app.auth.services import create_user
from app.events import services as events
from app.events.models import EventType
from app.extensions import db
from app.participation import services
from app.registrations.models import Registration
from app.timeutil import rome_datetime, today_rome
from tests.factories import attend, csrf_token_from, enrol, log_in
from tests.support.pdf import pdf_text


@pytest.fixture
def world(past_meeting, past_course, from_comune):
    alba = from_comune(past_meeting, "Alba (CN)", first_name="Paolo", last_name="Cavallo")
    attend(past_meeting, alba, [0])
    ostana = from_comune(past_course, "Ostana (CN)", first_name="Anna", last_name="Chiabrando")
    attend(past_course, ostana, [0, 1])
    return past_meeting, past_course


def _reached(page: str) -> str:
    return page.split('data-count="reached">')[1].split("<")[0].strip()


def test_the_dashboard_needs_an_organizer(client):
    assert client.get("/gestione/partecipazione").status_code == 302


def test_the_dashboard_shows_the_comuni_reached_by_province_and_size(logged_in, world):
    page = logged_in.get("/gestione/partecipazione").get_data(as_text=True)
    assert _reached(page) == "2 / 1.180"
    assert "Alba" in page and "Ostana" in page
    assert 'data-table="province"' in page and 'data-table="classi"' in page and 'data-table="mesi"' in page
    assert "ISTAT" in page


@pytest.mark.parametrize(
    ("query", "reached"),
    [
        ("evento={course}", "1 / 1.180"),
        ("tipo={meeting_type}", "1 / 1.180"),
        ("dal={twentyfive_days_ago}", "1 / 1.180"),
        ("al={hundred_days_ago}", "0 / 1.180"),
        ("evento=999999", "0 / 1.180"),
        ("dal=non-una-data&tipo=abc&evento=-1", "2 / 1.180"),
    ],
)
def test_each_filter_narrows_the_events(logged_in, world, query, reached):
    meeting, course = world
    values = {
        "course": course.id,
        "meeting_type": meeting.type_id,
        "twentyfive_days_ago": (today_rome() - timedelta(days=25)).isoformat(),
        "hundred_days_ago": (today_rome() - timedelta(days=100)).isoformat(),
    }
    response = logged_in.get("/gestione/partecipazione?" + query.format(**values))
    assert response.status_code == 200
    assert _reached(response.get_data(as_text=True)) == reached


def test_a_period_ending_before_it_starts_says_so(logged_in, world):
    today = today_rome()
    response = logged_in.get(f"/gestione/partecipazione?dal={today}&al={today - timedelta(days=3)}")
    assert response.status_code == 200
    assert "Il periodo finisce prima di cominciare" in response.get_data(as_text=True)


def test_the_never_reached_list_filters_by_province_and_size_and_exports(logged_in, world):
    response = logged_in.get("/gestione/partecipazione/mai-raggiunti.csv?provincia=CN&classe=lt1000")
    assert response.status_code == 200
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    names = {row[1] for row in rows[1:]}
    assert "Acceglio" in names and "Ostana" not in names and "Alba" not in names
    assert {row[2] for row in rows[1:]} == {"CN"}


def test_every_table_exports_as_csv_and_xlsx(logged_in, world):
    for name in ("comuni", "province", "classi", "mesi", "piu-attivi", "mai-raggiunti"):
        csv_body = logged_in.get(f"/gestione/partecipazione/{name}.csv").get_data()
        assert csv_body.startswith("\ufeff".encode()) and b";" in csv_body.splitlines()[0]
        xlsx = logged_in.get(f"/gestione/partecipazione/{name}.xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
        assert sheet.max_row >= 2, name
    rows = list(
        csv.reader(
            io.StringIO(logged_in.get("/gestione/partecipazione/comuni.csv").get_data().decode("utf-8-sig")),
            delimiter=";",
        )
    )
    ostana = next(row for row in rows if row[1] == "Ostana")
    assert ostana[-2] == "6,0"  # hours with a decimal comma, two lessons of three hours


def test_the_comune_page_lists_events_and_people(logged_in, world):
    page = logged_in.get("/gestione/partecipazione/comuni/004003")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Assemblea dei soci" in text and "Paolo Cavallo" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert logged_in.get("/gestione/partecipazione/comuni/999999").status_code == 404
    assert logged_in.get("/gestione/partecipazione/comuni/005079").headers["Location"].endswith("/comuni/005122")


def test_free_text_entes_are_resolved_for_every_registration_that_wrote_them(logged_in, past_meeting):
    for _ in range(2):
        enrol(past_meeting, organization="Comune di S. Ambrogio")
    page = logged_in.get("/gestione/partecipazione/da-abbinare")
    assert "Comune di S. Ambrogio" in page.get_data(as_text=True)
    response = logged_in.post(
        "/gestione/partecipazione/da-abbinare",
        data={
            "csrf_token": csrf_token_from(page),
            "testo": "Comune di S. Ambrogio",
            "ente_tipo": "comune",
            "comune": "Sant'Ambrogio di Torino (TO)",
        },
    )
    assert response.status_code == 303
    codes = set(db.session.scalars(select(Registration.comune_istat)))
    assert codes == {"001255"}
    after = logged_in.get("/gestione/partecipazione/da-abbinare").get_data(as_text=True)
    assert "2 iscrizioni abbinate" in after and "data-unresolved" not in after


def test_resolving_with_an_unknown_comune_says_so_and_changes_nothing(logged_in, past_meeting):
    enrol(past_meeting, organization="Comune di S. Ambrogio")
    page = logged_in.get("/gestione/partecipazione/da-abbinare")
    response = logged_in.post(
        "/gestione/partecipazione/da-abbinare",
        data={
            "csrf_token": csrf_token_from(page),
            "testo": "Comune di S. Ambrogio",
            "ente_tipo": "comune",
            "comune": "Nessuno",
        },
        follow_redirects=True,
    )
    assert "non trovato" in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration.ente_tipo)) is None


def test_the_annual_report_and_its_pdf(logged_in, world):
    year = world[0].starts_at.year
    page = logged_in.get(f"/gestione/rapporto/{year}").get_data(as_text=True)
    assert "Rapporto di attività" in page and "Per classe di popolazione" in page
    assert "Ostana (CN)" in page  # the small comuni reached, named
    pdf = logged_in.get(f"/gestione/rapporto/{year}.pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")


def test_a_year_without_events_is_an_empty_report_and_a_silly_year_none(logged_in, world):
    assert "Nessun evento svolto nel 2001" in logged_in.get("/gestione/rapporto/2001").get_data(as_text=True)
    assert logged_in.get("/gestione/rapporto/99999").status_code == 404


def test_a_limited_organizer_sees_only_the_figures_of_their_events(app, client, world):
    user = create_user("corsi@anci.example", "tramonto-ciliegia-ponte", role=Role.ORGANIZER)
    course_type = db.session.scalar(select(EventType.id).where(EventType.slug == "corso"))
    db.session.add(UserEventType(user_id=user.id, type_id=course_type))
    db.session.commit()
    assert log_in(client, "corsi@anci.example", "tramonto-ciliegia-ponte").status_code == 303
    page = client.get("/gestione/partecipazione").get_data(as_text=True)
    assert _reached(page) == "1 / 1.180"
    assert "Ostana" in page and "Assemblea dei soci" not in page
    comune = client.get("/gestione/partecipazione/comuni/004003").get_data(as_text=True)
    assert "Paolo Cavallo" not in comune
    meeting = world[0]
    assert _reached(client.get(f"/gestione/partecipazione?evento={meeting.id}").get_data(as_text=True)) == "0 / 1.180"


def test_resolving_without_a_kind_asks_for_one(logged_in, past_meeting):
    enrol(past_meeting, organization="Ecomuseo dei terrazzamenti")
    page = logged_in.get("/gestione/partecipazione/da-abbinare")
    response = logged_in.post(
        "/gestione/partecipazione/da-abbinare",
        data={"csrf_token": csrf_token_from(page), "testo": "Ecomuseo dei terrazzamenti", "ente_tipo": ""},
        follow_redirects=True,
    )
    assert "scegliere il tipo di ente" in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration.ente_tipo)) is None
    response = logged_in.post(
        "/gestione/partecipazione/da-abbinare",
        data={"csrf_token": csrf_token_from(page), "testo": "Ecomuseo dei terrazzamenti", "ente_tipo": "associazione"},
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Registration.ente_tipo)) == "associazione"


def test_the_annual_report_counts_only_events_held_and_tells_the_others_apart(logged_in, make_event, from_comune):
    year = today_rome().year - 1
    on = lambda month, day: date(year, month, day)  # noqa: E731
    held = make_event(title="Assemblea di marzo", day=on(3, 10))
    draft = make_event(title="Bozza di febbraio", day=on(2, 1), status="draft")
    postponed = make_event(title="Riunione rinviata", day=on(6, 1))
    events.postpone_event(postponed, "Data da definire")
    december = make_event(title="Incontro di dicembre", day=on(12, 10))
    for event, comune in [(held, "Alba (CN)"), (draft, "Bra (CN)"), (postponed, "Cuneo (CN)"), (december, "Asti (AT)")]:
        from_comune(event, comune)
    report = services.report(year, now=rome_datetime(on(11, 25), time(12)))
    assert (report.events, report.upcoming, report.postponed) == (1, 1, 1)
    assert [f.comune.name for f in report.participation.per_comune] == ["Alba"]
    page = logged_in.get(f"/gestione/rapporto/{year}").get_data(as_text=True)
    assert "Dati aggiornati al" in page
    assert "Bra" not in page  # the draft's comune
    assert "1 evento rinviato a data da definire" in page
    pdf = pdf_text(logged_in.get(f"/gestione/rapporto/{year}.pdf").get_data())
    assert "Dati aggiornati al" in pdf
    assert "2 eventi svolti" in pdf  # by today December is over too; the draft and the postponed never count


def test_a_year_with_only_a_draft_is_an_empty_report(logged_in, make_event, from_comune):
    year = today_rome().year + 1
    from_comune(make_event(title="Bozza dell'anno prossimo", day=date(year, 3, 10), status="draft"), "Alba (CN)")
    page = logged_in.get(f"/gestione/rapporto/{year}").get_data(as_text=True)
    assert f"Nessun evento svolto nel {year}" in page


def test_the_monthly_table_names_months_the_italian_way_and_adds_up_to_the_totals(logged_in, make_event, from_comune):
    year = today_rome().year - 1
    october = make_event(title="Ottobre", day=date(year, 10, 8))
    december = make_event(title="Dicembre", day=date(year, 12, 3))
    from_comune(october, "Alba (CN)")
    from_comune(december, "Bra (CN)")
    enrol(december, ente_tipo="associazione", organization="Legambiente")
    response = logged_in.get(f"/gestione/partecipazione/mesi.csv?dal={year}-10-01&al={year}-12-31")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [f"ott {year}", f"nov {year}", f"dic {year}", rows[-1][0]]
    assert rows[-1][0].startswith("Senza comune")
    assert sum(int(row[2]) for row in rows[1:]) == 3  # every confirmed registration, as in the headline


def test_bodies_abroad_are_counted_by_country(logged_in, past_meeting):
    enrol(past_meeting, ente_tipo="estero", organization="Mairie de Nice", ente_country="Francia", email="a@nice.fr")
    enrol(past_meeting, ente_tipo="estero", organization="Ville de Menton", ente_country="France", email="b@menton.fr")
    enrol(past_meeting, ente_tipo="estero", organization="Commune de Sion", ente_country="Suisse", email="c@sion.ch")
    page = logged_in.get("/gestione/partecipazione").get_data(as_text=True)
    table = page.split('data-table="estero"')[1].split("</table>")[0]
    assert table.index("Francia") < table.index("Svizzera")  # two people of France, one of Switzerland
    rows = list(
        csv.reader(
            io.StringIO(logged_in.get("/gestione/partecipazione/estero.csv").get_data(as_text=True).lstrip("\ufeff")),
            delimiter=";",
        )
    )
    assert rows[1][:4] == ["Francia", "FR", "2", "2"]


def test_the_comune_pages_tables_are_exported_as_shown(logged_in, world):
    rows = list(
        csv.reader(
            io.StringIO(logged_in.get("/gestione/partecipazione/comuni/004003/eventi.csv").get_data().decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0] == ["Evento", "Data", "Persone", "Ore"]
    assert any(row[0] == "Assemblea dei soci" and "Paolo Cavallo" in row[2] for row in rows[1:])
    sheet = load_workbook(io.BytesIO(logged_in.get("/gestione/partecipazione/comuni/004003/ore.xlsx").get_data())).active
    assert [c.value for c in sheet[1]] == ["Anno", "Ore"]
    assert logged_in.get("/gestione/partecipazione/comuni/999999/ore.csv").status_code == 404


def test_a_draft_events_registrations_do_not_count_on_the_dashboard(logged_in, make_event, from_comune):
    draft = make_event(title="Bozza", day=today_rome() - timedelta(days=3), status="draft")
    from_comune(draft, "Ostana (CN)")
    result = services.participation(services.Filters())
    assert [f.comune.name for f in result.per_comune] == []
