"""After the event: the worker writes one follow-up to each attendee of a recently ended event
(materials and a signed feedback link), once; the form takes one answer per person and refuses
forged links and ratings outside 1–5; the organizer reads the numbers, a chart with its table,
and the written answers as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.courses import feedback, notifications
from app.courses import services as courses
from app.courses.models import Feedback
from app.events import services as events
from app.extensions import db
from app.outbox import services as outbox
from app.outbox.models import OutboxMessage
from app.outbox.signals import worker_pass
from app.signing import sign
from app.timeutil import today_rome, utcnow
from tests.factories import add_weekly_lessons, attend, csrf_token_from, enrol


@pytest.fixture
def course(make_event):
    """Four weekly lessons, the last one yesterday, with slides published."""
    course = make_event(
        title="Progettare con i fondi europei", type_slug="corso", day=today_rome() - timedelta(days=22)
    )
    add_weekly_lessons(course, 4)
    events.add_material_link(course, "Slide della prima lezione", "https://example.org/slide-1.pdf")
    return course


@pytest.fixture
def class_of_three(course):
    """Anna came to every lesson, Bruno to one; Carla never came."""
    anna = enrol(course, first_name="Anna", last_name="Bianchi")
    bruno = enrol(course, first_name="Bruno", last_name="Verdi")
    carla = enrol(course, first_name="Carla", last_name="Neri")
    attend(course, anna, [0, 1, 2, 3])
    attend(course, bruno, [2])
    return anna, bruno, carla


def follow_ups() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == feedback.KIND).order_by(OutboxMessage.id))
    )


def link_of(registration) -> str:
    return f"/riscontro/{feedback.link_code(registration)}"


def answer(client, registration, **data):
    url = link_of(registration)
    token = csrf_token_from(client.get(url))
    return client.post(url, data={"csrf_token": token, **data})


# -- the follow-up ---------------------------------------------------------------------------------


def test_the_worker_pass_queues_one_follow_up_per_attendee_and_none_twice(app, class_of_three):
    anna, bruno, carla = class_of_three
    queued = sum(n or 0 for _receiver, n in worker_pass.send(app))
    assert queued >= 2
    messages = follow_ups()
    assert {m.dedupe_key for m in messages} == {f"follow-up:{anna.id}", f"follow-up:{bruno.id}"}
    assert notifications.queue_follow_ups() == 0
    assert len(follow_ups()) == 2


def test_the_follow_up_thanks_by_name_with_materials_and_a_signed_link(class_of_three):
    anna = class_of_three[0]
    notifications.queue_follow_ups()
    [message] = [m for m in follow_ups() if m.registration_id == anna.id]
    assert message.recipient == anna.email
    assert message.subject == "Grazie per la partecipazione: Progettare con i fondi europei"
    assert "Gentile Anna Bianchi," in message.text_body
    assert "grazie per la partecipazione a «Progettare con i fondi europei»" in message.text_body
    assert "Slide della prima lezione: https://example.org/slide-1.pdf" in message.text_body
    assert 'href="https://example.org/slide-1.pdf"' in message.html_body
    # The signed code carries the second it was made: read it from the message, then check it.
    code = re.search(r"http://incontri\.test/riscontro/(\S+)", message.text_body).group(1)
    assert f"http://incontri.test/riscontro/{code}" in message.html_body
    assert feedback.registration_for(code).id == anna.id
    assert anna.token not in code


def test_absent_people_get_no_follow_up(class_of_three):
    carla = class_of_three[2]
    notifications.queue_follow_ups()
    assert carla.id not in {m.registration_id for m in follow_ups()}


def test_an_event_without_lessons_asks_who_was_present_at_it(make_event):
    meeting = make_event(title="Incontro sui gemellaggi", day=today_rome() - timedelta(days=2))
    present, absent = enrol(meeting), enrol(meeting)
    courses.mark_present(present, courses.slots(meeting)[0])
    assert notifications.queue_follow_ups() == 1
    assert [m.registration_id for m in follow_ups()] == [present.id]
    assert absent.id not in {m.registration_id for m in follow_ups()}


def test_events_long_past_not_yet_ended_or_cancelled_get_no_follow_up(make_event):
    old = make_event(title="Incontro di un mese fa", day=today_rome() - timedelta(days=30))
    courses.mark_present(enrol(old), courses.slots(old)[0])
    cancelled = make_event(title="Incontro annullato dopo", day=today_rome() - timedelta(days=1))
    courses.mark_present(enrol(cancelled), courses.slots(cancelled)[0])
    events.cancel_event(cancelled, "Relatore assente")
    running = make_event(title="Mostra in corso", day=today_rome() - timedelta(days=1))
    running.ends_at = utcnow() + timedelta(days=3)
    db.session.commit()
    courses.mark_present(enrol(running), courses.slots(running)[0])
    assert notifications.queue_follow_ups() == 0
    assert follow_ups() == []


def test_nothing_is_written_while_the_outbox_is_silenced(class_of_three):
    with outbox.silenced():
        assert notifications.queue_follow_ups() == 0
    assert follow_ups() == []


# -- the form --------------------------------------------------------------------------------------


def test_the_link_opens_the_form_privately(client, class_of_three):
    response = client.get(link_of(class_of_three[0]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Progettare con i fondi europei" in page
    assert page.count('name="rating" required type="radio"') == 5
    assert '<label class="form-check-label" for="rating-0">1 – Insufficiente</label>' in page
    assert 'name="useful"' in page and 'name="comment"' in page and 'maxlength="2000"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_an_answer_is_saved_once_and_a_second_one_refused(client, class_of_three):
    anna = class_of_three[0]
    token = csrf_token_from(client.get(link_of(anna)))
    response = answer(client, anna, rating="5", useful="Gli esempi di bandi", comment="Più tempo per le domande")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Grazie: la risposta è stata registrata." in page and "Risposta già registrata, grazie" in page
    saved = feedback.answer_of(anna)
    assert (saved.rating, saved.useful, saved.comment, saved.event_id) == (
        5,
        "Gli esempi di bandi",
        "Più tempo per le domande",
        anna.event_id,
    )
    again = client.post(link_of(anna), data={"csrf_token": token, "rating": "1"})
    assert again.status_code == 409
    assert "Risposta già registrata, grazie" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 1
    assert feedback.answer_of(anna).rating == 5


def test_the_service_refuses_a_second_answer_too(class_of_three):
    anna = class_of_three[0]
    feedback.record(anna, 4)
    with pytest.raises(feedback.AlreadyAnswered):
        feedback.record(anna, 2)


@pytest.mark.parametrize("rating", ["0", "6", "-1", "tre", "4.5", ""])
def test_ratings_outside_one_to_five_are_refused_in_italian(client, class_of_three, rating):
    anna = class_of_three[0]
    response = answer(client, anna, rating=rating, comment="Ottimo")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Scegliere un voto da 1 a 5." in page and 'name="comment"' in page
    assert feedback.answer_of(anna) is None


def test_a_missing_rating_is_refused(client, class_of_three):
    response = answer(client, class_of_three[0], comment="Senza voto")
    assert response.status_code == 422 and "Scegliere un voto da 1 a 5." in response.get_data(as_text=True)


def test_text_over_the_limit_is_refused(client, class_of_three):
    response = answer(client, class_of_three[0], rating="3", comment="x" * 2001)
    assert response.status_code == 422 and "Al massimo 2000 caratteri." in response.get_data(as_text=True)
    assert feedback.answer_of(class_of_three[0]) is None


@pytest.mark.parametrize(
    "code",
    [
        "non-un-codice",
        "eyJyIjoxfQ.aaaa.bbbb",
        "x" * 1200,
    ],
)
def test_forged_links_are_refused(client, class_of_three, code):
    response = client.get(f"/riscontro/{code}")
    assert response.status_code == 404
    assert "Link non valido" in response.get_data(as_text=True)


def test_links_signed_for_something_else_or_expired_are_refused(app, client, class_of_three, monkeypatch):
    anna = class_of_three[0]
    with app.test_request_context():
        check_in = courses.check_in_code(anna)
        wrong_payload = sign(feedback.PURPOSE, {"r": "1"})
    assert client.get(f"/riscontro/{check_in}").status_code == 404
    assert client.get(f"/riscontro/{wrong_payload}").status_code == 404
    monkeypatch.setattr(feedback, "LINK_MAX_AGE_SECONDS", -1)
    assert client.get(link_of(anna)).status_code == 404


def test_a_link_for_an_erased_registration_is_refused(client, class_of_three):
    anna = class_of_three[0]
    url = link_of(anna)
    db.session.delete(anna)
    db.session.commit()
    assert client.get(url).status_code == 404


# -- the organizer's results ----------------------------------------------------------------------


@pytest.fixture
def answered(course, class_of_three):
    anna, bruno, _carla = class_of_three
    notifications.queue_follow_ups()
    feedback.record(anna, 5, "Gli esempi di bandi", '=HYPERLINK("http://x")')
    feedback.record(bruno, 2, None, "<script>alert(1)</script>; troppo teorico")
    return course


def test_the_results_page_needs_an_organizer(client, course):
    response = client.get(f"/gestione/eventi/{course.id}/riscontri")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_the_results_page_shows_counts_average_chart_table_and_escaped_comments(logged_in, answered):
    response = logged_in.get(f"/gestione/eventi/{answered.id}/riscontri")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'data-count="answers">2<' in page and 'data-count="invited">2<' in page
    assert 'data-count="average">3,5<' in page
    assert 'data-counts="[0, 1, 0, 0, 1]"' in page
    assert "js/feedback-chart.js" in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for rating, count in {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}.items():
        assert f'data-rating="{rating}">{count}<' in page
    assert 'aria-current="page">Riscontri<' in page
    assert "Bianchi" not in page  # answers are shown without names


def test_the_results_page_without_answers(logged_in, course):
    page = logged_in.get(f"/gestione/eventi/{course.id}/riscontri").get_data(as_text=True)
    assert "Ancora nessuna risposta al questionario." in page and 'data-count="average">–<' in page


def test_the_comments_export_reads_back_in_italian_excel(logged_in, answered):
    response = logged_in.get(f"/gestione/eventi/{answered.id}/riscontri.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "riscontri-progettare-con-i-fondi-europei.csv" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Data", "Voto", "Che cosa è stato utile", "Commento"]
    assert [row[1:] for row in rows[1:]] == [
        ["5", "Gli esempi di bandi", '\'=HYPERLINK("http://x")'],
        ["2", "", "<script>alert(1)</script>; troppo teorico"],
    ]
    assert "Bianchi" not in body.decode("utf-8-sig")


def test_the_demo_course_has_a_few_answers_and_wrote_no_email(app):
    from app.demo.data import load_demo

    course = load_demo()["corso-concluso"]
    results = feedback.results(course)
    assert results.answers == 5 and results.distribution[5] == 2 and len(results.written) == 4
    assert follow_ups() == []
