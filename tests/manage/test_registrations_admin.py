"""The organizer's registration tools: list, actions, add by hand, exports, check-in, questions."""

from __future__ import annotations

import csv
import html
import io

import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.registrations import services
from app.registrations.models import Registration, Source
from tests.factories import CONSENT, csrf_token_from, participant


def register(event, **fields):
    return services.register(event.id, participant(**fields), CONSENT).registration


def token(client, event) -> str:
    return csrf_token_from(client.get(f"/gestione/eventi/{event.id}/iscritti"))


def test_list_shows_counts_and_filters_by_status_and_search(logged_in, make_event):
    event = make_event(capacity=1)
    register(event, last_name="Bianchi", organization="Comune di Susa")
    register(event, last_name="Verdi", organization="Comune di Alba")
    page = html.unescape(logged_in.get(f"/gestione/eventi/{event.id}/iscritti").get_data(as_text=True))
    assert 'data-count="confirmed">1 / 1' in page and 'data-count="waitlisted">1' in page
    waiting = logged_in.get(f"/gestione/eventi/{event.id}/iscritti?stato=waitlisted").get_data(as_text=True)
    assert "Verdi" in waiting and "Bianchi" not in waiting
    found = logged_in.get(f"/gestione/eventi/{event.id}/iscritti?q=susa").get_data(as_text=True)
    assert "Bianchi" in found and "Verdi" not in found
    by_name = logged_in.get(f"/gestione/eventi/{event.id}/iscritti?ordine=cognome&stato=nonsense").get_data(
        as_text=True
    )
    assert by_name.index("Bianchi") < by_name.index("Verdi")


