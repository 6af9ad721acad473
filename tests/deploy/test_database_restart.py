"""PostgreSQL restarted in the middle of a burst of sign-ups, under gunicorn with the shipped
configuration: nothing acknowledged is lost, nobody gets a 500, a 503 says when to try again and
keeps what was typed, and sign-ups go on by themselves once the database is back."""

from __future__ import annotations

import re
import threading
import time
from urllib.parse import urlencode

import psycopg
import pytest

from app import create_app
from app.demo.data import seed_event_types
from app.extensions import db
from tests import factories
from tests.support.deployment import Gunicorn, PrivatePostgres, app_environment, request

THREADS = 4
#: Acknowledged sign-ups wanted before the restart, and again after it.
EACH_SIDE = 6


@pytest.fixture
def cluster():
    with PrivatePostgres() as postgres:
        yield postgres


@pytest.fixture
def open_event(cluster):
    """The schema and one published event, in the private cluster."""
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": cluster.url})
    with other.app_context():
        db.create_all()
        seed_event_types()
        event = factories.make_event(venue=factories.create_venue())
        found = event.id, event.slug
        db.session.remove()
        db.engine.dispose()
    return found


class SignUps:
    """People signing up one after another in a few threads, each from the form's page, as a
    browser would; every answer is kept for the checks."""

    def __init__(self, port: int, slug: str):
        self.port, self.path = port, f"/eventi/{slug}/iscrizione"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.acknowledged: list[str] = []  # sent to their registration's page
        self.already: list[str] = []  # sent again after a 503: the first one had been saved
        self.unavailable: list[tuple[str, object]] = []
        self.unexpected: list[tuple[str, int, bytes]] = []

    def _send(self, **kwargs):
        with self.lock:
            self.in_flight += 1
        try:
            return request(self.port, self.path, **kwargs)
        finally:
            with self.lock:
                self.in_flight -= 1

    def person(self, number: int) -> None:
        cookie = token = None
        done = 0
        while not self.stop.is_set():
            if token is None:
                page = self._send()
                if page.status == 503:
                    self.unavailable.append(("GET", page))
                    time.sleep(0.1)
                    continue
                if page.status != 200:
                    self.unexpected.append(("GET", page.status, page.body[:2000]))
                    return
                cookie = page.header("Set-Cookie").split(";", 1)[0]
                token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.body).group(1).decode()
            email = f"persona{number}.{done}@comune.example.it"
            form = {**factories.REGISTRATION_FORM, "email": email, "csrf_token": token}
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            reply = self._send(method="POST", headers=headers, body=urlencode(form).encode())
            location = reply.header("Location") or ""
            if reply.status == 303 and "/iscrizioni/" in location:
                self.acknowledged.append(email)
                done += 1
            elif reply.status == 303 and location.endswith("/gia-iscritto"):
                self.already.append(email)
                done += 1
            elif reply.status == 503:
                self.unavailable.append((email, reply))
                time.sleep(0.1)  # then the same person sends the same form again
            else:
                self.unexpected.append((email, reply.status, reply.body[:2000]))
                return

    def wait_for_unavailable(self, count: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while len(self.unavailable) < count and not self.unexpected:
            assert time.monotonic() < deadline, f"only {len(self.unavailable)} answers 503 of {count}"
            time.sleep(0.02)

    def wait_for(self, count: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while len(self.acknowledged) < count and not self.unexpected:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} sign-ups of {count}"
            time.sleep(0.02)


def test_a_restart_in_a_burst_of_sign_ups(cluster, open_event, tmp_path):
    event_id, slug = open_event
    env = app_environment(cluster.url, tmp_path, REGISTRATION_RATE_LIMIT="100000 per minute")
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=2) as gunicorn:
        burst = SignUps(gunicorn.port, slug)
        threads = [threading.Thread(target=burst.person, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        try:
            burst.wait_for(EACH_SIDE)
            # A quick restart: requests cut off mid-transaction are run again on a new connection.
            in_flight_at_restart = burst.in_flight
            cluster.restart()
            burst.wait_for(len(burst.acknowledged) + EACH_SIDE)
            # A longer outage, past the one retry: people get the 503 page until it is back.
            cluster.stop()
            burst.wait_for_unavailable(2)
            cluster.start()
            burst.wait_for(len(burst.acknowledged) + EACH_SIDE)
        finally:
            burst.stop.set()
            for thread in threads:
                thread.join(timeout=60)
        log = (tmp_path / "gunicorn.log").read_text()

    assert burst.unexpected == []
    assert "Traceback" not in log
    assert in_flight_at_restart > 0, "the restart found no request under way: nothing was tested"
    assert any(email != "GET" for email, _ in burst.unavailable), "no form was answered 503: nothing was tested"
    for email, reply in burst.unavailable:
        assert reply.header("Retry-After") == "5"
        body = reply.body.decode()
        assert "momentaneamente non disponibile" in body or "problema momentaneo" in body
        if email != "GET":
            assert email in body, "the 503 page lost what the person typed"

    with psycopg.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres") as conn:
        saved = [row[0] for row in conn.execute("SELECT email FROM registrations WHERE event_id = %s", (event_id,))]
    assert set(burst.acknowledged) | set(burst.already) <= set(saved)
    assert len(saved) == len(set(saved)), "a form sent again registered someone twice"