def test_organizer_cancels_on_behalf_and_the_waiting_list_moves_up(logged_in, make_event):
    event = make_event(capacity=1)
    holder = register(event, last_name="Bianchi")
    waiting = register(event, last_name="Verdi")
    response = logged_in.post(
        f"/gestione/eventi/{event.id}/iscritti/{holder.id}/annulla", data={"csrf_token": token(logged_in, event)}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (db.session.get(Registration, holder.id).status, db.session.get(Registration, waiting.id).status) == (
        "cancelled",
        "confirmed",
    )
    page = html.unescape(logged_in.get(response.headers["Location"]).get_data(as_text=True))
    assert "Posto assegnato dalla lista d'attesa a: Maria Verdi" in page


def test_approve_reject_and_confirm_from_the_waiting_list(logged_in, make_event):
    event = make_event(capacity=1, registration_moderated=True)
    first, second, third = (register(event) for _ in range(3))
    csrf = token(logged_in, event)
    base = f"/gestione/eventi/{event.id}/iscritti"
    logged_in.post(f"{base}/{first.id}/approva", data={"csrf_token": csrf})
    logged_in.post(f"{base}/{second.id}/approva", data={"csrf_token": csrf})
    logged_in.post(f"{base}/{third.id}/respingi", data={"csrf_token": csrf})
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).status for r in (first, second, third)] == [
        "confirmed",
        "waitlisted",
        "rejected",
    ]
    logged_in.post(f"{base}/{second.id}/conferma", data={"csrf_token": csrf})
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == "confirmed"
    assert db.session.get(Registration, second.id).event.capacity == 2
    wrong = logged_in.post(f"{base}/{third.id}/approva", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Solo le iscrizioni in attesa" in html.unescape(wrong.get_data(as_text=True))


def test_actions_need_csrf_and_the_right_event(logged_in, make_event):
    event = make_event()
    other = make_event(title="Altro")
    registration = register(event)
    assert logged_in.post(f"/gestione/eventi/{event.id}/iscritti/{registration.id}/annulla").status_code == 400
    response = logged_in.post(
        f"/gestione/eventi/{other.id}/iscritti/{registration.id}/annulla", data={"csrf_token": token(logged_in, event)}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "confirmed"


def test_add_a_participant_by_hand(logged_in, make_event):
    event = make_event(capacity=1)
    register(event)
    page = logged_in.get(f"/gestione/eventi/{event.id}/iscritti/nuovo")
    data = {
        "csrf_token": csrf_token_from(page),
        "first_name": "Abdou",
        "last_name": "Kora",
        "email": "abdou.kora@acal.example.bj",
        "organization": "ACAL – Association des Communes de l'Atlantique et du Littoral",
        "role": "altro",
    }
    response = logged_in.post(f"/gestione/eventi/{event.id}/iscritti/nuovo", data=data)
    assert response.status_code == 303
    added = db.session.scalar(select(Registration).where(Registration.email == "abdou.kora@acal.example.bj"))
    assert (added.source, added.status, added.consent_version) == (Source.ORGANIZER, "waitlisted", "organizer")
    again = logged_in.post(f"/gestione/eventi/{event.id}/iscritti/nuovo", data=data, follow_redirects=True)
    assert "già iscritta" in html.unescape(again.get_data(as_text=True))
    bad = logged_in.post(f"/gestione/eventi/{event.id}/iscritti/nuovo", data={**data, "email": "x"})
    assert bad.status_code == 422


def test_csv_export_opens_in_italian_excel_and_is_guarded_against_formulas(logged_in, make_event):
    event = make_event()
    question = services.add_question(event, services.QuestionInput(label="Pranzo?", kind="yes_no"))
    register(
        event,
        last_name='=HYPERLINK("http://evil")',
        organization='Città di Torino; Ufficio "Europa"',
        phone="+39 011 123",
        answers={question.id: "si"},
    )
    response = logged_in.get(f"/gestione/eventi/{event.id}/iscritti.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    assert header[:3] == ["Cognome", "Nome", "Email"] and header[-1] == "Pranzo?"
    record = dict(zip(header, row, strict=True))
    assert record["Cognome"] == '\'=HYPERLINK("http://evil")'
    assert record["Telefono"] == "'+39 011 123"
    assert record["Ente"] == 'Città di Torino; Ufficio "Europa"'
    assert record["Pranzo?"] == "Sì"
    assert record["Stato"] == "Iscrizione confermata"


def test_xlsx_export_has_every_field_as_text(logged_in, make_event):
    event = make_event()
    register(event, last_name="=1+1", first_name="Anna")
    response = logged_in.get(f"/gestione/eventi/{event.id}/iscritti.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["Cognome"] == "=1+1" and sheet["A2"].data_type == "s"
    assert values["Nome"] == "Anna" and "Versione informativa privacy" in header


def test_next_parameter_cannot_leave_the_event(logged_in, make_event):
    event = make_event()
    registration = register(event)
    response = logged_in.post(
        f"/gestione/eventi/{event.id}/iscritti/{registration.id}/approva",
        data={"csrf_token": token(logged_in, event), "next": "//evil.example/"},
    )
    assert response.headers["Location"] == f"/gestione/eventi/{event.id}/iscritti"


def test_chart_data_is_in_the_page_without_inline_script(logged_in, make_event):
    event = make_event()
    register(event)
    page = logged_in.get(f"/gestione/eventi/{event.id}/iscritti").get_data(as_text=True)
    assert 'id="registrations-chart"' in page and "data-series=" in page
    assert "<script>" not in page
    assert "&#34;active&#34;: 1" in page or "&#34;active&#34;:1" in page


def test_questions_are_added_edited_and_protected_once_answered(logged_in, make_event):
    event = make_event(attendance_mode="hybrid", online_url="https://meet.example/abc")
    page = logged_in.get(f"/gestione/eventi/{event.id}/domande")
    csrf = csrf_token_from(page)
    assert "in presenza o online?" in html.unescape(page.get_data(as_text=True))
    bad = logged_in.post(
        f"/gestione/eventi/{event.id}/domande", data={"csrf_token": csrf, "label": "Quale?", "kind": "choice"}
    )
    assert "almeno due opzioni" in html.unescape(bad.get_data(as_text=True))
    logged_in.post(f"/gestione/eventi/{event.id}/domande/presenza-online", data={"csrf_token": csrf})
    [question] = services.questions_for(event.id)
    assert question.options == ["In presenza", "Online"] and question.required
    register(event, answers={question.id: "Online"})
    response = logged_in.post(
        f"/gestione/eventi/{event.id}/domande/{question.id}/elimina", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "qualcuno ha già risposto" in html.unescape(response.get_data(as_text=True))
    assert len(services.questions_for(event.id)) == 1
    form = logged_in.get(f"/eventi/{event.slug}/iscrizione").get_data(as_text=True)
    assert f'name="q_{question.id}"' in form


def test_the_old_desk_address_leads_to_the_attendance_page(logged_in, make_event):
    event = make_event()
    response = logged_in.get(f"/gestione/eventi/{event.id}/accoglienza")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/gestione/eventi/{event.id}/presenze")
